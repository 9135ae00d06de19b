"""Fault tests on Redis (cache and broker, as in production): while it is down, a facilitator records
attendance and a visitor orders a service; both requests succeed at once, and the e-mails go out once
Redis is back. And a restart of Redis keeps the queue only with append-only persistence."""

import time
from datetime import timedelta
from email import message_from_string

from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

import pytest

from cjs.models import ServiceRequest
from config import cache as resilient_cache
from programmes import outbox, tasks
from programmes.models import Attendance, Department, OutboxMessage, Region
from tests.conftest import require_service
from tests.private_services import (
    app_environment,
    database_url,
    private_redis,
    redis_server_binary,
    start_worker,
    wait_for,
)
from tests.programmes.factories import (
    CohortFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    SessionFactory,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]

# A request may take this long while Redis is down (it takes milliseconds when Redis answers).
FAST = 1.5


def order_data() -> dict[str, str]:
    return {
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


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def sent_emails(directory) -> list:
    """The e-mails the worker wrote with Django's file backend (one file per connection)."""
    if not directory.exists():
        return []
    messages = []
    for path in directory.iterdir():
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(message_from_string(chunk.strip()))
    return messages


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_while_redis_is_down_requests_succeed_and_their_emails_go_out_once_it_is_back(
    private_redis, celery_broker, settings, client, tmp_path
):
    require_service("postgresql", connection.vendor == "postgresql", "the worker shares the test database")
    # Production's layout: one Redis, the cache in db 0 and the broker in db 1.
    settings.REDIS_URL = private_redis.url(0)
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": private_redis.url(0),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    resilient_cache.reset()
    celery_broker(private_redis.url(1))
    mail_dir = tmp_path / "mail"
    worker = start_worker(
        app_environment(
            CELERY_BROKER_URL=private_redis.url(1),
            REDIS_URL=private_redis.url(0),
            DATABASE_URL=database_url(connection.settings_dict),
            EMAIL_URL=f"filemail:///{mail_dir}",  # filemail:////tmp/...: an absolute path
            MEDIA_ROOT=str(tmp_path / "media"),
        ),
        tmp_path / "worker.log",
    )
    try:
        region, _ = Region.objects.get_or_create(code="52", defaults={"name": "Pays de la Loire"})
        department, _ = Department.objects.get_or_create(
            code="44", defaults={"name": "Loire-Atlantique", "region": region}
        )
        cohort = CohortFactory(department=department)
        facilitator = FacilitatorAssignmentFactory(cohort=cohort, user__email="animatrice@example.org").user
        first, second = EnrolmentFactory.create_batch(2, cohort=cohort)
        session = SessionFactory(cohort=cohort)
        client.force_login(facilitator)
        sheet = reverse("programmes:attendance_sheet", args=[session.pk])
        order = reverse("cjs:order", args=[cohort.pk])
        assert client.get(sheet).status_code == 200 and client.get(order).status_code == 200

        private_redis.stop()  # Redis goes down: no cache, no broker

        marked, marking_time = timed(
            lambda: client.post(sheet, {f"mark-{first.pk}": "present", f"mark-{second.pk}": "unexcused"})
        )
        ordered, ordering_time = timed(lambda: client.post(order, order_data()))
        health = client.get("/healthz")

        assert (marked.status_code, ordered.status_code) == (302, 302)
        assert marking_time < FAST and ordering_time < FAST, (marking_time, ordering_time)
        assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
            first.pk: "present",
            second.pk: "unexcused",
        }
        assert ServiceRequest.objects.get().name == "Martine Durand"
        assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2  # both e-mails kept
        # The node stays in the load balancer: it serves pages without Redis.
        assert health.status_code == 200
        assert health.json() | {"status": "degraded", "cache": "error", "broker": "error"} == health.json()
        assert sent_emails(mail_dir) == []

        private_redis.start()  # Redis is back (same port, same data directory)
        call_command("outbox_sweep")  # what beat does every minute (or cron)

        assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
        delivered = wait_for(lambda: len(sent_emails(mail_dir)) >= 2, timeout=60, interval=0.5)
        log = worker.output()
    finally:
        worker.stop()
    assert delivered, log[-3000:]
    recipients = sorted(message["To"] for message in sent_emails(mail_dir))
    assert recipients == ["animatrice@example.org", "martine@example.org"]
    # The worker survived the outage: it reconnected by itself and recorded each task as done.
    assert OutboxMessage.objects.filter(completed_at__isnull=False).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("appendonly", "kept"), [(True, 1), (False, 0)], ids=["appendonly", "no-persistence"]
)
def test_a_queued_task_survives_a_redis_crash_only_with_append_only_persistence(
    appendonly, kept, celery_broker, django_capture_on_commit_callbacks
):
    """Why production runs Redis with `appendonly yes`: the queue is in Redis's memory."""
    require_service("redis-server binary", redis_server_binary() is not None)
    with private_redis(appendonly=appendonly) as server:
        celery_broker(server.url(1))
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox.enqueue(tasks.send_email, subject="Queued", body="", to=["a@example.org"])
        assert server.client(1).llen("celery") == 1

        # SIGKILL, as a crash or an out-of-memory kill: Redis writes its append-only file before it
        # answers, so what it acknowledged survives the process (a power cut may lose the last second).
        server.restart(crash=True)

        assert server.client(1).llen("celery") == kept
        message.refresh_from_db()
        assert message.sent_at is not None  # the outbox handed it over: from then on, Redis keeps it
