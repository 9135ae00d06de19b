"""Connected time from heartbeats: idle cut-off, per-session cap, duplicates, order, day boundary."""

import datetime
import random

from django.test import Client
from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lms import services
from lms.models import CourseEnrolment, LessonTime
from tests.lms import factories
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=2))  # a summer day in Europe/Paris
T0 = datetime.datetime(2025, 6, 2, 14, 0, 0, tzinfo=PARIS)


@pytest.fixture
def learner_lesson():
    lesson = factories.lesson(factories.module(factories.course()), estimated_minutes=10)
    user = UserFactory()
    CourseEnrolment.objects.create(user=user, course=factories.course_of(lesson))
    return user, lesson


@pytest.fixture(autouse=True)
def time_settings(settings):
    settings.ESSAIM_LMS_IDLE_CUTOFF_SECONDS = 120
    settings.ESSAIM_LMS_SESSION_CAP_MINUTES = 240
    return settings


def beat(user, lesson, moment: datetime.datetime) -> int:
    """A heartbeat sent and received at `moment`."""
    return services.record_heartbeat(user=user, lesson=lesson, sent_at=moment, now=moment)


def beats(user, lesson, start: datetime.datetime, count: int, every: int = 30) -> int:
    return sum(beat(user, lesson, start + datetime.timedelta(seconds=every * i)) for i in range(count))


def per_day(user, lesson) -> dict[datetime.date, int]:
    return dict(LessonTime.objects.filter(user=user, lesson=lesson).values_list("activity_date", "seconds"))


def total(user, lesson) -> int:
    return sum(per_day(user, lesson).values())


def test_heartbeats_every_30_seconds_count_the_time_between_the_first_and_the_last(learner_lesson):
    user, lesson = learner_lesson

    added = beats(user, lesson, T0, 21)  # 10 minutes of reading

    assert added == total(user, lesson) == 600
    assert LessonTime.objects.filter(user=user, lesson=lesson).count() == 1  # one row, not one per beat


def test_the_first_heartbeat_alone_counts_nothing(learner_lesson):
    user, lesson = learner_lesson

    assert beat(user, lesson, T0) == 0
    assert total(user, lesson) == 0


@pytest.mark.parametrize(("gap", "counted"), [(90, 90), (120, 120), (150, 0), (600, 0)])
def test_a_gap_counts_only_within_the_idle_cutoff(learner_lesson, gap, counted):
    user, lesson = learner_lesson
    beat(user, lesson, T0)

    added = beat(user, lesson, T0 + datetime.timedelta(seconds=gap))

    assert added == counted == total(user, lesson)


def test_after_an_idle_gap_a_new_session_starts(learner_lesson):
    user, lesson = learner_lesson
    beats(user, lesson, T0, 5)  # 2 minutes
    beats(user, lesson, T0 + datetime.timedelta(minutes=30), 3)  # back half an hour later: 1 minute

    assert total(user, lesson) == 180


def test_one_session_counts_up_to_the_cap_and_the_next_one_counts_again(learner_lesson, time_settings):
    time_settings.ESSAIM_LMS_SESSION_CAP_MINUTES = 10
    user, lesson = learner_lesson

    beats(user, lesson, T0, 2 * 30 + 1)  # a tab left open 30 minutes
    assert total(user, lesson) == 600

    beats(user, lesson, T0 + datetime.timedelta(hours=1), 5)  # a new session after an idle gap
    assert total(user, lesson) == 600 + 120


def test_duplicated_heartbeats_change_nothing(learner_lesson):
    user, lesson = learner_lesson
    beats(user, lesson, T0, 5)

    assert beat(user, lesson, T0 + datetime.timedelta(seconds=60)) == 0  # a retried request
    assert beat(user, lesson, T0 + datetime.timedelta(seconds=61)) == 0  # the same 30-second slot
    assert total(user, lesson) == 120


def test_out_of_order_heartbeats_give_the_same_total(learner_lesson):
    user, lesson = learner_lesson
    moments = [T0 + datetime.timedelta(seconds=30 * i) for i in range(40)]
    moments += [T0 + datetime.timedelta(minutes=45, seconds=30 * i) for i in range(10)]
    random.Random(7).shuffle(moments)

    for moment in moments:
        beat(user, lesson, moment)

    assert total(user, lesson) == 39 * 30 + 9 * 30


def test_a_late_heartbeat_filling_a_gap_reconnects_the_session(learner_lesson):
    user, lesson = learner_lesson
    beat(user, lesson, T0)
    beat(user, lesson, T0 + datetime.timedelta(seconds=180))  # too far apart: nothing counts
    assert total(user, lesson) == 0

    added = beat(user, lesson, T0 + datetime.timedelta(seconds=90))  # the lost one arrives

    assert added == 180 == total(user, lesson)


def test_time_is_split_at_local_midnight(learner_lesson):
    user, lesson = learner_lesson
    start = datetime.datetime(2025, 6, 2, 23, 58, 30, tzinfo=PARIS)

    beats(user, lesson, start, 7)  # 23:58:30 ... 00:01:30

    assert per_day(user, lesson) == {datetime.date(2025, 6, 2): 90, datetime.date(2025, 6, 3): 90}


def test_a_gap_across_midnight_is_split_even_when_the_morning_arrives_first(learner_lesson):
    user, lesson = learner_lesson
    morning = datetime.datetime(2025, 6, 3, 0, 0, 30, tzinfo=PARIS)
    evening = datetime.datetime(2025, 6, 2, 23, 59, 30, tzinfo=PARIS)

    beat(user, lesson, morning)
    beat(user, lesson, evening)

    assert per_day(user, lesson) == {datetime.date(2025, 6, 2): 30, datetime.date(2025, 6, 3): 30}


def test_the_cap_holds_across_midnight(learner_lesson, time_settings):
    time_settings.ESSAIM_LMS_SESSION_CAP_MINUTES = 10
    user, lesson = learner_lesson
    start = datetime.datetime(2025, 6, 2, 23, 55, 0, tzinfo=PARIS)

    beats(user, lesson, start, 41)  # 20 minutes from 23:55

    assert per_day(user, lesson) == {datetime.date(2025, 6, 2): 300, datetime.date(2025, 6, 3): 300}


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=4 * 60), min_size=1, max_size=40, unique=True),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_any_order_and_any_duplicates_give_the_totals_of_the_pure_computation(learner_lesson, offsets, seed):
    """Heartbeats every 30 s slot around midnight, in any order and with repeats: each day holds what the
    pure computation over the set of slots gives."""
    user, lesson = learner_lesson
    LessonTime.objects.filter(user=user).delete()
    start = datetime.datetime(2025, 6, 2, 22, 0, 0, tzinfo=PARIS)
    moments = [start + datetime.timedelta(seconds=30 * offset) for offset in offsets]
    sent = moments + moments[: len(moments) // 2]
    random.Random(seed).shuffle(sent)

    for moment in sent:
        beat(user, lesson, moment)

    intervals = services.credited_intervals(
        sorted({services.slot_of(moment) for moment in moments}),
        cutoff_seconds=services.idle_cutoff_seconds(),
        cap_seconds=services.session_cap_seconds(),
    )
    expected = {}
    for day in (datetime.date(2025, 6, 2), datetime.date(2025, 6, 3)):
        first, end = services.day_slots(day)
        expected[day] = services.seconds_within(
            intervals, first * services.SLOT_SECONDS, end * services.SLOT_SECONDS
        )
    assert {day: per_day(user, lesson).get(day, 0) for day in expected} == expected
    assert total(user, lesson) == sum(high - low for low, high in intervals)


def test_the_heartbeat_time_is_believed_a_few_minutes_back_and_never_ahead(learner_lesson):
    user, lesson = learner_lesson
    now = T0

    services.record_heartbeat(user=user, lesson=lesson, sent_at=now - datetime.timedelta(hours=3), now=now)
    services.record_heartbeat(user=user, lesson=lesson, sent_at=now + datetime.timedelta(hours=3), now=now)

    # Clamped to now - 5 minutes and now: too far apart to count, both on today's row.
    assert per_day(user, lesson) == {datetime.date(2025, 6, 2): 0}
    row = LessonTime.objects.get(user=user, lesson=lesson)
    first, _end = services.day_slots(datetime.date(2025, 6, 2))
    assert services.bitmap_slots(bytes(row.slots), first) == [
        services.slot_of(now - services.HEARTBEAT_MAX_DELAY),
        services.slot_of(now),
    ]


# --- The heartbeat endpoint -------------------------------------------------------------------------


def test_the_heartbeat_endpoint_counts_for_enrolled_learners_only(client, learner_lesson):
    user, lesson = learner_lesson
    url = f"/api/v1/lms/lessons/{lesson.pk}/heartbeat/"

    assert client.post(url, {}, content_type="application/json").status_code in (401, 403)
    client.force_login(UserFactory())
    assert client.post(url, {}, content_type="application/json").status_code == 404
    client.force_login(user)
    now = timezone.now()
    first = client.post(
        url, {"at": (now - datetime.timedelta(seconds=30)).isoformat()}, content_type="application/json"
    )
    second = client.post(url, {"at": now.isoformat()}, content_type="application/json")

    assert first.status_code == second.status_code == 200
    assert first.json() == {"lesson": lesson.pk, "counted_seconds": 0}
    assert second.json()["counted_seconds"] in (30, 60)  # depending on where the slot boundary falls
    assert total(user, lesson) == second.json()["counted_seconds"]


def test_the_heartbeat_endpoint_needs_the_csrf_token_and_accepts_a_beacon(learner_lesson):
    user, lesson = learner_lesson
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    url = f"/api/v1/lms/lessons/{lesson.pk}/heartbeat/"

    refused = browser.post(url, {"at": timezone.now().isoformat()})
    browser.get(lesson.url)  # sets the CSRF cookie, as the lesson page does
    token = browser.cookies["csrftoken"].value
    beacon = browser.post(url, {"at": timezone.now().isoformat(), "csrfmiddlewaretoken": token})  # multipart
    fetched = browser.post(url, {}, content_type="application/json", headers={"X-CSRFToken": token})

    assert refused.status_code == 403
    assert beacon.status_code == fetched.status_code == 200


def test_the_lesson_page_loads_the_heartbeat_script_for_enrolled_learners_only(client, learner_lesson, roles):
    user, lesson = learner_lesson

    client.force_login(user)
    page = client.get(lesson.url).content.decode()
    client.force_login(UserFactory(role="fabrique"))
    staff_page = client.get(lesson.url).content.decode()

    assert "js/lesson-heartbeat.js" in page
    assert f'data-url="/api/v1/lms/lessons/{lesson.pk}/heartbeat/"' in page
    assert 'data-interval="30"' in page
    assert "js/lesson-heartbeat.js" not in staff_page
