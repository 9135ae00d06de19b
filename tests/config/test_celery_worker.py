"""A real Celery worker on Redis runs a task queued after commit (the production path)."""

import time

from django.core import mail

import pytest
from celery.result import EagerResult

from programmes import tasks
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.services]


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
