"""Public certificate verification (no login): a form to type a code, and one page per code.

They show what a verifier needs and nothing more: the holder's first name and last initial, the course,
the issue date and the status. Answers are never cached (a revocation shows at once, and no shared
cache keeps a name), search engines are asked not to index them, and each address is rate-limited."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from django_ratelimit.core import is_ratelimited

from lms import selectors

DEFAULT_RATE = "60/h"
RATE_GROUP = "lms.certificate_verification"


def verification_rate(group: str, request: HttpRequest) -> str:
    return str(getattr(settings, "ESSAIM_CERTIFICATE_VERIFY_RATE", DEFAULT_RATE))


def is_limited(request: HttpRequest) -> bool:
    """One budget per address for the page, the form and the API together."""
    return bool(is_ratelimited(request, group=RATE_GROUP, key="ip", rate=verification_rate, increment=True))


def _render(request: HttpRequest, context: dict[str, object], *, status: int = 200) -> HttpResponse:
    response = render(request, "lms/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def verify_form(request: HttpRequest) -> HttpResponse:
    """The form: a typed code leads to its page (GET, so the result can be bookmarked or shared)."""
    raw = request.GET.get("code", "")
    if not raw.strip():
        return _render(request, {"code": ""})
    if is_limited(request):
        return _render(request, {"code": raw, "is_limited": True}, status=429)
    found = selectors.public_certificate(raw)
    if found is None:
        return _render(request, {"code": raw, "is_unknown": True}, status=404)
    return redirect("lms:verify", code=found.code)


@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if is_limited(request):
        return _render(request, {"code": code, "is_limited": True}, status=429)
    found = selectors.public_certificate(code)
    if found is None:
        return _render(request, {"code": code, "is_unknown": True}, status=404)
    return _render(request, {"code": found.code, "result": found})
