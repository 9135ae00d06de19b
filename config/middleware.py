"""Project-wide middleware."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
