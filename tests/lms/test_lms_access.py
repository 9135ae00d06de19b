"""No lesson without enrolment, no one else's progress, each facilitator their own cohorts."""

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from lms import selectors, services
from lms.choices import CompletionRule
from programmes.models import AuditEntry
from tests.lms import factories
from tests.lms.factories import CourseEnrolmentFactory
from tests.programmes.factories import (
    CohortFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def tree():
    course = factories.course(is_open=True)
    module = factories.module(course)
    return course, module, factories.lesson(module)


def test_anonymous_visitors_are_sent_to_log_in(client, tree):
    _course, module, lesson = tree

    for page in (module, lesson):
        response = client.get(page.url)
        assertRedirects(response, f"/accounts/login/?next={page.url}", fetch_redirect_response=False)


def test_the_overview_of_an_open_course_offers_to_enrol(client, tree):
    course, _module, lesson = tree
    user = UserFactory()
    client.force_login(user)

    response = client.get(lesson.url)
    assertRedirects(response, course.url, fetch_redirect_response=False)
    overview = client.get(course.url)
    assertContains(overview, 'value="enrol"')
    assert not selectors.course_progress(user, course).lessons[0].is_completed

    client.post(course.url, {"action": "enrol"})
    assert client.get(lesson.url).status_code == 200
    assert selectors.course_progress(user, course).lessons[0].is_completed


def test_a_closed_course_refuses_its_lessons_and_self_enrolment(client):
    course = factories.course(is_open=False, title="Animer une CJS")
    module = factories.module(course)
    lesson = factories.lesson(module)
    user = UserFactory()
    client.force_login(user)

    for page in (module, lesson):
        response = client.get(page.url)
        assert response.status_code == 403
        assertContains(response, "Animer une CJS", status_code=403)
    client.post(course.url, {"action": "enrol"})
    assert selectors.enrolment_in(user, course) is None
    assert client.post(f"/api/v1/lms/courses/{course.pk}/enrol/").status_code in (403, 404)


def test_the_national_team_may_read_lessons_without_enrolling(client, tree, roles):
    _course, _module, lesson = tree
    editor = UserFactory(role="fabrique")
    client.force_login(editor)

    assert client.get(lesson.url).status_code == 200
    assert not lesson.completions.exists()


def test_the_api_refuses_course_content_and_lesson_actions_without_enrolment(client, tree):
    course, _module, lesson = tree
    client.force_login(UserFactory())

    assert client.get(f"/api/v1/lms/courses/{course.pk}/").status_code == 403
    assert client.post(f"/api/v1/lms/lessons/{lesson.pk}/complete/").status_code == 404
    assert (
        client.post(
            f"/api/v1/lms/lessons/{lesson.pk}/quiz-attempts/",
            {"answers": {}},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert not lesson.completions.exists()


def test_nobody_sees_another_learner_s_progress(client, tree):
    course, _module, lesson = tree
    ahead = CourseEnrolmentFactory(course=course)
    services.complete_lesson(enrolment=ahead, lesson=lesson)
    other = UserFactory(role="learner")
    client.force_login(other)

    listing = client.get("/api/v1/lms/courses/").json()["results"]
    overview = client.get(course.url).content.decode()

    assert listing == [
        {"id": course.pk, "slug": course.slug, "title": course.title, "enrolled": False, "progress": 0.0}
    ]
    assert ahead.user.last_name not in overview
    assert "lessons completed" not in overview


def test_a_learner_cannot_open_a_progress_table(client):
    member = EnrolmentFactory(person=PersonFactory(user=UserFactory(role="learner")))
    client.force_login(member.person.user)

    assert client.get(f"/learn/cohorts/{member.cohort.pk}/progress/").status_code == 403


def test_a_facilitator_sees_the_progress_of_their_cohort_only(client):
    course = factories.course()
    lesson = factories.lesson(factories.module(course))
    mine, theirs = CohortFactory(name="CJS Bellevue"), CohortFactory(name="CJS Ailleurs")
    facilitator = FacilitatorAssignmentFactory(cohort=mine).user
    FacilitatorAssignmentFactory(cohort=theirs)
    member = EnrolmentFactory(cohort=mine, person=PersonFactory(first_name="Lina", user=UserFactory()))
    stranger = EnrolmentFactory(cohort=theirs, person=PersonFactory(first_name="Inès", user=UserFactory()))
    for enrolment in (member, stranger):
        services.complete_lesson(
            enrolment=CourseEnrolmentFactory(course=course, user=enrolment.person.user), lesson=lesson
        )
    client.force_login(facilitator)

    response = client.get(f"/learn/cohorts/{mine.pk}/progress/")

    assertContains(response, "Lina")
    assertContains(response, "100 % (1/1)")
    assert "Inès" not in response.content.decode()
    assert client.get(f"/learn/cohorts/{theirs.pk}/progress/").status_code == 404
    assert client.get(f"/learn/cohorts/{theirs.pk}/progress.csv").status_code == 404
    assert client.post(f"/learn/cohorts/{theirs.pk}/enrol/", {"course": course.pk}).status_code == 404


def test_the_progress_export_is_a_csv_and_is_audited(client):
    course = factories.course(title="Découvrir")
    lesson = factories.lesson(factories.module(course))
    factories.lesson(factories.module(course), rule=CompletionRule.MARK_DONE)
    assignment = FacilitatorAssignmentFactory()
    member = EnrolmentFactory(
        cohort=assignment.cohort,
        person=PersonFactory(first_name="Lina", last_name="Moreau", user=UserFactory()),
    )
    services.complete_lesson(
        enrolment=CourseEnrolmentFactory(course=course, user=member.person.user), lesson=lesson
    )
    client.force_login(assignment.user)

    response = client.get(f"/learn/cohorts/{assignment.cohort.pk}/progress.csv")

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "Last name;First name;Découvrir;"
        "Découvrir: estimated time of completed activities (minutes);Découvrir: connected time (minutes)",
        "Moreau;Lina;0.50;10;0",
    ]
    assert AuditEntry.objects.filter(action="export.lms_progress", actor=assignment.user).exists()
