"""Project-wide middleware."""

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject

import django_otp
from csp.middleware import CSPMiddleware, PolicyParts
from wagtail_2fa.middleware import VerifyUserMiddleware

from programmes import audit
from programmes.security import requires_two_factor


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


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with one more rule: a path under one of ESSAIM_CSP_BY_PREFIX (Wagtail's admin, the API
    docs) gets that looser policy; everywhere else the strict CONTENT_SECURITY_POLICY of the settings."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None:
            for prefix, directives in settings.ESSAIM_CSP_BY_PREFIX:
                if request.path_info.startswith(prefix):
                    parts.config = directives
                    break
        return parts

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        # Wagtail's live preview renders the page through the middleware as if at its public address,
        # so the answer arrives here with the public site's policy (frame-ancestors 'none'): under the
        # admin the admin's policy replaces it, or the preview panel could not frame the page.
        if any(request.path_info.startswith(prefix) for prefix, _directives in settings.ESSAIM_CSP_BY_PREFIX):
            for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
                if header in response:
                    del response[header]
        return super().process_response(request, response)


class TwoFactorMiddleware(VerifyUserMiddleware):
    """wagtail-2fa's middleware, with Essaim's rule for who needs the second factor
    (programmes.security.requires_two_factor, one query) and a cheaper order: a session that passed the
    TOTP step is let through without asking again whether the account has a device.

    An account under two-factor authentication is sent to the TOTP step, or to set its device up,
    before any page, front office included. Besides the 2FA pages themselves, a half-logged-in person
    may still log out, change language, reset a password and reach the health check."""

    _allowed_url_names = [
        *VerifyUserMiddleware._allowed_url_names,
        "login",
        "logout",
        "set_language",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "healthz",
        "robots",
    ]

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        request.user = SimpleLazyObject(partial(self._verify_user_sync, request, user))
        if request.user.is_verified() or not self._require_verified_user(request):
            return None
        if django_otp.user_has_device(request.user, confirmed=True):
            return redirect_to_login(request.get_full_path(), login_url=reverse("wagtail_2fa_auth"))
        return redirect_to_login(request.get_full_path(), login_url=reverse("wagtail_2fa_device_new"))

    def _require_verified_user(self, request: HttpRequest) -> bool:
        if not requires_two_factor(request.user):
            return False
        try:
            url_name = resolve(request.path_info).url_name
        except Resolver404:
            return True  # an unknown path answers 404 after the check, like any other page
        if url_name in self._allowed_url_names:
            return False
        if url_name in self._allowed_url_names_no_device:
            return django_otp.user_has_device(request.user, confirmed=True)
        return True
