"""Heartbeats and joins arriving at the same moment (PostgreSQL row locks): nothing is lost or doubled."""

import datetime
import threading

from django.db import connection, connections

import pytest

from lms import services
from lms.models import CourseEnrolment, LessonTime, LiveAttendance
from programmes.models import User
from tests.conftest import require_service
from tests.lms import factories
from tests.programmes.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.services,
]

PARIS = datetime.timezone(datetime.timedelta(hours=2))


@pytest.fixture
def postgresql():
    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "row locks need it: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/essaim",
    )


def together(calls: list) -> list[BaseException]:
    start = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            start.wait(timeout=10)
            call()
        except BaseException as error:  # reported to the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_concurrent_heartbeats_of_one_learner_are_all_counted_once(postgresql):
    lesson = factories.lesson(factories.module(factories.course()))
    user = UserFactory()
    start = datetime.datetime(2025, 6, 2, 23, 57, 0, tzinfo=PARIS)
    # Twelve heartbeats 30 s apart around midnight (plus duplicates), all sent at the same moment.
    moments = [start + datetime.timedelta(seconds=30 * i) for i in range(12)]
    calls = [
        (
            lambda moment=moment: services.record_heartbeat(
                user=User.objects.get(pk=user.pk), lesson=lesson, sent_at=moment, now=moment
            )
        )
        for moment in moments + moments[:4]
    ]

    errors = together(calls)

    assert errors == []
    days = dict(LessonTime.objects.filter(user=user).values_list("activity_date", "seconds"))
    assert days == {datetime.date(2025, 6, 2): 180, datetime.date(2025, 6, 3): 150}


def test_two_joins_at_once_record_one_arrival(postgresql):
    course, _lesson = factories.attendance_course()
    session = factories.live_session(course, starts_in_minutes=5)
    user = UserFactory()
    CourseEnrolment.objects.create(user=user, course=course)

    errors = together(
        [lambda: services.join_live_session(session=session, user=User.objects.get(pk=user.pk))] * 2
    )

    assert errors == []
    assert LiveAttendance.objects.filter(session=session, user=user).count() == 1
