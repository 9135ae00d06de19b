"""Fixtures shared by every test."""

import os

from django.utils import translation

import pytest

from programmes.roles import sync_role_permissions


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
