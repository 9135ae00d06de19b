"""Public certificate verification (no login): a form to type a code, and one page per code.

They show what a verifier needs and nothing more: the holder's first name and last initial, the course,
the issue date and the status. Answers are never cached (a revocation shows at once, and no shared
cache keeps a name), search engines are asked not to index them, and each address is rate-limited
(scope `verification`, one budget with the API's check)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from lms import selectors
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
