"""A cohort's progress table is cached for each state of what it shows: its members (data generation), the
courses (structure generation) and each member's learning data (activity versions). Every change shows at
the next visit; a change of a learner outside the cohort leaves the cached table alone.

Committed writes (autocommit, as between requests): inside a test transaction nothing is cached."""

import datetime

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from lms import activity, services
from lms.choices import LiveAttendanceStatus
from lms.models import CourseEnrolment
from programmes.models import Person
from tests.lms import factories
from tests.programmes.factories import CohortFactory, FacilitatorAssignmentFactory, department

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def time_settings(settings):
    settings.ESSAIM_LMS_IDLE_CUTOFF_SECONDS = 120
    settings.ESSAIM_LMS_SESSION_CAP_MINUTES = 240


@pytest.fixture
def setup():
    course = factories.course(title="Découvrir la coopérative")
    module = factories.module(course)
    first = factories.lesson(module, estimated_minutes=10)
    second = factories.lesson(module, estimated_minutes=20)
    cohort = CohortFactory(name="CJS Nantes", department=department("44"))
    learner = factories.member_learner(cohort, course, first_name="Lina", last_name="Durand")
    facilitator = FacilitatorAssignmentFactory(cohort=cohort).user
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(facilitator)
    return client, cohort, course, module, (first, second), learner


def visit(client, cohort) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/learn/cohorts/{cohort.pk}/progress/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_visit_reads_the_table_from_the_cache(setup):
    client, cohort, *_rest = setup

    first, first_queries = visit(client, cohort)
    second, second_queries = visit(client, cohort)

    assert second_queries < first_queries
    assert "Lina Durand" in second
    assert first.split("<table")[1].split("</table>")[0] == second.split("<table")[1].split("</table>")[0]


def test_a_completed_lesson_shows_at_the_next_visit(setup):
    client, cohort, _course, _module, (first, _second), learner = setup
    visit(client, cohort)
    visit(client, cohort)

    services.complete_lesson(enrolment=CourseEnrolment.objects.get(user=learner), lesson=first)

    html, _queries = visit(client, cohort)
    assert "50 % (1/2)" in html


def test_connected_time_shows_at_the_next_visit(setup):
    client, cohort, _course, _module, (first, _second), learner = setup
    visit(client, cohort)
    start = timezone.now() - datetime.timedelta(minutes=10)

    for index in range(7):  # a heartbeat every 30 seconds: 3 minutes in view
        moment = start + datetime.timedelta(seconds=30 * index)
        services.record_heartbeat(user=learner, lesson=first, sent_at=moment, now=moment)

    html, _queries = visit(client, cohort)
    assert "connected 3 min" in html


def test_a_completed_course_shows_at_the_next_visit(setup):
    """The course's completion date is written with an update, which sends no signal."""
    client, cohort, _course, _module, lessons, learner = setup
    enrolment = CourseEnrolment.objects.get(user=learner)
    for lesson in lessons:
        services.complete_lesson(enrolment=enrolment, lesson=lesson)
    CourseEnrolment.objects.filter(pk=enrolment.pk).update(completed_at=None)
    activity.touched([learner.pk])
    html, _queries = visit(client, cohort)
    assert 'status-completed">Completed' not in html

    services.complete_course_if_done(CourseEnrolment.objects.get(pk=enrolment.pk))

    html, _queries = visit(client, cohort)
    assert 'status-completed">Completed' in html


def test_confirmed_live_minutes_show_at_the_next_visit(setup):
    client, cohort, course, _module, _lessons, learner = setup
    session = factories.live_session(course, starts_in_minutes=-90, duration_minutes=60, cohort=cohort)
    visit(client, cohort)

    services.confirm_attendance(
        session=session,
        marks={learner.pk: services.AttendanceMark(LiveAttendanceStatus.PRESENT, 45)},
        by=cohort.facilitator_assignments.get().user,
    )

    html, _queries = visit(client, cohort)
    assert "estimated 45 min" in html


def test_members_courses_and_names_show_at_the_next_visit(setup):
    client, cohort, course, module, _lessons, learner = setup
    visit(client, cohort)

    factories.member_learner(cohort, course, first_name="Noé", last_name="Martin")
    with_new_member, _queries = visit(client, cohort)
    factories.lesson(module, estimated_minutes=5)
    with_new_lesson, _queries = visit(client, cohort)
    person = Person.objects.get(user=learner)
    person.first_name = "Lina-Rose"
    person.save()
    renamed, _queries = visit(client, cohort)

    assert "Noé Martin" in with_new_member
    assert "0 % (0/3)" in with_new_lesson
    assert "Lina-Rose Durand" in renamed


def test_a_learner_outside_the_cohort_leaves_the_cached_table_alone(setup):
    client, cohort, course, _module, (first, _second), _learner = setup
    outsider = factories.member_learner(CohortFactory(department=department("33")), course)
    visit(client, cohort)
    _html, cached_queries = visit(client, cohort)

    services.complete_lesson(enrolment=CourseEnrolment.objects.get(user=outsider), lesson=first)

    _html, queries = visit(client, cohort)
    assert queries == cached_queries
