"""Routes to the pages of courses, kept in the shared cache.

Wagtail finds the page of a path by reading the site, then each page along the path (the home page, the
catalogue, the course...), each as its own type: five queries before a course page starts its own work,
and a course page is personal, so the anonymous page cache (`cms/cache.py`) cannot serve it. The route
cache keeps, per host and path, the site, the page's type and id, and its parent; a request then reads
the page alone (with what its type reads with it, `ROUTE_RELATED`), and Wagtail's view serves it as if it
had routed it (its hooks, view restrictions and privacy checks all still run).

Only page types whose route depends on nothing but the path opt in, by declaring `ROUTE_RELATED`. Any
save, deletion, publication, unpublication, move or slug change of a page, and any change of a site,
starts a new *route generation*. Inside a transaction it moves on when the transaction commits; until
then the connection that wrote routes afresh and stores nothing. A cached route is used only if the page
is still live at the same path, so even a change made outside the application cannot serve a page at a
path that is no longer its own.
"""

import copy
import dataclasses
import hashlib
import uuid
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

GENERATION_KEY = "cms:routes:generation"
TIMEOUT = 3600


@dataclasses.dataclass(frozen=True)
class CachedRoute:
    site: Site
    model: str  # app_label.ModelName
    pk: int
    url_path: str
    parent: Page | None


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _has_uncommitted_changes() -> bool:
    connection = transaction.get_connection()
    return any(callback is _new_generation for _savepoints, callback, _robust in connection.run_on_commit)


def routes_changed(*_args: Any, **_kwargs: Any) -> None:
    """A page or a site changed: routes read before are left behind once it is committed."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _new_generation()
    elif not _has_uncommitted_changes():
        transaction.on_commit(_new_generation)


def _generation() -> str | None:
    if _has_uncommitted_changes():
        return None
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return None if generation is None else str(generation)  # None: no cache (Redis down)


def _key(generation: str, request: HttpRequest, path: str) -> str:
    location = f"{request.get_host()}|{request.get_port()}|{path}"
    return f"cms:route:{generation}:{hashlib.sha256(location.encode()).hexdigest()}"


def _full_path(site: Site, path: str) -> str:
    components = [component for component in path.split("/") if component]
    return site.root_page.url_path + "".join(f"{component}/" for component in components)


def _entry(route: Any, site: Site | None, path: str) -> CachedRoute | None:
    """What to keep of a route Wagtail computed: only a page of an opted-in type, served at its own path."""
    if site is None or not isinstance(route, RouteResult) or route.args or route.kwargs:
        return None
    page = route.page
    if getattr(type(page), "ROUTE_RELATED", None) is None or page.url_path != _full_path(site, path):
        return None
    parent = copy.copy(getattr(page, "_cached_parent_obj", None))
    if parent is not None:
        parent.__dict__.pop("_cached_parent_obj", None)  # the parent alone, not the chain above it
    return CachedRoute(site, page._meta.label, page.pk, page.url_path, parent)


def _from_cache(entry: CachedRoute) -> Page | None:
    model = apps.get_model(entry.model)
    page = (
        model.objects.select_related(*model.ROUTE_RELATED)
        .filter(pk=entry.pk, live=True, url_path=entry.url_path)
        .first()
    )
    if page is not None and entry.parent is not None:
        page._cached_parent_obj = entry.parent
    return page


def prime(request: HttpRequest, path: str) -> None:
    """Give Wagtail the route of this path (and its site) from the cache, or route and keep it."""
    generation = _generation()
    if generation is None:
        return
    key = _key(generation, request, path)
    entry = cache.get(key)
    if isinstance(entry, CachedRoute):
        page = _from_cache(entry)
        if page is not None:
            request._wagtail_site = entry.site  # type: ignore[attr-defined]
            request._wagtail_route_for_request = RouteResult(page)  # type: ignore[attr-defined]
            return
    route = Page.route_for_request(request, path)
    fresh = _entry(route, Site.find_for_request(request), path)
    if fresh is not None:
        cache.set(key, fresh, TIMEOUT)


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's page view, routed through the cache."""
    prime(request, path)
    return wagtail_views.serve(request, path)


def _page_or_site_saved(sender: Any, **_kwargs: Any) -> None:
    if isinstance(sender, type) and issubclass(sender, Page | Site):
        routes_changed()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    post_save.connect(_page_or_site_saved, dispatch_uid="cms-routes-saved")
    post_delete.connect(_page_or_site_saved, dispatch_uid="cms-routes-deleted")
    for signal, name in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
        (page_slug_changed, "slug"),
    ):
        signal.connect(routes_changed, dispatch_uid=f"cms-routes-{name}")
