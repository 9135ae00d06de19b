from datetime import timedelta
from unittest import mock

from django.db import OperationalError
from django.utils import timezone

import pytest

from programmes.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_with_every_configured_part(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["outbox_stale"] == 0


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {**response.json(), "status": "error", "database": "error"}


def test_healthz_says_degraded_but_answers_200_when_a_configured_broker_is_unreachable(client, settings):
    # Requests keep working without the broker (tasks wait in the outbox): the node stays in rotation.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"] == "error"


def test_healthz_says_degraded_but_answers_200_when_a_configured_cache_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["cache"] == "error"


def test_healthz_counts_outbox_messages_pending_for_too_long(client):
    now = timezone.now()
    OutboxMessage.objects.create(task_name="programmes.tasks.send_email", created_at=now - timedelta(hours=1))
    OutboxMessage.objects.create(task_name="programmes.tasks.send_email")  # just written: not late yet
    OutboxMessage.objects.create(
        task_name="programmes.tasks.send_email", created_at=now - timedelta(hours=1), sent_at=now
    )

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["outbox_stale"] == 1


def test_pages_are_never_framed_but_the_admin_preview_may_frame_the_site(client):
    assert client.get("/healthz")["X-Frame-Options"] == "DENY"
    assert client.get("/admin/login/")["X-Frame-Options"] == "SAMEORIGIN"
