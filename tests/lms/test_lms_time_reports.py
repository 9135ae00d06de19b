"""Staff reports of time and completion per course: numbers on a hand-computed fixture, scope, export."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from lms import selectors, services
from lms.choices import CompletionRule
from lms.models import CourseEnrolment, LessonTime, TrainingProvider
from programmes.models import AuditEntry
from tests.lms import factories
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    FacilitatorAssignmentFactory,
    OrganisationFactory,
    PartnerContactFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def connected(user, lesson, seconds):
    LessonTime.objects.create(user=user, lesson=lesson, activity_date=timezone.localdate(), seconds=seconds)


@pytest.fixture
def network():
    """Hand-computed fixture (estimated durations 10, 20 and an attendance lesson of 60 minutes):

    cohort A (Pays de la Loire): A1 completed everything, 50 confirmed minutes at the live session,
      connected 1200 s (estimated 10 + 20 + 50 = 80 min); A2 completed the first lesson, connected 600 s
      (10 min); A3 enrolled, nothing else.
    cohort B (Bretagne): B1 completed two lessons, connected 1800 s (30 min); B2 opened a lesson only.
    no cohort: N1 self-enrolled, connected 300 s.

    Whole course: 6 enrolled, 5 started, 1 completed (17 %); medians among starters: connected
    [0, 300, 600, 1200, 1800] -> 600 s = 10 min, estimated [0, 0, 10, 30, 80] -> 10 min.
    A: 3, 2, 1 (33 %), connected (600, 1200) -> 15 min, estimated (10, 80) -> 45 min.
    B: 2, 2, 0 (0 %), connected (0, 1800) -> 15 min, estimated (0, 30) -> 15 min.
    no cohort: 1, 1, 0, 5 min, 0 min."""
    provider = TrainingProvider.objects.create(
        organisation=OrganisationFactory(name="Coopérer pour Entreprendre"),
        legal_name="Coopérer pour Entreprendre",
        siret="00000000000000",
        declaration_number="00000000000",
    )
    course = factories.course(title="Créer une CAE", provider=provider)
    module = factories.module(course)
    first = factories.lesson(module, estimated_minutes=10)
    second = factories.lesson(module, rule=CompletionRule.MARK_DONE, estimated_minutes=20)
    live = factories.lesson(module, rule=CompletionRule.ATTENDANCE, estimated_minutes=60)
    cohort_a = FacilitatorAssignmentFactory(cohort__name="CJS Nantes")
    cohort_b = FacilitatorAssignmentFactory(
        cohort=CohortFactory(name="CJS Rennes", department=department("35"))
    )
    a1, a2, _a3 = (factories.member_learner(cohort_a.cohort, course) for _ in range(3))
    b1, b2 = (factories.member_learner(cohort_b.cohort, course) for _ in range(2))
    n1 = UserFactory()
    CourseEnrolment.objects.create(user=n1, course=course)

    def done(user, *lessons):
        enrolment = CourseEnrolment.objects.get(user=user, course=course)
        for lesson in lessons:
            services.complete_lesson(enrolment=enrolment, lesson=lesson)

    done(a1, first, second)
    session = factories.live_session(course, cohort=cohort_a.cohort, lesson=live, starts_in_minutes=-120)
    services.confirm_attendance(
        session=session, marks={a1.pk: services.AttendanceMark("present", 50)}, by=cohort_a.user
    )
    done(a2, first)
    done(b1, first, second)
    CourseEnrolment.objects.filter(user=b2).update(last_lesson=first)
    connected(a1, first, 700)
    connected(a1, second, 500)
    connected(a2, first, 600)
    connected(b1, second, 1800)
    connected(n1, first, 300)
    return course, provider, cohort_a, cohort_b


def figures(row):
    return (
        row.enrolled,
        row.started,
        row.completed,
        row.completion_percent,
        row.median_connected_minutes,
        row.median_estimated_minutes,
    )


def test_the_national_team_sees_the_whole_course_per_cohort(network, roles):
    course, _provider, _a, _b = network

    report = selectors.course_report(UserFactory(role="fabrique"), course)

    assert report.estimated_minutes == 90 and report.lessons == 3
    assert figures(report.total) == (6, 5, 1, 17, 10, 10)
    assert [(row.cohort.name, figures(row)) for row in report.cohorts] == [
        ("CJS Nantes", (3, 2, 1, 33, 15, 45)),
        ("CJS Rennes", (2, 2, 0, 0, 15, 15)),
    ]
    assert figures(report.without_cohort) == (1, 1, 0, 0, 5, 0)


def test_a_coordinator_sees_the_cohorts_of_their_scope_only(client, network):
    course, _provider, _a, _b = network
    coordinator = CoordinatorScopeFactory(regions=[region("52")]).user
    client.force_login(coordinator)

    response = client.get(f"/learn/reports/courses/{course.pk}/")

    report = response.context["report"]
    assert [row.cohort.name for row in report.cohorts] == ["CJS Nantes"]
    assert figures(report.total) == (3, 2, 1, 33, 15, 45)
    assert report.without_cohort is None
    assertContains(response, "CJS Nantes")
    assertNotContains(response, "CJS Rennes")
    assertContains(response, "These figures cover the learners of the cohorts you follow.")


def test_a_facilitator_of_another_cohort_sees_only_theirs(client, network):
    course, _provider, _a, cohort_b = network
    client.force_login(cohort_b.user)

    report = client.get(f"/learn/reports/courses/{course.pk}/").context["report"]

    assert [(row.cohort.name, figures(row)) for row in report.cohorts] == [
        ("CJS Rennes", (2, 2, 0, 0, 15, 15))
    ]
    assert figures(report.total) == (2, 2, 0, 0, 15, 15)


def test_the_training_providers_staff_see_their_course_whole(client, network):
    course, provider, _a, _b = network
    staff = PartnerContactFactory(organisation=provider.organisation).user
    other_partner = PartnerContactFactory().user

    client.force_login(staff)
    index = client.get("/learn/reports/")
    report = client.get(f"/learn/reports/courses/{course.pk}/").context["report"]
    client.force_login(other_partner)

    assertContains(index, "Créer une CAE")
    assert figures(report.total) == (6, 5, 1, 17, 10, 10)
    assert client.get(f"/learn/reports/courses/{course.pk}/").status_code == 404
    assert client.get("/learn/reports/").status_code == 404


def test_learners_have_no_report(client, network):
    course, _provider, _a, _b = network
    client.force_login(CourseEnrolment.objects.filter(course=course).first().user)

    assert client.get("/learn/reports/").status_code == 404
    assert client.get(f"/learn/reports/courses/{course.pk}/").status_code == 404
    assert client.get(f"/learn/reports/courses/{course.pk}/report.csv").status_code == 404


def test_the_report_exports_as_csv_and_the_export_is_audited(client, network, roles):
    course, _provider, _a, _b = network
    user = UserFactory(role="fabrique")
    client.force_login(user)

    response = client.get(f"/learn/reports/courses/{course.pk}/report.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        [
            "Cohort",
            "Edition",
            "Enrolled",
            "Started",
            "Completed",
            "Completion rate",
            "Median connected time (minutes)",
            "Median estimated time of completed activities (minutes)",
        ],
        ["CJS Nantes", "2018", "3", "2", "1", "0.33", "15", "45"],
        ["CJS Rennes", "2018", "2", "2", "0", "0.00", "15", "15"],
        ["No cohort", "", "1", "1", "0", "0.00", "5", "0"],
        ["All learners", "", "6", "5", "1", "0.17", "10", "10"],
    ]
    entry = AuditEntry.objects.get(action="export.lms_course_report")
    assert (entry.actor, entry.target_id, entry.details["whole_course"]) == (user, str(course.pk), True)


def test_the_report_page_reads_well(client, network, roles):
    course, _provider, _a, _b = network
    client.force_login(UserFactory(role="fabrique"))

    response = client.get(f"/learn/reports/courses/{course.pk}/")

    assertContains(response, "3 lessons; estimated duration of the required lessons: 1 h 30.")
    assertContains(response, "Median connected time")
    assertContains(response, "17 %")
    assertContains(response, "No cohort")


def test_the_reports_run_a_flat_number_of_queries(client, roles):
    course = factories.course(title="Parcours")
    lesson = factories.lesson(factories.module(course))
    client.force_login(UserFactory(role="fabrique"))
    urls = [
        "/learn/reports/",
        f"/learn/reports/courses/{course.pk}/",
        f"/learn/reports/courses/{course.pk}/report.csv",
    ]

    def add(count):
        for index in range(count):
            cohort = CohortFactory()
            learner = factories.member_learner(cohort, course)
            connected(learner, lesson, 60 * index)
            if index % 2:
                services.complete_lesson(enrolment=CourseEnrolment.objects.get(user=learner), lesson=lesson)
            factories.course(title=f"Autre {index}")

    def measure():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    add(5)
    few = measure()
    add(45)
    many = measure()

    assert few == many
    assert len(selectors.course_report(UserFactory(role="fabrique"), course).cohorts) == 50
