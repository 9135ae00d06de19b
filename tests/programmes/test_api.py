from django.core.management import call_command

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from programmes.roles import Role
from tests.config.two_factor import current_code
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_is_exchanged_for_a_username_and_password(client):
    user = UserFactory(username="claire", role=Role.COORDINATOR)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = client.post(
        "/api/v1/auth/token/",
        # Coordinators are under two-factor authentication: the code of their app comes along.
        {"username": "claire", "password": "correct horse battery staple", "otp_token": current_code(device)},
        content_type="application/json",
    )

    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", headers={"Authorization": f"Token {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "claire"
    assert me.json()["roles"] == ["coordinator"]
    assert me.json()["start_url"] == "/coordinate/"


def test_a_wrong_password_gets_no_token(client):
    UserFactory(username="claire")

    response = client.post(
        "/api/v1/auth/token/", {"username": "claire", "password": "nope"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "token" not in response.json()


def test_the_api_refuses_anonymous_callers(client):
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_the_openapi_schema_documents_our_api_only(client):
    response = client.get("/api/schema/", headers={"Accept": "application/json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/auth/token/" in paths
    assert all(path.startswith("/api/v1/") for path in paths)


def test_the_api_docs_use_local_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html
    assert "/static/drf_spectacular_sidecar/" in html


def test_lists_are_paginated_by_default(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"].endswith("PageNumberPagination")


def test_the_openapi_schema_is_valid_and_generated_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
