"""A real Celery worker on Redis runs a task queued after commit (the production path)."""

import os
import time
from unittest import mock

from django.core import mail

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.fixups.django import DjangoWorkerFixup
from celery.result import EagerResult

from config.celery import app as celery_app
from programmes import tasks
from tests.conftest import require_service
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.services]

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
    previous = dict(celery_app.conf)
    celery_app.close()  # earlier tests may have opened connections with the in-process settings
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


def test_password_reset_email_is_sent_by_a_worker_after_commit(
    client, redis_worker, django_capture_on_commit_callbacks
):
    UserFactory(username="claire", email="claire@example.org")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/accounts/password-reset/", {"email": "claire@example.org"})

    assert response.status_code == 302
    assert len(callbacks) == 1
    deadline = time.monotonic() + 30
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["claire@example.org"]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_tasks_go_through_the_broker_not_in_process(redis_worker):
    result = tasks.send_email.delay(subject="Hello", body="Body", to=["someone@example.org"])

    assert not isinstance(result, EagerResult)
    deadline = time.monotonic() + 30
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [message.subject for message in mail.outbox] == ["Hello"]
