"""The training API contract, and lists whose query count does not grow with their rows."""

import pytest

from lms import services
from lms.choices import CompletionRule
from lms.models import CourseEnrolment, LessonCompletion
from tests.lms import factories
from tests.lms.factories import CourseEnrolmentFactory
from tests.programmes.factories import (
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def course_with_quiz():
    course = factories.course(title="Découvrir la coopérative")
    module = factories.module(course)
    quiz = factories.quiz()
    lessons = [
        factories.lesson(module, rule=CompletionRule.VIEW, estimated_minutes=5),
        factories.lesson(module, rule=CompletionRule.MARK_DONE),
        factories.lesson(module, rule=CompletionRule.QUIZ, quiz=quiz),
    ]
    return course, lessons, quiz


def test_the_course_list_has_the_contract_keys(client, course_with_quiz):
    course, lessons, _quiz = course_with_quiz
    enrolment = CourseEnrolmentFactory(course=course)
    services.complete_lesson(enrolment=enrolment, lesson=lessons[0])
    client.force_login(enrolment.user)

    item = client.get("/api/v1/lms/courses/").json()["results"][0]

    assert item == {
        "id": course.pk,
        "slug": course.slug,
        "title": "Découvrir la coopérative",
        "enrolled": True,
        "progress": pytest.approx(1 / 3),
    }


def test_the_course_detail_has_the_contract_keys(client, course_with_quiz):
    course, lessons, _quiz = course_with_quiz
    enrolment = CourseEnrolmentFactory(course=course)
    client.force_login(enrolment.user)

    data = client.get(f"/api/v1/lms/courses/{course.pk}/").json()

    assert {"id", "title", "progress", "lessons"} <= set(data)
    first, _second, third = data["lessons"]
    assert {"id", "title", "estimated_minutes", "completion_rule", "completed"} <= set(first)
    assert (first["id"], first["estimated_minutes"], first["completion_rule"], first["completed"]) == (
        lessons[0].pk,
        5,
        "view",
        False,
    )
    assert first["quiz"] is None
    assert third["completion_rule"] == "quiz"
    question = third["quiz"]["questions"][1]
    assert set(question) == {"id", "text", "multiple", "choices"}
    assert question["multiple"] is True
    assert [set(choice) for choice in question["choices"]] == [{"id", "text"}] * 3


def test_enrolling_through_the_api(client, course_with_quiz):
    course, _lessons, _quiz = course_with_quiz
    user = UserFactory()
    client.force_login(user)

    first = client.post(f"/api/v1/lms/courses/{course.pk}/enrol/")
    second = client.post(f"/api/v1/lms/courses/{course.pk}/enrol/")

    assert first.status_code == 201
    assert first.json()["enrolled"] is True
    assert second.status_code == 200
    assert CourseEnrolment.objects.filter(user=user).count() == 1


def test_completing_lessons_through_the_api(client, course_with_quiz):
    course, lessons, _quiz = course_with_quiz
    enrolment = CourseEnrolmentFactory(course=course)
    client.force_login(enrolment.user)

    done = client.post(f"/api/v1/lms/lessons/{lessons[1].pk}/complete/")
    refused = client.post(f"/api/v1/lms/lessons/{lessons[2].pk}/complete/")

    assert done.status_code == 200
    assert done.json() == {
        "lesson": lessons[1].pk,
        "completed": True,
        "course_progress": pytest.approx(1 / 3),
        "course_completed": False,
    }
    assert refused.status_code == 400
    assert not LessonCompletion.objects.filter(lesson=lessons[2]).exists()


def test_quiz_attempts_through_the_api(client, course_with_quiz):
    course, lessons, quiz = course_with_quiz
    enrolment = CourseEnrolmentFactory(course=course)
    client.force_login(enrolment.user)
    url = f"/api/v1/lms/lessons/{lessons[2].pk}/quiz-attempts/"

    failed = client.post(url, {"answers": factories.wrong_answers(quiz)}, content_type="application/json")
    invalid = client.post(url, {"answers": {}}, content_type="application/json")
    passed = client.post(url, {"answers": factories.right_answers(quiz)}, content_type="application/json")

    assert failed.status_code == 201
    assert (failed.json()["score"], failed.json()["passed"]) == (0.0, False)
    assert invalid.status_code == 400
    assert (passed.json()["score"], passed.json()["passed"], passed.json()["attempts_left"]) == (1.0, True, 1)
    assert LessonCompletion.objects.filter(lesson=lessons[2], user=enrolment.user).exists()


def test_the_api_needs_a_login(client, course_with_quiz):
    assert client.get("/api/v1/lms/courses/").status_code in (401, 403)


@pytest.mark.parametrize("rows", [5, 50])
def test_the_course_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    user = UserFactory()
    for index in range(rows):
        course = factories.course(title=f"Parcours {index}")
        lesson = factories.lesson(factories.module(course))
        enrolment = CourseEnrolment.objects.create(user=user, course=course)
        if index % 2:
            services.complete_lesson(enrolment=enrolment, lesson=lesson)
    client.force_login(user)

    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/lms/courses/")

    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_the_progress_table_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    courses = [factories.course(title="A"), factories.course(title="B")]
    lessons = [factories.lesson(factories.module(course)) for course in courses]
    assignment = FacilitatorAssignmentFactory()
    for _ in range(rows):
        member = EnrolmentFactory(cohort=assignment.cohort, person=PersonFactory(user=UserFactory()))
        for course, lesson in zip(courses, lessons, strict=True):
            enrolment = CourseEnrolment.objects.create(user=member.person.user, course=course)
            LessonCompletion.objects.create(user=enrolment.user, lesson=lesson)
    client.force_login(assignment.user)

    with django_assert_max_num_queries(25):
        page = client.get(f"/learn/cohorts/{assignment.cohort.pk}/progress/")
    with django_assert_max_num_queries(16):
        export = client.get(f"/learn/cohorts/{assignment.cohort.pk}/progress.csv")

    assert page.content.decode().count("100 % (1/1)") == rows * 2
    assert len(export.content.decode().splitlines()) == rows + 1


@pytest.mark.parametrize("rows", [5, 50])
def test_the_learner_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    user = UserFactory()
    for index in range(rows):
        course = factories.course(title=f"Parcours {index}")
        factories.lesson(factories.module(course))
        CourseEnrolment.objects.create(user=user, course=course)
    client.force_login(user)

    # Generous for the shared layout (menus, site settings); the same at 5 and 50 rows.
    with django_assert_max_num_queries(25):
        response = client.get("/learn/")

    assert response.content.decode().count("<progress") == rows
