"""Project-wide middleware."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from programmes import audit


class AdminFrameOptionsMiddleware:
    """Pages are never framed (X-Frame-Options: DENY), except the admin's own live preview,
    which frames pages of this site. Placed after XFrameOptionsMiddleware, whose header it pre-empts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/admin/") and "X-Frame-Options" not in response:
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response


class AuditActorMiddleware:
    """Entries the audit log writes during a request without an explicit actor (role and scope changes
    made through Wagtail's user screens) are attributed to the logged-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        with audit.acting_as(user if user is not None and user.is_authenticated else None):
            return self.get_response(request)


# Paths whose answers are personal even to an anonymous client: the API (token authentication happens
# in the view) and personal links (Flashcoop follow-ups).
PRIVATE_PREFIXES = ("/api/", "/admin/", "/flashcoop/follow-up/")


class PrivateResponseMiddleware:
    """Pages with personal data are never stored by a browser or a proxy (Cache-Control: no-store):
    every answer to a logged-in user, every API answer and every personal link. Public pages served to
    anonymous visitors keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(PRIVATE_PREFIXES):
            add_never_cache_headers(response)
        return response
