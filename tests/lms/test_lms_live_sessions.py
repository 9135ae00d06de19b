"""Live sessions: join records the arrival, sign-in sheet, confirmation completes attendance lessons,
iCalendar downloads and feeds, scheduling, and who may see what."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import icalendar
import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from lms import selectors, services
from lms.choices import LiveAttendanceStatus, LiveSessionKind
from lms.models import CalendarFeed, CourseEnrolment, LessonCompletion, LiveAttendance, LiveSession
from programmes.models import AuditEntry
from tests.lms import factories
from tests.programmes.factories import (
    CohortFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def setup():
    """A course whose required lesson is a live session of one cohort, its facilitator and a member."""
    course, lesson = factories.attendance_course(title="Découvrir")
    assignment = FacilitatorAssignmentFactory()
    learner = factories.member_learner(assignment.cohort, course, first_name="Lina", last_name="Moreau")
    session = factories.live_session(
        course, cohort=assignment.cohort, lesson=lesson, facilitator=assignment.user, starts_in_minutes=10
    )
    return course, lesson, assignment, learner, session


def count_queries(client, url: str, method: str = "get") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


# --- Join ------------------------------------------------------------------------------------------


def test_join_records_the_arrival_once_and_redirects_to_the_virtual_class(client, setup):
    _course, _lesson, _assignment, learner, session = setup
    client.force_login(learner)

    first = client.post(f"/learn/live/{session.pk}/join/")
    arrival = LiveAttendance.objects.get(session=session, user=learner).arrived_at
    second = client.post(f"/learn/live/{session.pk}/join/")

    assertRedirects(first, "https://meet.jit.si/essaim-test", fetch_redirect_response=False)
    assertRedirects(second, "https://meet.jit.si/essaim-test", fetch_redirect_response=False)
    assert LiveAttendance.objects.filter(session=session).count() == 1
    assert LiveAttendance.objects.get(session=session, user=learner).arrived_at == arrival
    assert arrival is not None


def test_join_opens_15_minutes_before_the_start_and_closes_at_the_end(setup):
    _course, _lesson, _assignment, learner, session = setup
    start = session.starts_at

    with pytest.raises(ValidationError, match="15 minutes before"):
        services.join_live_session(session=session, user=learner, now=start - datetime.timedelta(minutes=16))
    services.join_live_session(session=session, user=learner, now=start - datetime.timedelta(minutes=15))
    with pytest.raises(ValidationError, match="over"):
        services.join_live_session(session=session, user=learner, now=session.ends_at)


def test_join_too_early_says_so_and_records_nothing(client, setup):
    _course, _lesson, _assignment, learner, session = setup
    session.starts_at = timezone.now() + datetime.timedelta(hours=2)
    session.save()
    client.force_login(learner)

    response = client.post(f"/learn/live/{session.pk}/join/", follow=True)

    assertContains(response, "You can join from 15 minutes before the start.")
    assert not LiveAttendance.objects.exists()


def test_only_enrolled_learners_of_the_sessions_cohort_may_join(client, setup):
    course, _lesson, assignment, _learner, session = setup
    not_enrolled = factories.member_learner(assignment.cohort)  # a member, not enrolled in the course
    other_cohort = factories.member_learner(CohortFactory(), course)  # enrolled, another cohort
    withdrawn = UserFactory()
    EnrolmentFactory(cohort=assignment.cohort, person=PersonFactory(user=withdrawn), withdrawn=True)
    CourseEnrolment.objects.create(user=withdrawn, course=course)

    assert client.post(f"/learn/live/{session.pk}/join/").status_code == 302  # to the login page
    for user in (not_enrolled, other_cohort, withdrawn):
        client.force_login(user)
        assert client.post(f"/learn/live/{session.pk}/join/").status_code == 404
        assert client.get(f"/learn/live/{session.pk}/").status_code == 404
        with pytest.raises(PermissionDenied):
            services.join_live_session(session=session, user=user)
    assert not LiveAttendance.objects.exists()


def test_a_course_wide_session_is_for_every_enrolled_learner(client):
    course, _lesson = factories.attendance_course()
    session = factories.live_session(course, starts_in_minutes=5)
    learner = UserFactory()
    CourseEnrolment.objects.create(user=learner, course=course)
    client.force_login(learner)

    assert client.post(f"/learn/live/{session.pk}/join/").status_code == 302
    assert LiveAttendance.objects.get(user=learner).arrived_at is not None


# --- Screens for learners ----------------------------------------------------------------------------


def test_the_learner_sees_upcoming_sessions_with_an_active_join_button_from_15_minutes_before(client, setup):
    course, lesson, _assignment, learner, session = setup
    later = factories.live_session(course, title="Bilan", starts_in_minutes=60 * 24, cohort=session.cohort)
    past = factories.live_session(course, title="Passée", starts_in_minutes=-180, cohort=session.cohort)
    client.force_login(learner)

    home = client.get("/learn/")
    overview = client.get(course.url)
    lesson_page = client.get(lesson.url)

    for response in (home, overview, lesson_page):
        assertContains(response, "Classe virtuelle")
        assertContains(response, f'action="/learn/live/{session.pk}/join/"')
    assertContains(home, "Bilan")
    assertContains(home, "Opens 15 minutes before the start.")
    assertNotContains(home, f'action="/learn/live/{later.pk}/join/"')
    assertNotContains(home, "Passée")
    assert past.pk not in [entry.session.pk for entry in selectors.learner_sessions(learner)]
    assertNotContains(home, "meet.jit.si")  # the join address only comes through join


def test_the_course_page_lists_the_sessions_of_the_learners_cohort_and_of_the_whole_course(client, setup):
    course, _lesson, _assignment, learner, session = setup
    wide = factories.live_session(course, title="Pour tous", starts_in_minutes=60)
    other_cohort = factories.live_session(
        course, title="Autre CJS", starts_in_minutes=30, cohort=FacilitatorAssignmentFactory().cohort
    )
    client.force_login(learner)

    overview = client.get(course.url)

    assertContains(overview, f'action="/learn/live/{session.pk}/join/"')
    assertContains(overview, "Pour tous")
    assertNotContains(overview, "Autre CJS")
    assert [entry.session for entry in selectors.learner_sessions(learner, course=course)] == [session, wide]
    assert other_cohort.pk not in [entry.session.pk for entry in selectors.learner_sessions(learner)]
    course.unpublish()
    enrolment = CourseEnrolment.objects.get(user=learner, course=course)
    course.refresh_from_db()
    assert selectors.learner_sessions(learner, course=course, enrolment=enrolment) == []


def test_the_virtual_class_block_of_a_lesson_shows_its_session(client):
    course = factories.course()
    lesson = factories.lesson(
        factories.module(course),
        body=[{"type": "virtual_class", "value": {"title": "Notre assemblée", "description": "En visio."}}],
    )
    learner = UserFactory()
    CourseEnrolment.objects.create(user=learner, course=course)
    client.force_login(learner)

    before = client.get(lesson.url)
    session = factories.live_session(course, lesson=lesson, starts_in_minutes=5)
    after = client.get(lesson.url)

    assertContains(before, "once the session is scheduled")
    assertContains(after, f'action="/learn/live/{session.pk}/join/"')
    assertNotContains(after, "once the session is scheduled")


# --- In-person workshops: the sign-in sheet ---------------------------------------------------------


@pytest.fixture
def workshop(setup):
    course, lesson, assignment, learner, _session = setup
    other = factories.member_learner(assignment.cohort, course, first_name="Noé", last_name="Bernard")
    workshop = factories.live_session(
        course,
        cohort=assignment.cohort,
        lesson=lesson,
        kind=LiveSessionKind.IN_PERSON,
        title="Atelier",
        starts_in_minutes=-5,
    )
    return workshop, assignment, learner, other


def test_a_learner_signs_the_sheet_during_the_workshop(client, workshop):
    session, _assignment, learner, _other = workshop
    client.force_login(learner)

    page = client.get(f"/learn/live/{session.pk}/")
    response = client.post(f"/learn/live/{session.pk}/sign-in/", follow=True)

    assertContains(page, "Sign in: I am here")
    assertContains(response, "You are signed in.")
    attendance = LiveAttendance.objects.get(session=session, user=learner)
    assert attendance.signed_by == learner and attendance.signed_at is not None


def test_the_facilitator_ticks_names_on_the_sheet_and_can_undo(client, workshop):
    session, assignment, learner, other = workshop
    client.force_login(assignment.user)

    sheet = client.get(f"/learn/live/{session.pk}/sheet/")
    client.post(f"/learn/live/{session.pk}/sheet/", {"user": other.pk, "action": "sign"})
    client.post(f"/learn/live/{session.pk}/sheet/", {"user": learner.pk, "action": "sign"})
    client.post(f"/learn/live/{session.pk}/sheet/", {"user": learner.pk, "action": "cancel"})
    after = client.get(f"/learn/live/{session.pk}/sheet/")

    assertContains(sheet, "Noé")
    assertContains(sheet, "0 of 2 learners signed in.")
    assertContains(after, "1 of 2 learners signed in.")
    assert LiveAttendance.objects.get(session=session, user=other).signed_by == assignment.user
    assert LiveAttendance.objects.get(session=session, user=learner).signed_at is None
    stranger = UserFactory()
    assert client.post(f"/learn/live/{session.pk}/sheet/", {"user": stranger.pk}).status_code == 404


def test_a_virtual_class_has_no_sign_in_sheet(setup):
    _course, _lesson, assignment, learner, session = setup

    with pytest.raises(ValidationError):
        services.sign_in(session=session, user=learner, by=assignment.user)


def test_learners_cannot_sign_in_outside_the_workshop(workshop):
    session, _assignment, learner, _other = workshop
    session.starts_at = timezone.now() + datetime.timedelta(hours=3)
    session.save()

    with pytest.raises(ValidationError):
        services.sign_in(session=session, user=learner, by=learner)


# --- Confirmation ------------------------------------------------------------------------------------


def test_confirming_attendance_completes_the_attendance_lesson_and_the_course(client, setup):
    course, lesson, assignment, learner, session = setup
    absent = factories.member_learner(assignment.cohort, course, first_name="Zoé", last_name="Absente")
    session.starts_at = timezone.now() - datetime.timedelta(minutes=70)
    session.save()
    LiveAttendance.objects.create(session=session, user=learner, arrived_at=session.starts_at)
    client.force_login(assignment.user)

    page = client.get(f"/learn/live/{session.pk}/attendance/")
    response = client.post(
        f"/learn/live/{session.pk}/attendance/",
        {
            f"status-{learner.pk}": "present",
            f"minutes-{learner.pk}": "",
            f"status-{absent.pk}": "absent",
            "notes": "Ordre du jour voté.",
        },
        follow=True,
    )

    # Who joined is proposed present, the others absent.
    assertContains(
        page, f'id="status-{learner.pk}-present" name="status-{learner.pk}" value="present" checked'
    )
    assertContains(page, f'id="status-{absent.pk}-absent" name="status-{absent.pk}" value="absent" checked')
    assertContains(response, "Attendance confirmed: 1 present, 1 absent.")
    present = LiveAttendance.objects.get(session=session, user=learner)
    assert (present.status, present.minutes_attended) == (LiveAttendanceStatus.PRESENT, 60)
    assert LiveAttendance.objects.get(session=session, user=absent).status == LiveAttendanceStatus.ABSENT
    session.refresh_from_db()
    assert session.notes == "Ordre du jour voté." and session.attendance_confirmed_by == assignment.user
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()
    assert not LessonCompletion.objects.filter(user=absent, lesson=lesson).exists()
    assert CourseEnrolment.objects.get(user=learner, course=course).completed_at is not None
    assert selectors.course_progress(learner, course).percent == 100
    assert selectors.attended_live_minutes(learner, course) == 60
    assert selectors.attended_live_minutes(absent, course) == 0
    assert AuditEntry.objects.filter(action="lms.live_attendance.confirm", target_id=str(session.pk)).exists()


def test_minutes_attended_default_to_the_duration_and_are_checked(setup):
    _course, _lesson, assignment, learner, session = setup
    now = session.starts_at + datetime.timedelta(minutes=61)
    mark = services.AttendanceMark

    with pytest.raises(ValidationError):
        services.confirm_attendance(
            session=session, marks={learner.pk: mark("present", 61)}, by=assignment.user, now=now
        )
    with pytest.raises(ValidationError):
        services.confirm_attendance(
            session=session,
            marks={learner.pk: mark("present")},
            by=assignment.user,
            now=session.starts_at - datetime.timedelta(minutes=1),
        )
    with pytest.raises(ValidationError):
        services.confirm_attendance(
            session=session, marks={UserFactory().pk: mark("present")}, by=assignment.user, now=now
        )
    services.confirm_attendance(
        session=session, marks={learner.pk: mark("present", 35)}, by=assignment.user, now=now
    )
    services.confirm_attendance(
        session=session, marks={learner.pk: mark("present", 40)}, by=assignment.user, now=now
    )

    assert LiveAttendance.objects.get(session=session, user=learner).minutes_attended == 40
    assert selectors.attended_live_minutes(learner, session.course) == 40


def test_attendance_of_unconfirmed_or_other_course_sessions_does_not_count(setup):
    course, _lesson, _assignment, learner, session = setup
    LiveAttendance.objects.create(session=session, user=learner, arrived_at=timezone.now())
    other_course, _other_lesson = factories.attendance_course()
    CourseEnrolment.objects.create(user=learner, course=other_course)
    elsewhere = factories.live_session(other_course, starts_in_minutes=-120)
    LiveAttendance.objects.create(
        session=elsewhere, user=learner, status="present", minutes_attended=50, confirmed_at=timezone.now()
    )

    assert selectors.attended_live_minutes(learner, course) == 0
    assert selectors.attended_live_minutes(learner, other_course) == 50


def test_a_facilitator_of_another_cohort_cannot_see_or_run_the_session(client, setup):
    _course, _lesson, _assignment, learner, session = setup
    other = FacilitatorAssignmentFactory()
    client.force_login(other.user)

    for url in ("", "sheet/", "attendance/", "edit/", "session.ics"):
        assert client.get(f"/learn/live/{session.pk}/{url}").status_code == 404
    assert (
        client.post(f"/learn/live/{session.pk}/attendance/", {f"status-{learner.pk}": "present"}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.confirm_attendance(session=session, marks={}, by=other.user)
    assert client.get(f"/api/v1/lms/live-sessions/{session.pk}/attendances/").status_code == 404


# --- Scheduling -----------------------------------------------------------------------------------------


def test_a_facilitator_schedules_a_virtual_class_for_their_cohort(client, setup):
    course, lesson, assignment, _learner, _session = setup
    client.force_login(assignment.user)
    data = {
        "course": course.pk,
        "cohort": assignment.cohort.pk,
        "kind": "virtual",
        "title": "Bilan de mi-parcours",
        "starts_at": "2030-06-02T18:00",
        "duration_minutes": 45,
        "join_url": "https://bbb.example.org/b/bilan",
        "lesson": lesson.pk,
    }

    form = client.get(f"/learn/live/new/?cohort={assignment.cohort.pk}")
    missing_url = client.post("/learn/live/new/", {**data, "join_url": ""})
    plain_http = client.post("/learn/live/new/", {**data, "join_url": "http://bbb.example.org/b/bilan"})
    response = client.post("/learn/live/new/", data)

    assertContains(form, "Schedule a live session")
    assertContains(missing_url, "A virtual class needs the address to join it.")
    assertContains(plain_http, "https://")
    created = LiveSession.objects.get(title="Bilan de mi-parcours")
    assertRedirects(response, f"/learn/live/{created.pk}/", fetch_redirect_response=False)
    assert (created.cohort, created.facilitator, created.created_by) == (
        assignment.cohort,
        assignment.user,
        assignment.user,
    )
    assert timezone.localtime(created.starts_at).hour == 18


def test_a_facilitator_cannot_schedule_for_another_cohort_or_the_whole_course(client, setup):
    course, _lesson, assignment, _learner, _session = setup
    other_cohort = CohortFactory()
    client.force_login(assignment.user)
    data = {
        "course": course.pk,
        "kind": "in_person",
        "title": "Atelier",
        "starts_at": "2030-06-02T18:00",
        "duration_minutes": 60,
        "place": "Nantes",
    }

    client.post("/learn/live/new/", {**data, "cohort": other_cohort.pk})
    client.post("/learn/live/new/", data)

    assert not LiveSession.objects.filter(title="Atelier").exists()
    with pytest.raises(PermissionDenied):
        services.schedule_live_session(course=course, cohort=None, by=assignment.user, title="x")


def test_changing_the_time_raises_the_calendar_revision(client, setup):
    _course, _lesson, assignment, _learner, session = setup
    client.force_login(assignment.user)

    services.update_live_session(session=session, by=assignment.user, title=session.title)
    assert session.sequence == 0
    services.update_live_session(
        session=session, by=assignment.user, starts_at=session.starts_at + datetime.timedelta(days=1)
    )

    assert LiveSession.objects.get(pk=session.pk).sequence == 1


def test_the_lesson_must_belong_to_the_sessions_course(setup):
    course, _lesson, assignment, _learner, _session = setup
    _other_course, foreign_lesson = factories.attendance_course()

    with pytest.raises(ValidationError):
        services.schedule_live_session(
            course=course,
            cohort=assignment.cohort,
            by=assignment.user,
            title="x",
            starts_at=timezone.now(),
            join_url="https://meet.jit.si/x",
            lesson=foreign_lesson,
        )


# --- iCalendar ---------------------------------------------------------------------------------------


def parse(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_a_session_downloads_as_an_icalendar_event(client, workshop):
    session, _assignment, learner, _other = workshop
    client.force_login(learner)

    response = client.get(f"/learn/live/{session.pk}/session.ics")

    assert response["Content-Type"].startswith("text/calendar")
    (event,) = parse(response.content)
    assert event["UID"] == f"{session.uid}@essaim"
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=60)
    assert str(event["SUMMARY"]) == "Atelier · Découvrir"
    assert str(event["LOCATION"]) == "Salle polyvalente, Nantes"
    assert str(event["URL"]).endswith(f"/learn/live/{session.pk}/")


def test_a_virtual_class_event_links_to_essaim_not_to_the_join_address(client, setup):
    _course, _lesson, _assignment, learner, session = setup
    client.force_login(learner)

    (event,) = parse(client.get(f"/learn/live/{session.pk}/session.ics").content)

    assert "meet.jit.si" not in event.to_ical().decode()
    assert str(event["LOCATION"]).endswith(f"/learn/live/{session.pk}/")


def test_the_personal_feed_works_without_login_through_its_secret_address(client, setup):
    course, _lesson, _assignment, learner, session = setup
    elsewhere = factories.live_session(course, cohort=CohortFactory(), title="Autre CJS")
    client.force_login(learner)

    created = client.post("/learn/calendar/")
    feed_url = created.context["feed_url"]
    token = feed_url.rstrip("/").split("/")[-2]
    client.logout()
    feed = client.get(feed_url)

    assert len(token) >= 40
    assert CalendarFeed.objects.get(user=learner).token_hash == selectors.hash_token(token)
    assert not CalendarFeed.objects.filter(token_hash=token).exists()
    assert feed.status_code == 200
    uids = [str(event["UID"]) for event in parse(feed.content)]
    assert uids == [f"{session.uid}@essaim"]
    assert f"{elsewhere.uid}@essaim" not in uids
    assert client.get("/learn/calendar/nope/sessions.ics").status_code == 404


def test_a_new_feed_address_stops_the_old_one(client, setup):
    _course, _lesson, _assignment, learner, _session = setup
    old = services.new_calendar_token(user=learner)
    new = services.new_calendar_token(user=learner)

    assert client.get(f"/learn/calendar/{old}/sessions.ics").status_code == 404
    assert client.get(f"/learn/calendar/{new}/sessions.ics").status_code == 200


def test_the_feed_shows_once_the_address_on_the_calendar_page(client, setup):
    _course, _lesson, _assignment, learner, _session = setup
    client.force_login(learner)

    created = client.post("/learn/calendar/")
    later = client.get("/learn/calendar/")

    assertContains(created, "/sessions.ics")
    assertNotContains(later, "/sessions.ics")
    assertContains(later, "Create a new calendar address")


# --- API ------------------------------------------------------------------------------------------------


def test_the_api_lists_my_sessions_and_join_returns_the_address(client, setup):
    _course, _lesson, _assignment, learner, session = setup
    client.force_login(learner)

    listed = client.get("/api/v1/lms/live-sessions/").json()["results"]
    joined = client.post(f"/api/v1/lms/live-sessions/{session.pk}/join/")
    again = client.get(f"/api/v1/lms/live-sessions/{session.pk}/").json()

    assert [item["id"] for item in listed] == [session.pk]
    assert "join_url" not in listed[0]
    assert joined.status_code == 200
    assert joined.json()["join_url"] == "https://meet.jit.si/essaim-test"
    assert again["my_attendance"]["arrived_at"] is not None
    client.force_login(factories.member_learner(CohortFactory()))
    assert client.post(f"/api/v1/lms/live-sessions/{session.pk}/join/").status_code == 404


def test_the_facilitator_confirms_attendance_through_the_api(client, setup):
    _course, lesson, assignment, learner, session = setup
    session.starts_at = timezone.now() - datetime.timedelta(hours=1)
    session.save()
    client.force_login(assignment.user)

    managed = client.get("/api/v1/lms/live-sessions/?managed=true&upcoming=false").json()["results"]
    roster = client.get(f"/api/v1/lms/live-sessions/{session.pk}/attendances/").json()
    bad = client.post(
        f"/api/v1/lms/live-sessions/{session.pk}/confirm-attendance/",
        {"attendances": [{"user": learner.pk, "status": "present", "minutes": 500}]},
        content_type="application/json",
    )
    response = client.post(
        f"/api/v1/lms/live-sessions/{session.pk}/confirm-attendance/",
        {"attendances": [{"user": learner.pk, "status": "present", "minutes": 50}], "notes": "OK"},
        content_type="application/json",
    )

    assert [item["id"] for item in managed] == [session.pk]
    assert [row["user"] for row in roster] == [learner.pk]
    assert bad.status_code == 400
    assert response.status_code == 200
    assert response.json()[0]["minutes_attended"] == 50
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()
    client.force_login(learner)
    assert client.post(f"/api/v1/lms/live-sessions/{session.pk}/confirm-attendance/", {}).status_code == 404


# --- Query counts: the same at 5 and 50 rows ---------------------------------------------------------------


def test_the_learners_lists_run_a_flat_number_of_queries(client, setup):
    course, _lesson, assignment, learner, _session = setup
    token = services.new_calendar_token(user=learner)
    client.force_login(learner)
    urls = ["/learn/", course.url, "/api/v1/lms/live-sessions/"]

    def add(count):
        for index in range(count):
            session = factories.live_session(course, cohort=assignment.cohort, starts_in_minutes=30 + index)
            LiveAttendance.objects.create(session=session, user=learner, arrived_at=timezone.now())

    add(4)
    few = [count_queries(client, url) for url in urls] + [
        count_queries(client, f"/learn/calendar/{token}/sessions.ics")
    ]
    add(45)
    many = [count_queries(client, url) for url in urls] + [
        count_queries(client, f"/learn/calendar/{token}/sessions.ics")
    ]

    assert few == many


def test_the_facilitators_lists_run_a_flat_number_of_queries(client, setup):
    course, _lesson, assignment, _learner, session = setup
    session.starts_at = timezone.now() - datetime.timedelta(minutes=30)
    session.save()
    client.force_login(assignment.user)
    urls = [
        "/learn/live/",
        f"/learn/live/{session.pk}/sheet/",
        f"/learn/live/{session.pk}/attendance/",
        f"/api/v1/lms/live-sessions/{session.pk}/attendances/",
        "/api/v1/lms/live-sessions/?managed=true",
    ]

    def add(count):
        for index in range(count):
            learner = factories.member_learner(assignment.cohort, course)
            LiveAttendance.objects.create(session=session, user=learner, arrived_at=timezone.now())
            factories.live_session(course, cohort=assignment.cohort, starts_in_minutes=index - 30)

    add(4)
    few = [count_queries(client, url) for url in urls]
    add(45)
    many = [count_queries(client, url) for url in urls]

    assert few == many


# --- Demo ---------------------------------------------------------------------------------------------------


def test_each_demo_course_has_one_virtual_class_and_the_learner_some_time(client):
    from lms.demo import COURSES, seed_courses
    from lms.models import ConnectionLog, CoursePage, LessonTime
    from programmes.demo import seed_accounts
    from programmes.demo_network import seed_network

    seed_accounts()
    seed_network()
    seed_courses()
    seed_courses()

    # The three courses of the issue have one virtual class each; the short welcome course has none.
    with_class = [spec.slug for spec in COURSES if spec.live is not None]
    assert len(with_class) == 3
    assert not LiveSession.objects.exclude(course__slug__in=with_class).exists()
    for course in CoursePage.objects.filter(slug__in=with_class):
        (session,) = LiveSession.objects.filter(course=course)
        assert session.kind == LiveSessionKind.VIRTUAL and session.join_url.startswith("https://")
        assert session.lesson is not None and session.starts_at > timezone.now()
    jeune = UserFactory(username="jeune")
    discover = LiveSession.objects.get(course__slug="decouvrir-la-cooperative")
    assert discover.cohort is not None and discover.facilitator.username == "animateur"
    assert [entry.session for entry in selectors.learner_sessions(jeune)] == [discover]
    assert selectors.can_manage_session(UserFactory(username="animateur"), discover)
    assert LessonTime.objects.filter(user=jeune).count() == 3
    assert ConnectionLog.objects.filter(user=jeune).count() == 3
    assert selectors.course_progress(jeune, discover.course).percent == 50  # the live lesson is optional
    client.force_login(jeune)
    home = client.get("/learn/")
    assertContains(home, "Notre première assemblée")
    assertContains(home, "Connected time")


def test_the_realised_duration_counts_confirmed_live_minutes_once(setup):
    """A lesson completed by attending counts through the confirmed minutes, not its estimate."""
    course, lesson, assignment, learner, session = setup
    reading = factories.lesson(lesson.get_parent(), estimated_minutes=30)
    LessonCompletion.objects.create(user=learner, lesson=reading)
    assert selectors.realised_minutes(learner, course) == 30

    now = session.starts_at + datetime.timedelta(minutes=61)
    services.confirm_attendance(
        session=session,
        marks={learner.pk: services.AttendanceMark("present", 45)},
        by=assignment.user,
        now=now,
    )

    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()  # estimated at 60 minutes
    assert selectors.realised_minutes(learner, course) == 30 + 45
