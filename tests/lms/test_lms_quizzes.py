"""Quiz grading on the server: kinds, pass mark, maximum attempts and answers that do not fit."""

from django.core.exceptions import ValidationError

import pytest

from lms import services
from lms.choices import CompletionRule, QuestionKind
from lms.models import LessonCompletion, QuizAttempt
from tests.lms import factories
from tests.lms.factories import CourseEnrolmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def quiz_lesson(*, pass_mark=None, max_attempts=3, course_pass_mark=70, questions=None):
    course = factories.course(pass_mark=course_pass_mark)
    quiz = factories.quiz(questions, pass_mark=pass_mark, max_attempts=max_attempts)
    lesson = factories.lesson(factories.module(course), rule=CompletionRule.QUIZ, quiz=quiz)
    return lesson, quiz, CourseEnrolmentFactory(course=course)


def choice_ids(quiz, question_index, *texts):
    question = list(quiz.questions.all())[question_index]
    return str(question.pk), [str(c.pk) for c in question.choices.all() if c.text in texts]


def test_right_answers_to_every_kind_pass_and_complete_the_lesson():
    lesson, quiz, enrolment = quiz_lesson()

    attempt = services.submit_quiz_attempt(
        enrolment=enrolment, lesson=lesson, answers=factories.right_answers(quiz)
    )

    assert attempt.score == 1.0
    assert attempt.is_passed
    assert LessonCompletion.objects.filter(user=enrolment.user, lesson=lesson).exists()
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_a_multiple_choice_question_needs_every_right_choice_and_no_wrong_one():
    lesson, quiz, enrolment = quiz_lesson(pass_mark=0)
    answers = factories.right_answers(quiz)

    key, only_time = choice_ids(quiz, 1, "Temps")
    partial = {**answers, key: only_time}
    key, too_many = choice_ids(quiz, 1, "Temps", "Matériel", "Météo")
    extra = {**answers, key: too_many}

    for wrong in (partial, extra):
        attempt = services.submit_quiz_attempt(enrolment=enrolment, lesson=lesson, answers=wrong)
        assert attempt.score == pytest.approx(2 / 3)


def test_true_false_is_graded_like_a_single_choice():
    lesson, quiz, enrolment = quiz_lesson(pass_mark=0)
    key, false = choice_ids(quiz, 2, "Faux")

    attempt = services.submit_quiz_attempt(
        enrolment=enrolment, lesson=lesson, answers={**factories.right_answers(quiz), key: false}
    )

    assert attempt.score == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("pass_mark", "course_pass_mark", "passed"),
    [(None, 70, False), (None, 60, True), (66, 100, True), (67, 0, False), (0, 100, True)],
)
def test_the_pass_mark_is_the_quiz_s_or_else_the_course_s(pass_mark, course_pass_mark, passed):
    lesson, quiz, enrolment = quiz_lesson(pass_mark=pass_mark, course_pass_mark=course_pass_mark)
    key, false = choice_ids(quiz, 2, "Faux")

    attempt = services.submit_quiz_attempt(
        enrolment=enrolment, lesson=lesson, answers={**factories.right_answers(quiz), key: false}
    )

    assert attempt.is_passed is passed
    assert LessonCompletion.objects.filter(lesson=lesson).exists() is passed


def test_seven_right_answers_out_of_ten_pass_a_pass_mark_of_seventy():
    questions = [(f"Q{n}", QuestionKind.TRUE_FALSE, [("Vrai", True), ("Faux", False)]) for n in range(10)]
    lesson, quiz, enrolment = quiz_lesson(pass_mark=70, questions=questions)
    answers = factories.right_answers(quiz)
    for key in list(answers)[:3]:
        answers[key] = factories.wrong_answers(quiz)[key]

    attempt = services.submit_quiz_attempt(enrolment=enrolment, lesson=lesson, answers=answers)

    assert attempt.score == pytest.approx(0.7)
    assert attempt.is_passed


def test_the_maximum_number_of_attempts_is_enforced():
    lesson, quiz, enrolment = quiz_lesson(max_attempts=2)
    for _ in range(2):
        services.submit_quiz_attempt(
            enrolment=enrolment, lesson=lesson, answers=factories.wrong_answers(quiz)
        )

    with pytest.raises(ValidationError, match="used all your attempts"):
        services.submit_quiz_attempt(
            enrolment=enrolment, lesson=lesson, answers=factories.right_answers(quiz)
        )
    assert QuizAttempt.objects.filter(user=enrolment.user).count() == 2
    assert services.attempts_left(quiz=quiz, enrolment=enrolment, lesson=lesson) == 0


def test_failing_then_passing_completes_the_lesson():
    lesson, quiz, enrolment = quiz_lesson()

    failed = services.submit_quiz_attempt(
        enrolment=enrolment, lesson=lesson, answers=factories.wrong_answers(quiz)
    )
    assert not failed.is_passed
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()
    passed = services.submit_quiz_attempt(
        enrolment=enrolment, lesson=lesson, answers=factories.right_answers(quiz)
    )

    assert passed.is_passed
    assert LessonCompletion.objects.filter(lesson=lesson, user=enrolment.user).exists()


@pytest.mark.parametrize(
    "problem", ["missing", "unknown_choice", "other_question_choice", "two_for_single", "unknown_question"]
)
def test_answers_that_do_not_fit_the_quiz_are_refused_without_an_attempt(problem):
    lesson, quiz, enrolment = quiz_lesson()
    answers = factories.right_answers(quiz)
    questions = list(quiz.questions.all())
    first = str(questions[0].pk)
    if problem == "missing":
        del answers[first]
    elif problem == "unknown_choice":
        answers[first] = ["999999"]
    elif problem == "other_question_choice":
        answers[first] = [str(questions[1].choices.first().pk)]
    elif problem == "two_for_single":
        answers[first] = [str(choice.pk) for choice in questions[0].choices.all()[:2]]
    else:
        answers["999999"] = ["1"]

    with pytest.raises(ValidationError):
        services.submit_quiz_attempt(enrolment=enrolment, lesson=lesson, answers=answers)
    assert not QuizAttempt.objects.exists()


def test_the_lesson_page_grades_a_submission_and_shows_feedback(client):
    lesson, quiz, enrolment = quiz_lesson()
    client.force_login(enrolment.user)
    data = {"action": "quiz"}
    for key, values in factories.wrong_answers(quiz).items():
        data[f"question-{key}"] = values

    response = client.post(lesson.url, data)
    attempt = QuizAttempt.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?attempt={attempt.pk}#quiz-result")
    page = client.get(response["Location"]).content.decode()

    assert "Quiz not passed yet" in page
    assert "EXPLANATION-0" in page
    assert "Wrong" in page
    assert "2 attempts left" in page


def test_an_incomplete_submission_is_announced_and_kept(client):
    lesson, quiz, enrolment = quiz_lesson()
    client.force_login(enrolment.user)
    first = quiz.questions.first()
    chosen = first.choices.first()

    response = client.post(lesson.url, {"action": "quiz", f"question-{first.pk}": [str(chosen.pk)]})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in page
    assert "Answer this question." in page
    assert f'id="choice-{chosen.pk}" value="{chosen.pk}" checked' in page
    assert 'aria-describedby="question-' in page
    assert not QuizAttempt.objects.exists()
