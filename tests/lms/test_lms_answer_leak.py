"""Correct answers and explanations never reach the browser before an attempt is submitted."""

import json

import pytest

from lms.choices import CompletionRule
from tests.lms import factories
from tests.lms.factories import CourseEnrolmentFactory
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FORBIDDEN = ["is_correct", "correct", "explanation", "EXPLANATION-"]


@pytest.fixture
def quiz_course():
    course = factories.course()
    quiz = factories.quiz()
    lesson = factories.lesson(factories.module(course), rule=CompletionRule.QUIZ, quiz=quiz)
    enrolment = CourseEnrolmentFactory(course=course)
    return course, quiz, lesson, enrolment


def keys_of(value):
    if isinstance(value, dict):
        for key, child in value.items():
            yield key
            yield from keys_of(child)
    elif isinstance(value, list):
        for child in value:
            yield from keys_of(child)


def test_the_course_api_sends_questions_and_choices_but_no_answer(client, quiz_course):
    course, _quiz, _lesson, enrolment = quiz_course
    client.force_login(enrolment.user)

    data = client.get(f"/api/v1/lms/courses/{course.pk}/").json()

    questions = data["lessons"][0]["quiz"]["questions"]
    assert [question["multiple"] for question in questions] == [False, True, False]
    assert set(questions[0]["choices"][0]) == {"id", "text"}
    assert not {"is_correct", "correct", "explanation"} & set(keys_of(data))
    text = json.dumps(data)
    assert "EXPLANATION-" not in text and "is_correct" not in text


def test_the_lesson_page_shows_the_form_but_no_answer(client, quiz_course):
    _course, _quiz, lesson, enrolment = quiz_course
    client.force_login(enrolment.user)

    html = client.get(lesson.url).content.decode()

    assert 'type="checkbox" name="question-' in html
    assert "<legend>" in html
    for forbidden in FORBIDDEN:
        assert forbidden not in html, forbidden


def test_the_lesson_page_to_an_editor_previewing_it_shows_no_answer_either(client, quiz_course, roles):
    _course, _quiz, lesson, _enrolment = quiz_course
    client.force_login(UserFactory(role="fabrique"))

    html = client.get(lesson.url).content.decode()

    assert "question-" in html
    for forbidden in FORBIDDEN:
        assert forbidden not in html, forbidden


def test_feedback_appears_only_after_submitting_and_only_for_one_s_own_attempt(client, quiz_course):
    course, quiz, lesson, enrolment = quiz_course
    client.force_login(enrolment.user)
    result = client.post(
        f"/api/v1/lms/lessons/{lesson.pk}/quiz-attempts/",
        {"answers": factories.wrong_answers(quiz)},
        content_type="application/json",
    ).json()
    assert result["passed"] is False
    assert result["results"][0]["explanation"] == "EXPLANATION-0"

    other = CourseEnrolmentFactory(course=course)
    client.force_login(other.user)
    html = client.get(f"{lesson.url}?attempt={result['id']}").content.decode()

    assert "EXPLANATION-" not in html
