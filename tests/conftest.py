"""Fixtures shared by every test."""

import os

from django.utils import translation

import pytest

from config.celery import app as celery_app
from programmes import outbox
from programmes.roles import sync_role_permissions
from tests import private_services


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


# --- Private services for fault tests (tests/private_services.py): never the machine's shared ones ------


@pytest.fixture
def private_redis():
    """A Redis server of this test only (append-only persistence on, as in production)."""
    binary = private_services.redis_server_binary()
    require_service("redis-server binary", binary is not None, "redis-server not in PATH")
    with private_services.private_redis(appendonly=True) as server:
        yield server


@pytest.fixture(scope="session")
def private_postgres():
    """A PostgreSQL cluster of this test session, which fault tests may stop and start."""
    reason = private_services.postgres_unavailable_reason()
    require_service("postgresql binaries", not reason, reason)
    cluster = private_services.PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def celery_broker(settings, monkeypatch):
    """Switch this process's Celery app from in-process tasks to a broker: `celery_broker(url)`.
    Publishing then goes through the broker, as in production; everything is restored afterwards."""
    previous = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}

    def use(url: str) -> None:
        celery_app.close()  # drop connections opened with the previous settings
        settings.CELERY_BROKER_URL = url
        monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it before its own configuration
        celery_app.conf.update(broker_url=url, task_always_eager=False)
        outbox.resume()

    yield use
    celery_app.close()
    celery_app.conf.update(previous)
    outbox.resume()
