"""A real Celery worker on Redis runs a task queued after commit (the production path)."""

import os
import threading
import time
from unittest import mock

from django.core import mail
from django.db import connections

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.fixups.django import DjangoWorkerFixup
from celery.result import EagerResult
from celery.signals import task_postrun

from config.celery import app as celery_app
from programmes import tasks
from programmes.models import OutboxMessage
from tests.conftest import require_service
from tests.programmes.factories import UserFactory

# The worker's thread has its own database connection and sees committed rows only (the outbox row, and
# the task's record of completion): transactional tests, where requests commit as in production.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.services]

BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="module")
def redis_worker():
    """One worker for the module: starting a second one in the same process is not reliable."""
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
        reachable, detail = True, ""
    except redis.RedisError as error:
        reachable, detail = False, str(error)
    require_service("redis", reachable, detail)
    task_postrun.connect(_close_worker_connections, weak=False)
    previous = dict(celery_app.conf)
    celery_app.close()  # earlier tests may have opened connections with the in-process settings
    celery_app.amqp._producer_pool = None  # bound to the broker of its first use (see conftest)
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
        celery_app.close()  # drops the connection pool so the next test starts clean
        celery_app.amqp._producer_pool = None
        task_postrun.disconnect(_close_worker_connections)


def _close_worker_connections(**kwargs) -> None:
    """What Celery's Django fixup does after each task, for the worker's thread only: its database
    connections would otherwise stay open and keep PostgreSQL from dropping the test database."""
    if threading.current_thread() is not threading.main_thread():
        connections.close_all()


def wait_for(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_password_reset_email_is_sent_by_a_worker_after_commit(client, redis_worker):
    UserFactory(username="claire", email="claire@example.org")

    response = client.post("/accounts/password-reset/", {"email": "claire@example.org"})

    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.task_name == "programmes.tasks.send_email" and message.sent_at is not None
    deadline = time.monotonic() + 30
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["claire@example.org"]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert wait_for(lambda: OutboxMessage.objects.filter(completed_at__isnull=False).exists())


def test_tasks_go_through_the_broker_not_in_process(redis_worker):
    result = tasks.send_email.delay(subject="Hello", body="Body", to=["someone@example.org"])

    assert not isinstance(result, EagerResult)
    deadline = time.monotonic() + 30
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [message.subject for message in mail.outbox] == ["Hello"]
