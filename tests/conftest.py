"""Fixtures shared by every test."""

import os

from django.core.cache import cache
from django.test import Client
from django.utils import translation

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from programmes.roles import sync_role_permissions
from programmes.security import requires_two_factor


def require_service(name: str, available: bool, detail: str = "") -> None:
    """Skip when a service is absent on this machine; in CI (ESSAIM_REQUIRE_SERVICES=1) fail instead."""
    if available:
        return
    reason = f"service unavailable: {name}" + (f" ({detail})" if detail else "")
    if os.environ.get("ESSAIM_REQUIRE_SERVICES") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def roles(db):
    """The role groups with their permissions, as after `migrate` (tests flush between transactions)."""
    sync_role_permissions()


@pytest.fixture
def english(settings):
    """English messages in this process and in responses, for tests that assert on source strings
    (the product is French by default; tests of the French interface do not use this)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle, rate-limit and page-cache counters live in the cache, which outlives test transactions."""
    cache.clear()
    yield


def verify_second_factor(client: Client, user) -> TOTPDevice:
    """Mark the client's session as having passed the TOTP step with the user's device (created if
    missing), as django_otp.login does after a right code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """`client.force_login(user)` stands for a fully logged-in user: password and, for accounts under
    two-factor authentication, the TOTP step. Tests of the login flows themselves post the forms."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if requires_two_factor(user):
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
