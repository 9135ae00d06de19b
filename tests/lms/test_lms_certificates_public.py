"""Public verification of a certificate: no login, the holder's first name and initial only, 404 for
unknown codes, rate-limited, never cached, documented in the OpenAPI schema."""

import datetime

from django.core.cache import cache
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from lms import services
from tests.lms.factories import CertificateFactory
from tests.programmes.factories import PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PUBLIC_KEYS = {"code", "holder", "course", "issue_date", "status", "revocation_date"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the rate-limit counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def certificate():
    user = UserFactory(first_name="Camille", last_name="Dupont", email="camille.dupont@example.org")
    PersonFactory(user=user, first_name="Camille", last_name="Dupont", phone="06 11 22 33 44")
    return CertificateFactory(
        user=user,
        course_title="Découvrir la coopérative",
        objectives=["Expliquer le principe une personne, une voix"],
        issued_at=timezone.make_aware(datetime.datetime(2025, 6, 12, 10, 0)),
        provider_siret="12345678900017",
        realised_minutes=95,
    )


def never_cached(response) -> bool:
    return "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_anyone_checks_a_valid_certificate_without_logging_in(client, certificate):
    response = client.get(f"/verify/{certificate.code}/")

    assert response.status_code == 200
    assertContains(response, "Valid certificate")
    assertContains(response, "Camille D.")
    assertContains(response, "Découvrir la coopérative")
    assertContains(response, "June 12, 2025")
    assertContains(response, certificate.code)
    assert never_cached(response)
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_page_says_nothing_else_about_the_person(client, certificate):
    html = client.get(f"/verify/{certificate.code}/").content.decode()

    for secret in [
        "Dupont",
        "camille.dupont@example.org",
        "06 11 22 33 44",
        "une personne, une voix",
        "12345678900017",
        "1 h 35",
        certificate.user.username,
    ]:
        assert secret not in html, secret


def test_the_api_answers_exactly_the_public_keys(client, certificate):
    response = client.get(f"/api/v1/certificates/{certificate.code}/")

    assert response.status_code == 200
    assert response.json() == {
        "code": certificate.code,
        "holder": "Camille D.",
        "course": "Découvrir la coopérative",
        "issue_date": "2025-06-12",
        "status": "valid",
        "revocation_date": None,
    }
    assert set(response.json()) == PUBLIC_KEYS
    assert never_cached(response)


def test_a_logged_in_stranger_sees_no_more_than_anyone(client, certificate):
    client.force_login(UserFactory(role="fabrique"))

    assert set(client.get(f"/api/v1/certificates/{certificate.code}/").json()) == PUBLIC_KEYS


def test_a_revoked_certificate_says_so_with_its_date(client, certificate, roles):
    services.revoke_certificate(certificate=certificate, reason="Fraude", by=UserFactory(is_superuser=True))
    revoked_on = timezone.localdate()

    page = client.get(f"/verify/{certificate.code}/")
    data = client.get(f"/api/v1/certificates/{certificate.code}/").json()

    assertContains(page, "Revoked certificate")
    assertContains(page, "revoked on")
    assertNotContains(page, "Valid certificate")
    assertNotContains(page, "Fraude")  # the reason stays in the back office
    assert data["status"] == "revoked"
    assert data["revocation_date"] == revoked_on.isoformat()
    assert set(data) == PUBLIC_KEYS


@pytest.mark.parametrize("code", ["ABCDEFGHJKMN", "abc", "../../etc", "A" * 40])
def test_unknown_codes_answer_404(client, certificate, code):
    assert client.get(f"/verify/{code}/").status_code == 404
    assert client.get(f"/api/v1/certificates/{code}/").status_code == 404


def test_the_form_leads_to_the_page_of_a_typed_code_whatever_its_case_and_dashes(client, certificate):
    typed = f" {certificate.code[:4].lower()}-{certificate.code[4:8]} {certificate.code[8:]} "

    form = client.get("/verify/")
    response = client.get("/verify/", {"code": typed})

    assert form.status_code == 200
    assertContains(form, 'name="code"')
    assertRedirects(response, f"/verify/{certificate.code}/")
    assert client.get(f"/verify/{certificate.code.lower()}/").status_code == 200


def test_the_form_says_when_a_code_is_unknown(client, certificate):
    response = client.get("/verify/", {"code": "ZZZZZZZZZZZZ"})

    assert response.status_code == 404
    assertContains(response, "No certificate has this code", status_code=404)
    assertContains(response, 'value="ZZZZZZZZZZZZ"', status_code=404)


def test_checks_are_rate_limited_per_address_across_page_form_and_api(client, certificate, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "verification": "3/m",
        },
    }

    answers = [
        client.get(f"/verify/{certificate.code}/").status_code,
        client.get("/verify/", {"code": certificate.code}).status_code,
        client.get(f"/api/v1/certificates/{certificate.code}/").status_code,
        client.get(f"/api/v1/certificates/{certificate.code}/").status_code,
        client.get(f"/verify/{certificate.code}/").status_code,
        client.get("/verify/", {"code": "ZZZZZZZZZZZZ"}).status_code,
    ]
    other_address = client.get(f"/verify/{certificate.code}/", REMOTE_ADDR="203.0.113.9")

    assert answers == [200, 302, 200, 429, 429, 429]
    assert other_address.status_code == 200


def test_both_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/schema/", headers={"Accept": "application/json"}).json()["paths"]

    public = paths["/api/v1/certificates/{code}/"]["get"]
    assert public.get("security", []) in ([], [{}])  # no login
    assert set(public["responses"]) >= {"200", "404", "429"}
    assert "/api/v1/lms/certificates/" in paths
    assert "/api/v1/lms/certificates/{code}/pdf/" in paths
