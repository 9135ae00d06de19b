"""The outbox: tasks are written with the transaction that asks for them, published after commit without
ever holding a request up, and swept out once the broker is back, never twice."""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

import pytest
from celery.exceptions import NotRegistered
from pytest_django.asserts import assertContains, assertNotContains

from config.celery import app as celery_app
from programmes import outbox, tasks
from programmes.models import OutboxMessage
from programmes.roles import Role
from tests.conftest import require_service
from tests.private_services import private_redis
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    FacilitatorAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SEND_EMAIL = "programmes.tasks.send_email"


def queued(server) -> list[dict]:
    """The task messages waiting in a private Redis used as broker (the default `celery` queue)."""
    return [json.loads(raw) for raw in server.client(1).lrange("celery", 0, -1)]


@pytest.fixture
def broker(private_redis, celery_broker):
    celery_broker(private_redis.url(1))
    return private_redis


@pytest.fixture
def hanging_broker(celery_broker):
    """A port that accepts connections and never answers, like a Redis stuck on a full disk."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        celery_broker(f"redis://127.0.0.1:{listener.getsockname()[1]}/1")
        yield


@pytest.fixture
def refusing_broker(celery_broker):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    celery_broker(f"redis://127.0.0.1:{port}/1")


@pytest.fixture
def cjs(settings):
    """A CJS taking orders from the public, run by one facilitator (rate limits fresh)."""
    cache.clear()
    cohort = CohortFactory()
    FacilitatorAssignmentFactory(cohort=cohort, user__email="animatrice@example.org")
    yield cohort
    cache.clear()


def order(client, cohort):
    data = {
        "client_kind": "individual",
        "name": "Martine Durand",
        "email": "martine@example.org",
        "phone": "",
        "commune": "Nantes",
        "address": "4 rue du Bois",
        "service": "gardening",
        "description": "Tondre la pelouse",
        "wished_start_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "wished_end_date": "",
        "website": "",
    }
    return client.post(reverse("cjs:order", args=[cohort.pk]), data)


def send(**overrides):
    return outbox.enqueue(
        tasks.send_email, **{"subject": "Hello", "body": "Body", "to": ["a@example.org"]} | overrides
    )


# --- Written with the transaction ----------------------------------------------------------------------


def test_a_message_is_written_with_the_transaction_and_vanishes_with_its_rollback(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send()
        assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1
        raise RuntimeError("the change fails after asking for an e-mail")

    assert not OutboxMessage.objects.exists()
    assert callbacks == []  # nothing is published for a change that did not happen
    assert mail.outbox == []


def test_arguments_are_kept_as_json_and_unknown_tasks_are_refused():
    message = outbox.enqueue("programmes.tasks.send_email", subject="S", body="B", to=["a@example.org"])

    message.refresh_from_db()
    assert (message.task_name, message.args, message.kwargs) == (
        SEND_EMAIL,
        [],
        {"subject": "S", "body": "B", "to": ["a@example.org"]},
    )
    with pytest.raises(NotRegistered):
        outbox.enqueue("programmes.tasks.no_such_task", 1)


def test_without_a_broker_the_task_runs_in_process_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(subject="Welcome")

    assert [sent.subject for sent in mail.outbox] == ["Welcome"]
    message.refresh_from_db()
    assert message.sent_at is not None and message.completed_at is not None


def test_with_a_broker_the_message_is_published_after_commit_with_its_outbox_id(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = send()
        assert queued(broker) == []  # not before commit

    for callback in callbacks:
        callback()

    published = queued(broker)
    assert [(body["headers"]["task"], body["headers"]["id"]) for body in published] == [
        (SEND_EMAIL, str(message.task_id))
    ]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 0
    assert mail.outbox == []  # a worker sends it, not this process


# --- A broker outage never holds a request up, never loses a task --------------------------------------


@pytest.mark.parametrize("outage", ["refusing_broker", "hanging_broker"])
def test_a_public_form_answers_fast_and_keeps_its_emails_when_the_broker_is_down(
    request, outage, client, cjs, django_capture_on_commit_callbacks
):
    request.getfixturevalue(outage)
    # What a process does once, not per request: load the broker's client library, compile templates.
    outbox.publish([])
    outbox._connection(celery_app).transport  # noqa: B018
    client.get(reverse("cjs:order", args=[cjs.pk]))

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = order(client, cjs)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 1.5, f"the request waited {elapsed:.2f} s for the broker"
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert pending.count() == 2  # the facilitators' notice and the visitor's acknowledgement
    failed = pending.exclude(last_error="").get()
    assert failed.attempts == 1
    assert failed.available_at <= timezone.now()  # first in line for the sweep once the broker is back


def test_the_sweep_publishes_what_waited_for_the_broker_and_a_second_sweep_nothing(
    broker, django_capture_on_commit_callbacks
):
    broker.stop()
    with django_capture_on_commit_callbacks(execute=True):
        first, second = send(subject="First"), send(subject="Second")
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2
    broker.start()

    result = outbox.sweep()
    again = outbox.sweep()

    assert (result.sent, result.pending) == (2, 0)
    assert (again.sent, again.pending) == (0, 0)
    assert sorted(body["headers"]["id"] for body in queued(broker)) == sorted(
        [str(first.task_id), str(second.task_id)]
    )


def test_the_sweep_command_reports_and_keeps_messages_while_the_broker_is_down(refusing_broker, capsys):
    send()

    call_command("outbox_sweep")

    out, err = capsys.readouterr()
    assert out.strip() == "0 sent, 1 pending, 0 purged"
    assert "will be tried again" in err
    assert OutboxMessage.objects.get().last_error.startswith("OperationalError")


def test_publishing_an_already_sent_message_sends_nothing(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = send()

    callbacks[0]()  # the same on-commit hook run a second time
    outbox.publish([message.pk])

    assert len(queued(broker)) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sweeps_publish_each_message_exactly_once(broker):
    require_service("postgresql", connection.vendor == "postgresql", "row locks need PostgreSQL")
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(task_name=SEND_EMAIL, kwargs={"subject": str(number), "body": "", "to": []})
        for number in range(30)
    )
    original = outbox._publish

    def slow_publish(app, batch):
        time.sleep(0.2)  # both sweeps are inside a batch at the same time
        return original(app, batch)

    results = []

    def sweep():
        try:
            results.append(outbox.sweep(batch_size=5))
        finally:
            connections.close_all()

    with mock.patch.object(outbox, "_publish", side_effect=slow_publish):
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    published = sorted(body["headers"]["id"] for body in queued(broker))
    assert published == sorted(str(message.task_id) for message in messages)  # each one, once
    assert sorted(result.sent for result in results) != [0, 30]  # they shared the work
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


# --- A broker that loses its queue ---------------------------------------------------------------------


def test_a_message_the_broker_lost_is_published_again_hours_later(
    celery_broker, django_capture_on_commit_callbacks
):
    """Redis restarted without persistence (or flushed): the outbox notices the task never ran."""
    with private_redis(appendonly=False) as server:
        celery_broker(server.url(1))
        with django_capture_on_commit_callbacks(execute=True):
            message = send()
        server.restart(crash=True)
        assert queued(server) == []  # lost with Redis's memory

        soon = outbox.sweep(now=timezone.now() + timedelta(hours=1))  # may still be queued or running
        later = outbox.sweep(now=timezone.now() + timedelta(hours=4))

        assert (soon.sent, later.sent) == (0, 1)
        assert [body["headers"]["id"] for body in queued(server)] == [str(message.task_id)]
    message.refresh_from_db()
    assert message.publications == 2


def test_a_message_whose_task_was_done_is_never_published_again(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send()
    # What the worker's task_postrun signal does when the task has succeeded.
    outbox.record_completion(task_id=str(message.task_id), state="SUCCESS")

    assert outbox.sweep(now=timezone.now() + timedelta(days=1)).sent == 0
    assert len(queued(broker)) == 1


def test_a_task_that_never_succeeds_is_published_three_times_then_reported(settings):
    now = timezone.now()
    message = OutboxMessage.objects.create(
        task_name=SEND_EMAIL, sent_at=now - timedelta(hours=4), publications=3
    )

    assert outbox.sweep().sent == 0
    message.refresh_from_db()
    assert message.sent_at is not None  # left for people to look at
    assert outbox.stale_count() == 1


# --- Failures, duplicates and retention ----------------------------------------------------------------


def test_a_task_failing_in_process_stays_pending_and_the_sweep_runs_it_later(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.programmes.test_outbox.BrokenEmailBackend"

    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        message = send(subject="Eventually")

    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert message.last_error == "RuntimeError: the mail server is down"
    assert message.available_at > timezone.now()  # it waits a little before the next attempt

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.sweep().sent == 0  # not due yet
    result = outbox.sweep(now=timezone.now() + timedelta(minutes=1))

    assert result.sent == 1
    assert [sent.subject for sent in mail.outbox] == ["Eventually"]


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise RuntimeError("the mail server is down")


def test_an_email_delivered_twice_is_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(subject="Once")

    # The broker hands the same message over again (published twice, or its worker died after sending).
    tasks.send_email.apply(kwargs=message.kwargs, task_id=str(message.task_id))

    assert [sent.subject for sent in mail.outbox] == ["Once"]


def test_sent_messages_are_deleted_after_a_week_and_pending_ones_never(settings):
    settings.ESSAIM_OUTBOX_KEEP_SENT_DAYS = 7
    now = timezone.now()
    old_sent, recent_sent = (
        OutboxMessage.objects.create(task_name=SEND_EMAIL, sent_at=now - age, completed_at=now - age)
        for age in (timedelta(days=8), timedelta(days=6))
    )
    old_pending = OutboxMessage.objects.create(
        task_name=SEND_EMAIL, created_at=now - timedelta(days=30), available_at=now + timedelta(days=1)
    )

    result = outbox.sweep()

    assert result.purged == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent_sent.pk, old_pending.pk}
    assert not OutboxMessage.objects.filter(pk=old_sent.pk).exists()


def test_the_sweep_is_a_beat_task_every_minute(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert schedule["programmes.tasks.sweep_outbox"] == 60
    assert tasks.sweep_outbox.apply().get() == {"sent": 0, "pending": 0, "purged": 0}


# --- Every task of the apps goes through it ------------------------------------------------------------


def test_no_app_publishes_a_task_directly():
    """`.delay()` and `.apply_async()` bypass the outbox: a broker outage would lose the task or hold the
    request. Only programmes/outbox.py publishes."""
    offenders = []
    for app in ["programmes", "cjs", "flashcoop", "lms", "cms", "config"]:
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "programmes" / "outbox.py" or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                code = line.split("#", 1)[0]
                if re.search(r"\.(delay|apply_async|send_task)\(", code):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_a_password_reset_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    UserFactory(email="claire@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": "claire@example.org"})

    message = OutboxMessage.objects.get()
    assert message.task_name == SEND_EMAIL and message.kwargs["to"] == ["claire@example.org"]
    assert message.sent_at is not None
    assert len(mail.outbox) == 1


# --- Back office ---------------------------------------------------------------------------------------


REFUSED = (302, 403, 404)


def test_the_national_team_reads_the_outbox_without_the_arguments_and_cannot_change_it(client, roles):
    message = OutboxMessage.objects.create(
        task_name=SEND_EMAIL,
        kwargs={"subject": "Reset", "body": "https://essaim.example.org/accounts/reset/secret-token/"},
        last_error="OperationalError: Connection refused",
    )
    client.force_login(UserFactory(role=Role.FABRIQUE))

    listing = client.get("/admin/outboxmessage/")
    opened = client.get(f"/admin/outboxmessage/inspect/{message.pk}/")

    assertContains(listing, "Connection refused")
    assertContains(opened, str(message.task_id))
    assertNotContains(opened, "secret-token")
    assertNotContains(listing, "/admin/outboxmessage/add/")
    for action in ["add", f"edit/{message.pk}", f"delete/{message.pk}"]:
        url = f"/admin/outboxmessage/{action}/"
        assert client.get(url).status_code in REFUSED
        assert client.post(url, {"task_name": "x"}).status_code in REFUSED
    assert list(OutboxMessage.objects.values_list("pk", "task_name")) == [(message.pk, SEND_EMAIL)]


def test_coordinators_do_not_see_the_outbox(client, roles):
    OutboxMessage.objects.create(task_name=SEND_EMAIL, last_error="Connection refused")
    client.force_login(CoordinatorScopeFactory().user)

    response = client.get("/admin/outboxmessage/")

    assertNotContains(response, "Connection refused", status_code=response.status_code)


def test_a_sweep_in_a_fresh_process_finds_tasks_no_module_imported_yet(tmp_path):
    """`manage.py outbox_sweep` from cron: a process where no view or service imported the tasks."""
    code = (
        "import django; django.setup()\n"
        "from celery import current_app\n"
        "from programmes import outbox\n"
        "assert 'flashcoop.tasks.run_follow_ups' not in current_app.tasks\n"
        "print(outbox._task(current_app, 'flashcoop.tasks.run_follow_ups').name)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "MEDIA_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "flashcoop.tasks.run_follow_ups"
