"""Public endpoints are throttled per client address (the API token, certificate verification, personal
links: evaluation questionnaires and the calendar feed); the scopes have configured rates."""

import secrets

from django.conf import settings

import pytest
from rest_framework.throttling import ScopedRateThrottle

from lms.services import new_calendar_token
from programmes.choices import Wave
from programmes.roles import Role
from programmes.security import rate_for
from tests.lms.factories import CertificateFactory
from tests.programmes import evaluation_factories as ef
from tests.programmes.factories import CohortFactory, EnrolmentFactory, UserFactory

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


@pytest.fixture
def rates(settings):
    """Small rates for the scopes, so a test reaches the limit in a few requests."""

    def set_rate(scope: str, rate: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], scope: rate},
        }

    return set_rate


def test_the_certificate_verification_api_refuses_the_request_over_the_rate(client, rates):
    rates("verification", "3/h")
    code = CertificateFactory().code

    answers = [client.get(f"/api/v1/certificates/{code}/").status_code for _ in range(3)]
    fourth = client.get("/api/v1/certificates/ZZZZZZZZZZZZ/")

    assert answers == [200, 200, 200]
    assert fourth.status_code == 429
    assert fourth["Content-Type"] == "application/json"
    assert client.get(f"/api/v1/certificates/{code}/", REMOTE_ADDR="198.51.100.9").status_code == 200


def test_the_verification_pages_refuse_the_request_over_the_rate(client, rates):
    rates("verification", "3/h")
    code = CertificateFactory().code

    answers = [client.get(f"/verify/{code}/").status_code for _ in range(2)]
    answers.append(client.get("/verify/", {"code": "ZZZZZZZZZZZZ"}).status_code)
    fourth = client.get(f"/verify/{code}/")

    assert answers == [200, 200, 404]
    assert fourth.status_code == 429
    assert client.get("/verify/", {"code": code}, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_guessing_evaluation_links_is_throttled(client, rates):
    rates("personal_link", "5/h")
    member = EnrolmentFactory(cohort=CohortFactory(), completed=True)
    _invitation, token = ef.invitation(member, ef.campaign([member.cohort]), wave=Wave.T1)

    guesses = [client.get(f"/q/{secrets.token_urlsafe(32)}/").status_code for _ in range(5)]
    real_one = client.get(f"/q/{token}/")

    assert guesses == [404] * 5
    assert real_one.status_code == 429  # the address is throttled whatever it asks for
    assert client.get(f"/q/{token}/", REMOTE_ADDR="198.51.100.9").status_code == 200


def test_the_calendar_feed_is_throttled(client, rates):
    rates("personal_link", "3/h")
    token = new_calendar_token(user=UserFactory())

    answers = [client.get(f"/learn/calendar/{token}/sessions.ics").status_code for _ in range(3)]
    fourth = client.get(f"/learn/calendar/{token}/sessions.ics")
    guessed = client.get(f"/learn/calendar/{secrets.token_urlsafe(32)}/sessions.ics")

    assert answers == [200, 200, 200]
    assert (fourth.status_code, guessed.status_code) == (429, 429)
    other = client.get(f"/learn/calendar/{token}/sessions.ics", REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200
