"""The production path: completing a course queues the certificate after commit, a real Celery worker on
Redis issues it, and duplicates sent through the broker change nothing."""

import time

from django.core import mail

import pytest
from celery.result import EagerResult

from lms import services, tasks
from lms.models import Certificate, CourseEnrolment
from programmes import tasks as programme_tasks
from tests.lms import factories
from tests.programmes.factories import UserFactory

# The worker's thread has its own database connection: it sees committed rows only, hence a
# transactional test (serialized rollback restores the page tree the courses hang from).
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.services]

SENTINEL = "sentinel: every task queued before me has run"


def wait_for(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_a_worker_on_redis_issues_the_certificate_once(redis_worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    course, lessons = factories.certified_course(minutes=(30,))
    user = UserFactory(role="learner", email="worker-test@example.org")
    enrolment = CourseEnrolment.objects.create(user=user, course=course)

    # Autocommit: the completion commits at once and its on-commit hook sends the task to the broker.
    services.complete_lesson(enrolment=enrolment, lesson=lessons[0])

    assert wait_for(lambda: Certificate.objects.exclude(pdf="").exists() and len(mail.outbox) == 1)
    certificate = Certificate.objects.get()
    assert certificate.user == user and certificate.realised_minutes == 30
    assert mail.outbox[0].to == ["worker-test@example.org"]

    # A retry and a duplicate go through the broker too; the solo worker runs tasks in order, so once the
    # sentinel e-mail is out, both have run.
    duplicates = [tasks.issue_certificate.delay(enrolment.pk) for _ in range(2)]
    programme_tasks.send_email.delay(subject=SENTINEL, body="", to=["sentinel@example.org"])

    assert not any(isinstance(result, EagerResult) for result in duplicates)
    assert wait_for(lambda: any(message.subject == SENTINEL for message in mail.outbox))
    assert Certificate.objects.count() == 1
    assert Certificate.objects.get().pdf.name == certificate.pdf.name
    assert len(list(tmp_path.rglob("*.pdf"))) == 1
    assert [message.subject for message in mail.outbox].count(SENTINEL) == 1
    assert len(mail.outbox) == 2
