"""Public endpoints are throttled per client address; the scopes other features use are configured."""

from django.conf import settings

import pytest
from rest_framework.throttling import ScopedRateThrottle

from programmes.roles import Role
from programmes.security import rate_for
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_public_scopes_have_rates():
    for scope in ["auth", "verification", "personal_link"]:
        count, period = rate_for(scope).split("/")
        assert int(count) > 0
        assert period[0] in "smhd"
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == ScopedRateThrottle.THROTTLE_RATES


def test_the_api_token_endpoint_is_throttled_per_address(client, roles, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth", "3/h")
    UserFactory(username="karim", role=Role.FACILITATOR)

    def ask(address):
        return client.post(
            "/api/v1/auth/token/",
            {"username": "karim", "password": "correct horse battery staple"},
            content_type="application/json",
            REMOTE_ADDR=address,
        )

    answers = [ask("203.0.113.7").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert ask("198.51.100.9").status_code == 200
