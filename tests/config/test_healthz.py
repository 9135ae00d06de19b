from unittest import mock

from django.db import OperationalError

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_with_every_configured_part(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {**response.json(), "status": "error", "database": "error"}


def test_healthz_answers_503_when_a_configured_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_healthz_answers_503_when_a_configured_cache_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"] == "error"


def test_pages_are_never_framed_but_the_admin_preview_may_frame_the_site(client):
    assert client.get("/healthz")["X-Frame-Options"] == "DENY"
    assert client.get("/admin/login/")["X-Frame-Options"] == "SAMEORIGIN"
