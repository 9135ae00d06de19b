"""Project-level views: health check and the post-login dispatcher."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kombu import Connection
from wagtail_2fa.forms import TokenForm
from wagtail_2fa.views import DeviceCreateView, LoginView

from programmes import outbox
from programmes.security import verified_device
from programmes.selectors import start_url_for


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A dead connection stays dead unless closed; the next request then reconnects.
        connection.close()
        return "error"
    return "ok"


def _check_cache() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    try:
        cache.set("healthz", "ok", timeout=10)
        return "ok" if cache.get("healthz") == "ok" else "error"
    except Exception:
        return "error"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=1) as broker:
            broker.ensure_connection(max_retries=1, timeout=1)
    except Exception:
        return "error"
    return "ok"


def _stale_outbox_messages() -> int | None:
    try:
        return outbox.stale_count()
    except Exception:  # the table is missing (migrations not applied yet): unknown, not down
        return None


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Load balancers and monitoring read this. 503 only when the database is down: this node cannot
    serve anything. A Redis outage (cache, broker) or messages stuck in the outbox answer 200 with
    status "degraded": pages still work, tasks wait in the outbox, and taking every web node out of
    rotation would turn a degraded service into an outage."""
    checks: dict[str, str | int | None] = {
        "database": _check_database(),
        "cache": _check_cache(),
        "broker": _check_broker(),
    }
    checks["outbox_stale"] = _stale_outbox_messages() if checks["database"] == "ok" else None
    if checks["database"] == "error":
        status = "error"
    elif "error" in (checks["cache"], checks["broker"]) or checks["outbox_stale"]:
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, **checks}, status=503 if status == "error" else 200)


@login_required
def start(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(start_url_for(request.user))  # type: ignore[arg-type]


def bench_floor(request: HttpRequest) -> HttpResponse:
    """A constant answer through the whole middleware stack; only routed when ESSAIM_BENCH is on."""
    return HttpResponse(b"ok", content_type="text/plain")


class TwoFactorSetupView(DeviceCreateView):
    """wagtail-2fa's first-time device setup (QR code, a first code, the password), which then goes on to
    the page the person was heading for instead of the device list."""

    def get_success_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return resolve_url(settings.LOGIN_REDIRECT_URL)


class TotpCodeForm(TokenForm):
    """wagtail-2fa's code form, checking the code against the user's own devices: django-otp 1.7.5
    made its form mixin require an explicit device choice, which wagtail-2fa 1.8.0 never sends."""

    def clean(self) -> dict[str, Any]:
        device = verified_device(self.user, self.cleaned_data.get("otp_token", ""))
        if device is None:
            raise ValidationError(_("Invalid code: type the code your authenticator app shows now."))
        self.user.otp_device = device
        return self.cleaned_data


class TwoFactorVerifyView(LoginView):
    """The TOTP step of each login (wagtail-2fa's page, with the form above)."""

    form_class = TotpCodeForm
