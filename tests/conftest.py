"""Fixtures shared by every test."""

import os
import threading
from unittest import mock

from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.utils import translation

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.celery import app as celery_app
from programmes import outbox
from programmes.roles import sync_role_permissions
from programmes.security import requires_two_factor
from tests import private_services

BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"


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


def close_celery_connections() -> None:
    """Celery's app.close() drops the connection pool but keeps the producer pool, which stays bound to
    the broker URL of its first use: a task published after a change of broker would go to the old one
    (with no URL, amqp://localhost). Reset both, as Celery does after a fork."""
    celery_app.close()
    celery_app.amqp._producer_pool = None


@pytest.fixture(scope="module")
def redis_worker():
    """A real Celery worker on Redis, in a thread of this process, for the tests of one module (starting
    workers concurrently in one process is not reliable: modules that need one start theirs in turn)."""
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
        reachable, detail = True, ""
    except redis.RedisError as error:
        reachable, detail = False, str(error)
    require_service("redis", reachable, detail)
    task_postrun.connect(_close_worker_connections, weak=False)
    previous = dict(celery_app.conf)
    close_celery_connections()  # earlier tests may have opened connections with the in-process settings
    celery_app.conf.update(
        broker_url=BROKER_URL,
        task_always_eager=False,
        broker_connection_retry_on_startup=False,
    )
    celery_app.control.purge()  # a message left by an interrupted run must not count as ours
    try:
        # The worker runs in a thread of this process: Celery's Django fixup would close the test's own
        # database connection (which holds the test transaction): skip the fixup's connection closing.
        with (
            mock.patch.object(DjangoWorkerFixup, "install"),
            start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
        ):
            yield
    finally:
        celery_app.conf.update(
            broker_url=previous["broker_url"],
            task_always_eager=previous["task_always_eager"],
        )
        close_celery_connections()  # the next test starts clean
        task_postrun.disconnect(_close_worker_connections)


def _close_worker_connections(**kwargs) -> None:
    """What Celery's Django fixup does after each task, for the worker's thread only: its database
    connections would otherwise stay open and keep PostgreSQL from dropping the test database."""
    if threading.current_thread() is not threading.main_thread():
        connections.close_all()


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
        close_celery_connections()  # drop connections opened with the previous settings
        settings.CELERY_BROKER_URL = url
        monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it before its own configuration
        celery_app.conf.update(broker_url=url, task_always_eager=False)
        outbox.resume()

    yield use
    close_celery_connections()
    celery_app.conf.update(previous)
    outbox.resume()
