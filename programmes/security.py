"""Security helpers shared by every app: the client's address, who must use a second factor, and
rate limits on public endpoints (one table of rates for DRF throttles and plain Django views)."""

import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from rest_framework.throttling import BaseThrottle

# What a request without REMOTE_ADDR counts as (0.0.0.0, the unspecified address).
UNSPECIFIED_ADDRESS = str(ipaddress.IPv4Address(0))
# The permission that opens Wagtail's admin: whoever holds it must use a second factor.
ADMIN_ACCESS_PERMISSION = {"content_type__app_label": "wagtailadmin", "codename": "access_admin"}


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or the entry our own reverse proxies appended to
    X-Forwarded-For (ESSAIM_TRUSTED_PROXY_COUNT of them; entries further left are the client's to forge)."""
    proxies: int = settings.ESSAIM_TRUSTED_PROXY_COUNT
    remote: str = request.META.get("REMOTE_ADDR") or UNSPECIFIED_ADDRESS
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]


def requires_two_factor(user: Any) -> bool:
    """Accounts that can enter the Wagtail admin (coordinators, the national team, staff, superusers)
    must confirm each login with a TOTP code: wagtail-2fa's rule, in one query cached on the user."""
    if not getattr(user, "is_authenticated", False) or not settings.WAGTAIL_2FA_REQUIRED:
        return False
    if not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_essaim_requires_two_factor", None)
    if cached is None:
        cached = (
            Permission.objects.filter(Q(user=user) | Q(group__user=user), **ADMIN_ACCESS_PERMISSION)
            .distinct()
            .exists()
        )
        user._essaim_requires_two_factor = cached
    return bool(cached)


def verified_device(user: Any, code: str) -> TOTPDevice | None:
    """The user's confirmed TOTP device that accepts this code now, or None. Each device throttles
    its own failures (django-otp: the wait doubles after each wrong code) and takes a code once."""
    code = (code or "").strip()
    if not code.isdigit():
        return None
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
    return None


def rate_for(scope: str) -> str:
    """The rate of a throttle scope ("30/h"), from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""
    rates: dict[str, str] = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    return rates[scope]


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """The 429 answer of a throttled public endpoint: JSON for the API, a page otherwise."""
    message = _("Too many requests from your connection. Please wait a while before trying again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "429.html", {"message": message}, status=429)


def is_throttled(request: HttpRequest, scope: str) -> bool:
    """Count this request against the scope's budget of the client's address; True once it is spent.
    One counter per scope and address, whether the request came through a page or the API."""
    return bool(
        is_ratelimited(
            request,
            group=f"essaim.{scope}",
            key=lambda _group, req: client_ip(req),
            rate=rate_for(scope),
            method=ALL,
            increment=True,
        )
    )


def throttle(scope: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Rate-limit a plain Django view per client address with the rate of a DRF throttle scope, so a
    public page (a personal link, a verification page) and its API share one setting."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if is_throttled(request, scope):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class SharedScopeThrottle(BaseThrottle):
    """DRF throttle on the view's `throttle_scope`, counting in the same budget as `throttle(scope)` on
    plain views: a public API and its page (certificate verification) share one allowance per address."""

    def allow_request(self, request: Any, view: Any) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if not scope:
            return True
        return not is_throttled(getattr(request, "_request", request), scope)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers once a username is locked out from an address: 429, JSON on the API,
    the French page on the login forms (front office and admin)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(minutes)}, status=429)
    return render(
        request,
        "registration/locked_out.html",
        {"message": lockout_message(minutes), "minutes": minutes},
        status=429,
    )


def lockout_message(minutes: int) -> str:
    return _(
        "Too many failed login attempts: this account is locked from your connection for %(minutes)d "
        "minutes. Try again later, or reset your password."
    ) % {"minutes": minutes}
