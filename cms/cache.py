"""Anonymous page cache of the public site.

Anonymous GET requests of the site's pages are served from Django's cache (Redis in production, so every
web node shares it), keyed by host, language and full path. Any publication, unpublication, change of a
cohort, partnership, logo, menu or site setting starts a new cache generation, so nothing stale outlives
an editor's or a coordinator's change. Figures that move with daily data (participants, attendance) are
at most `PAGE_CACHE_TIMEOUT` seconds old.

The CSRF token of forms in the cached copy (language switcher) is replaced by each visitor's own token
when the copy is served, so a cached page never hands one visitor's token to another.
"""

import hashlib
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from programmes import fragments

PAGE_CACHE_TIMEOUT = 300
GENERATION_KEY = "cms:pages:generation"
CACHE_HEADER = "X-Essaim-Cache"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
_CSRF_PLACEHOLDER = f'name="csrfmiddlewaretoken" value="{fragments.CSRF_PLACEHOLDER}"'


def is_cacheable(request: HttpRequest) -> bool:
    """Only anonymous GETs without a pending message, outside previews, may share a cached copy."""
    user = getattr(request, "user", None)
    return (
        request.method == "GET"
        and not (user is not None and user.is_authenticated)
        and not getattr(request, "is_preview", False)
        and "messages" not in request.COOKIES
    )


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.set(GENERATION_KEY, generation, None)
    return str(generation)


def cache_key(request: HttpRequest) -> str:
    location = f"{request.get_host()}|{get_language()}|{request.get_full_path()}"
    return f"cms:page:{_generation()}:{hashlib.sha256(location.encode()).hexdigest()}"


def invalidate_pages(**_kwargs: Any) -> None:
    """Start a new generation: every cached page is left behind (and expires on its own)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def serve_cached(request: HttpRequest, serve: Callable[[], HttpResponse]) -> HttpResponse:
    """The page from the cache for an anonymous visitor, or rendered by `serve` and stored when it is a 200."""
    if not is_cacheable(request):
        return serve()
    key = cache_key(request)
    stored = cache.get(key)
    if stored is not None:
        content = fragments.for_request(request, stored["content"])
        response = HttpResponse(content, content_type=stored["content_type"])
        response[CACHE_HEADER] = "hit"
        return response
    response = serve()
    render = getattr(response, "render", None)
    if callable(render):
        render()
    if response.status_code == 200 and not response.streaming:
        content = _CSRF_INPUT.sub(_CSRF_PLACEHOLDER, response.content.decode(response.charset))
        cache.set(key, {"content": content, "content_type": response["Content-Type"]}, PAGE_CACHE_TIMEOUT)
        response[CACHE_HEADER] = "miss"
    return response


class CachedPageMixin:
    """Serve a page type from the anonymous page cache."""

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        parent_serve = super().serve  # type: ignore[misc]
        return serve_cached(request, lambda: parent_serve(request, *args, **kwargs))
