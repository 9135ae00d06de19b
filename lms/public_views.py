"""Public certificate verification (no login): a form to type a code, and one page per code.

They show what a verifier needs and nothing more: the holder's first name and last initial, the course,
the issue date and the status. Answers are never cached (a revocation shows at once, and no shared
cache keeps a name), search engines are asked not to index them, and each address is rate-limited
(scope `verification`, one budget with the API's check).

The Open Badges revocation lists are public too: bits only, no name (see docs/open-badges.md)."""

import json

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lms import open_badges, selectors
from programmes.security import throttle


def _render(request: HttpRequest, context: dict[str, object], *, status: int = 200) -> HttpResponse:
    response = render(request, "lms/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@throttle("verification")
def verify_form(request: HttpRequest) -> HttpResponse:
    """The form: a typed code leads to its page (GET, so the result can be bookmarked or shared)."""
    raw = request.GET.get("code", "")
    if not raw.strip():
        return _render(request, {"code": ""})
    found = selectors.public_certificate(raw)
    if found is None:
        return _render(request, {"code": raw, "is_unknown": True}, status=404)
    return redirect("lms:verify", code=found.code)


@never_cache
@throttle("verification")
def verify(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.public_certificate(code)
    if found is None:
        return _render(request, {"code": code, "is_unknown": True}, status=404)
    return _render(request, {"code": found.code, "result": found})


STATUS_LIST_CACHE_SECONDS = 60


@require_safe
def badge_status_list(request: HttpRequest, list_number: int) -> HttpResponse:
    """A signed Bitstring Status List of the Open Badges: which credentials are revoked. Signed once a
    minute at most (a revocation clears it at once); 404 when badges are not set up or the list is unused."""
    if not open_badges.is_available():
        raise Http404
    key = open_badges.status_list_cache_key(list_number)
    body = cache.get(key)
    if body is None:
        size = open_badges.STATUS_LIST_SIZE
        if not selectors.badge_status_list_exists(list_number, size):
            raise Http404
        credential = open_badges.status_list_credential(
            list_number, selectors.revoked_badge_bits(list_number, size)
        )
        body = json.dumps(credential)
        cache.set(key, body, STATUS_LIST_CACHE_SECONDS)
    response = HttpResponse(body, content_type=f"{open_badges.MEDIA_TYPE}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"  # web wallets and verifiers check from their own origin
    patch_cache_control(response, public=True, max_age=STATUS_LIST_CACHE_SECONDS)
    return response
