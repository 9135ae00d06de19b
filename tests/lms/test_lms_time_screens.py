"""The connection log, and both times side by side for learners and staff (in scope only)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from lms import selectors, services, tasks
from lms.choices import CompletionRule, LiveAttendanceStatus
from lms.models import ConnectionLog, CourseEnrolment, LessonCompletion, LessonTime, LiveAttendance
from programmes.models import AuditEntry
from tests.lms import factories
from tests.programmes.factories import FacilitatorAssignmentFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"


def count_queries(client, url: str) -> int:
    """Queries of a request as served once the process is warm (one-time lookups, such as ContentType
    and site caches, happen on the first request only)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Connection log ---------------------------------------------------------------------------------


def test_logging_in_keeps_a_connection_log_entry_without_the_address(client):
    user = UserFactory(username="lina")

    client.post(
        "/accounts/login/",
        {"username": "lina", "password": "correct horse battery staple"},
        HTTP_USER_AGENT=FIREFOX_ANDROID,
        REMOTE_ADDR="203.0.113.57",
    )

    entry = ConnectionLog.objects.get(user=user)
    assert (entry.device, entry.network) == ("Firefox · Android", "203.0.113.0/24")
    assert timezone.now() - entry.logged_in_at < datetime.timedelta(minutes=1)
    assert "203.0.113.57" not in str(ConnectionLog.objects.values().get())


def test_a_failed_login_is_not_logged(client):
    UserFactory(username="lina")

    client.post("/accounts/login/", {"username": "lina", "password": "wrong"})

    assert not ConnectionLog.objects.exists()


@pytest.mark.parametrize(
    ("user_agent", "address", "device", "network"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 "
            "Mobile/15E148 Safari/604.1",
            "2001:db8:85a3:8d3:1319:8a2e:370:7348",
            "Safari · iOS",
            "2001:db8:85a3::/48",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 "
            "Edg/126.0",
            "not an address",
            "Edge · Windows",
            "",
        ),
        ("", "", "", ""),
    ],
)
def test_the_log_keeps_families_and_networks_only(user_agent, address, device, network):
    entry = services.record_login(user=UserFactory(), user_agent=user_agent, remote_addr=address)

    assert (entry.device, entry.network) == (device, network)


def test_old_logins_are_purged_daily(settings):
    settings.ESSAIM_LMS_CONNECTION_LOG_DAYS = 30
    user = UserFactory()
    old = ConnectionLog.objects.create(user=user, logged_in_at=timezone.now() - datetime.timedelta(days=31))
    recent = ConnectionLog.objects.create(
        user=user, logged_in_at=timezone.now() - datetime.timedelta(days=29)
    )

    assert tasks.purge_connection_log.delay().get() == 1
    assert list(ConnectionLog.objects.all()) == [recent]
    assert not ConnectionLog.objects.filter(pk=old.pk).exists()


# --- Both times, side by side -----------------------------------------------------------------------


@pytest.fixture
def followed_course():
    """A course with a 10-minute lesson, a 20-minute one and an attendance lesson of 60 minutes."""
    course = factories.course(title="Découvrir")
    module = factories.module(course)
    first = factories.lesson(module, estimated_minutes=10)
    second = factories.lesson(module, rule=CompletionRule.MARK_DONE, estimated_minutes=20)
    attendance = factories.lesson(module, rule=CompletionRule.ATTENDANCE, estimated_minutes=60)
    return course, first, second, attendance


def give_time(user, lesson, seconds, day=None):
    LessonTime.objects.create(
        user=user, lesson=lesson, activity_date=day or timezone.localdate(), seconds=seconds
    )


def test_the_learner_sees_estimated_and_connected_time_with_the_difference_explained(client, followed_course):
    course, first, second, attendance = followed_course
    user = UserFactory()
    enrolment = CourseEnrolment.objects.create(user=user, course=course)
    services.complete_lesson(enrolment=enrolment, lesson=first)
    services.complete_lesson(enrolment=enrolment, lesson=attendance)
    session = factories.live_session(course, starts_in_minutes=-90, lesson=attendance, duration_minutes=60)
    LiveAttendance.objects.create(
        session=session,
        user=user,
        status=LiveAttendanceStatus.PRESENT,
        minutes_attended=45,
        confirmed_at=timezone.now(),
    )
    give_time(user, first, 14 * 60)
    give_time(user, second, 5 * 60, day=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(user)

    home = client.get("/learn/")
    overview = client.get(course.url)

    # 10 (first lesson) + 45 confirmed minutes (the attendance lesson counts through them, not its 60).
    assert selectors.time_summaries(user, [selectors.course_progress(user, course)])[course.pk] == (
        selectors.TimeSummary(estimated_minutes=55, connected_seconds=19 * 60)
    )
    for response in (home, overview):
        assertContains(response, "Estimated time of completed activities")
        assertContains(response, '<dd class="time-estimated">55 min</dd>', html=False)
        assertContains(response, '<dd class="time-connected">19 min</dd>', html=False)
        assertContains(response, "The connected time is what the platform measured")


def test_the_facilitator_table_shows_both_times_and_links_to_a_learner_page(client, followed_course):
    course, first, _second, _attendance = followed_course
    assignment = FacilitatorAssignmentFactory()
    user = factories.member_learner(assignment.cohort, course, first_name="Lina", last_name="Moreau")
    services.complete_lesson(enrolment=CourseEnrolment.objects.get(user=user), lesson=first)
    give_time(user, first, 75 * 60)
    client.force_login(assignment.user)

    response = client.get(f"/learn/cohorts/{assignment.cohort.pk}/progress/")

    assertContains(response, "estimated 10 min")
    assertContains(response, "connected 1 h 15")
    assertContains(response, f'href="/learn/people/{user.person.pk}/time/"')


def test_staff_open_a_learners_time_and_connection_log_in_scope_only(client, followed_course):
    course, first, _second, _attendance = followed_course
    assignment = FacilitatorAssignmentFactory()
    user = factories.member_learner(assignment.cohort, course)
    give_time(user, first, 600)
    services.record_login(user=user, user_agent=FIREFOX_ANDROID, remote_addr="198.51.100.23")
    other = FacilitatorAssignmentFactory()
    url = f"/learn/people/{user.person.pk}/time/"

    client.force_login(other.user)
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert client.get(url).status_code == 403  # learners have their own space
    client.force_login(assignment.user)
    response = client.get(url)

    assertContains(response, "Connection log")
    assertContains(response, "Firefox · Android")
    assertContains(response, "198.51.100.0/24")
    assertNotContains(response, "198.51.100.23")
    assertContains(response, "Découvrir")
    assert AuditEntry.objects.filter(
        actor=assignment.user, action="lms.learner_time.view", target_id=str(user.person.pk)
    ).exists()


def test_a_person_without_an_account_has_no_time_page(client):
    assignment = FacilitatorAssignmentFactory()
    person = PersonFactory()
    from tests.programmes.factories import EnrolmentFactory

    EnrolmentFactory(cohort=assignment.cohort, person=person)
    client.force_login(assignment.user)

    assert client.get(f"/learn/people/{person.pk}/time/").status_code == 404


# --- Query counts: the same at 5 and 50 rows ---------------------------------------------------------


def _courses_with_time(user, count):
    for index in range(count):
        course = factories.course(title=f"Parcours {index}")
        lesson = factories.lesson(factories.module(course))
        CourseEnrolment.objects.create(user=user, course=course)
        LessonCompletion.objects.create(user=user, lesson=lesson)
        give_time(user, lesson, 300 + index)


def test_the_learner_home_with_times_runs_a_flat_number_of_queries(client):
    user = UserFactory()
    client.force_login(user)

    _courses_with_time(user, 5)
    few = count_queries(client, "/learn/")
    _courses_with_time(user, 45)
    many = count_queries(client, "/learn/")

    assert few == many
    assert client.get("/learn/").content.decode().count('class="time-connected"') == 50


def test_the_progress_table_with_times_runs_a_flat_number_of_queries(client):
    course = factories.course()
    lesson = factories.lesson(factories.module(course))
    assignment = FacilitatorAssignmentFactory()
    client.force_login(assignment.user)
    url = f"/learn/cohorts/{assignment.cohort.pk}/progress/"

    def add(count):
        for _ in range(count):
            user = factories.member_learner(assignment.cohort, course)
            give_time(user, lesson, 120)

    add(5)
    few = count_queries(client, url)
    add(45)
    many = count_queries(client, url)

    assert few == many


def test_the_learner_time_page_runs_a_flat_number_of_queries(client):
    assignment = FacilitatorAssignmentFactory()
    user = factories.member_learner(assignment.cohort)
    client.force_login(assignment.user)
    url = f"/learn/people/{user.person.pk}/time/"

    def add(count, offset):
        _courses_with_time(user, count)
        for index in range(count):
            ConnectionLog.objects.create(
                user=user, logged_in_at=timezone.now() - datetime.timedelta(hours=offset + index)
            )
            session = factories.live_session(factories.course(), starts_in_minutes=-(offset + index) * 60)
            LiveAttendance.objects.create(session=session, user=user, arrived_at=timezone.now())

    add(5, 0)
    few = count_queries(client, url)
    add(45, 5)
    many = count_queries(client, url)

    assert few == many


def test_the_learners_course_page_runs_at_most_15_queries_from_5_to_50_lessons(client):
    """The benchmark's target for the course page: completions, connected time and attended minutes
    are read with the lessons and the enrolment, so lessons and time add no query."""
    course = factories.course()
    module = factories.module(course)
    user = UserFactory()
    enrolment = CourseEnrolment.objects.create(user=user, course=course)
    client.force_login(user)

    def add(count):
        for _ in range(count):
            lesson = factories.lesson(module)
            services.complete_lesson(enrolment=enrolment, lesson=lesson)
            give_time(user, lesson, 60)
            session = factories.live_session(course, starts_in_minutes=-120, duration_minutes=30)
            LiveAttendance.objects.create(
                session=session,
                user=user,
                status=LiveAttendanceStatus.PRESENT,
                minutes_attended=20,
                confirmed_at=timezone.now(),
            )

    add(5)
    few = count_queries(client, course.url)
    add(45)
    many = count_queries(client, course.url)

    assert few == many <= 15
    summary = selectors.time_summaries(user, [selectors.course_progress(user, course)])[course.pk]
    # 50 lessons of 10 minutes, 50 sessions of 20 confirmed minutes, 50 minutes connected.
    assert summary == selectors.TimeSummary(estimated_minutes=50 * 10 + 50 * 20, connected_seconds=50 * 60)
