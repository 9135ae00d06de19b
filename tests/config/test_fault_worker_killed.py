"""Fault test: a worker dies in the middle of issuing a certificate; exactly one certificate (one row, one
file) exists at the end. Real processes: a private Redis as broker, a private PostgreSQL, and Celery
workers with the production pool (prefork) and settings (late acknowledgement, rejected on worker loss).

The task is `tests.fault_tasks.issue_one`, shaped like certificate issuance (row first, then the slow
file). The same test against the real `lms.tasks.issue_certificate` is at the end, skipped until that
task exists on the branch."""

import os
import signal
import time

from django.db import connection

import psycopg
import pytest

from programmes import outbox
from tests import fault_tasks
from tests.conftest import require_service
from tests.private_services import app_environment, database_url, start_worker, wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.services, pytest.mark.slow]


@pytest.fixture
def fault_database(private_postgres):
    """The private cluster with the tables of the test task, emptied for each test."""
    with psycopg.connect(private_postgres.url(), autocommit=True) as db:
        db.execute(fault_tasks.TABLES)
        db.execute("TRUNCATE fault_certificate, fault_attempt")
    return private_postgres


def rows(cluster, query: str, *params) -> list[tuple]:
    with psycopg.connect(cluster.url(), autocommit=True) as db:
        return db.execute(query, params).fetchall()


@pytest.fixture
def worker_env(private_redis, fault_database, celery_broker, tmp_path):
    """The environment of the workers (production settings), and this process publishing to the same
    private broker."""
    celery_broker(private_redis.url(1))
    (tmp_path / "files").mkdir()
    return app_environment(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        CELERY_BROKER_URL=private_redis.url(1),
        DATABASE_URL=fault_database.url(),
        MEDIA_ROOT=str(tmp_path / "media"),
    )


def issue(key: str, directory, pause: float, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(fault_tasks.issue_one, key, str(directory), pause)


def test_a_worker_process_killed_mid_task_hands_it_back_and_one_certificate_results(
    worker_env, fault_database, tmp_path, django_capture_on_commit_callbacks
):
    files = tmp_path / "files"
    worker = start_worker(worker_env, tmp_path / "worker.log", include="tests.fault_tasks")
    try:
        issue("cert-1", files, 3.0, django_capture_on_commit_callbacks)
        assert wait_for(lambda: rows(fault_database, "SELECT pid FROM fault_attempt"), timeout=30)
        [(child,)] = rows(fault_database, "SELECT pid FROM fault_attempt")
        assert child != worker.pid  # the pool process running the task, not the worker's main process
        assert rows(fault_database, "SELECT file FROM fault_certificate") == [(None,)]  # row made, no file

        os.kill(child, signal.SIGKILL)  # out of memory, segfault: the task dies with its process

        done = wait_for(
            lambda: rows(fault_database, "SELECT 1 FROM fault_certificate WHERE file IS NOT NULL"), 40
        )
        log = worker.output()
    finally:
        worker.stop()
    assert done, log[-3000:]
    assert "WorkerLostError" in log  # the main process saw its child die and handed the message back
    attempts = rows(fault_database, "SELECT pid FROM fault_attempt ORDER BY id")
    assert len(attempts) == 2 and attempts[0] != attempts[1]  # run again, by a new pool process
    [(name,)] = rows(fault_database, "SELECT file FROM fault_certificate WHERE key = 'cert-1'")
    assert [path.name for path in files.iterdir()] == [name]  # one row, one file


def test_a_whole_worker_killed_mid_task_leaves_it_to_the_next_worker(
    worker_env, fault_database, tmp_path, django_capture_on_commit_callbacks
):
    files = tmp_path / "files"
    # Redis hands a message nobody acknowledged to another worker after the visibility timeout: 2 h in
    # production, 5 s here (tests/fault_settings.py) so the test can wait for it.
    worker_env = worker_env | {"DJANGO_SETTINGS_MODULE": "tests.fault_settings"}
    first = start_worker(worker_env, tmp_path / "first.log", include="tests.fault_tasks")
    try:
        issue("cert-2", files, 2.0, django_capture_on_commit_callbacks)
        assert wait_for(lambda: rows(fault_database, "SELECT pid FROM fault_attempt"), timeout=30)
    finally:
        first.kill()  # the machine goes away: main process and pool process at once, nothing acknowledged
    time.sleep(2.5)  # longer than the task: had it survived, it would have finished by now
    assert rows(fault_database, "SELECT file FROM fault_certificate") == [(None,)]

    second = start_worker(worker_env, tmp_path / "second.log", include="tests.fault_tasks")
    try:
        done = wait_for(
            lambda: rows(fault_database, "SELECT 1 FROM fault_certificate WHERE file IS NOT NULL"), 40
        )
        log = second.output()
    finally:
        second.stop()
    assert done, log[-3000:]
    assert len(rows(fault_database, "SELECT pid FROM fault_attempt")) == 2
    [(name,)] = rows(fault_database, "SELECT file FROM fault_certificate")
    assert [path.name for path in files.iterdir()] == [name]


# --- The real certificate task ------------------------------------------------------------------------
# To enable once `lms.tasks.issue_certificate` is merged (branch `certs`): nothing to change but the skip
# condition, which lifts itself when the task exists. It needs the test database on PostgreSQL (CI): the
# worker process reads and writes the same database as this test, hence a transactional test.


def has_certificate_task() -> bool:
    try:
        from lms import tasks as lms_tasks
    except ImportError:
        return False
    return hasattr(lms_tasks, "issue_certificate")


@pytest.mark.skipif(
    not has_certificate_task(), reason="lms.tasks.issue_certificate is not on this branch yet"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_while_rendering_a_real_certificate_leaves_exactly_one(
    private_redis, celery_broker, settings, tmp_path
):
    require_service("postgresql", connection.vendor == "postgresql", "the worker shares the test database")
    from lms import services as lms_services
    from lms.models import Certificate, CourseEnrolment
    from tests.lms import factories as lms_factories
    from tests.programmes.factories import UserFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    celery_broker(private_redis.url(1))
    pidfile = tmp_path / "rendering.pid"
    env = app_environment(
        DJANGO_SETTINGS_MODULE="tests.fault_settings",
        CELERY_BROKER_URL=private_redis.url(1),
        DATABASE_URL=database_url(connection.settings_dict),
        MEDIA_ROOT=str(tmp_path / "media"),
        EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",
        # The PDF rendering takes 3 s more in the worker: time to kill the process in the middle of it.
        ESSAIM_FAULT_SLOW="lms.pdf.certificate_pdf:3",
        ESSAIM_FAULT_PIDFILE=str(pidfile),
    )
    course, lessons = lms_factories.certified_course(minutes=(30,))
    enrolment = CourseEnrolment.objects.create(
        user=UserFactory(role="learner", email="learner@example.org"), course=course
    )
    worker = start_worker(env, tmp_path / "worker.log", include="tests.fault_tasks")
    try:
        lms_services.complete_lesson(enrolment=enrolment, lesson=lessons[0])  # commits: queues issuance
        assert wait_for(pidfile.exists, timeout=30), worker.output()[-3000:]
        assert Certificate.objects.filter(pdf="").count() == 1  # the row exists, its PDF does not yet
        os.kill(int(pidfile.read_text()), signal.SIGKILL)

        mail = tmp_path / "mail"
        done = wait_for(
            lambda: Certificate.objects.exclude(pdf="").exists() and mail.exists() and any(mail.iterdir()),
            timeout=40,
        )
        log = worker.output()
    finally:
        worker.stop()
    assert done, log[-3000:]
    assert Certificate.objects.count() == 1
    assert len(list((tmp_path / "media").rglob("*.pdf"))) == 1
    assert len(list((tmp_path / "mail").iterdir())) == 1  # one e-mail to the learner
