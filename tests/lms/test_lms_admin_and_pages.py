"""Back office smoke tests, page rules, and the demo courses."""

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains

from lms import selectors
from lms.choices import CompletionRule, QuestionKind
from lms.demo import seed_courses
from lms.models import Choice, CourseEnrolment, CoursePage, LessonPage, ModulePage, Question, Quiz
from programmes.demo import seed_accounts
from programmes.demo_network import seed_network
from tests.lms import factories
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize("model", ["quiz", "trainingprovider"])
def test_the_national_team_opens_the_training_snippets(client, roles, model):
    factories.quiz()
    client.force_login(UserFactory(role="fabrique"))

    assert client.get(reverse(f"wagtailsnippets_lms_{model}:list")).status_code == 200
    assert client.get(reverse(f"wagtailsnippets_lms_{model}:add")).status_code == 200


def test_editors_add_courses_in_the_catalogue_only(client, roles):
    catalogue = factories.catalogue()
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(reverse("wagtailadmin_pages:add", args=["lms", "coursepage", catalogue.pk]))

    assert response.status_code == 200
    assert CoursePage.allowed_parent_page_models() == [factories.CourseIndexPage]
    assert ModulePage.allowed_subpage_models() == [LessonPage]


def test_a_lesson_holds_one_quiz_at_most():
    module = factories.module(factories.course())
    first, second = factories.quiz(), factories.quiz()
    with pytest.raises(ValidationError):
        factories.lesson(
            module, rule=CompletionRule.QUIZ, quiz=first, body=[{"type": "quiz", "value": second.pk}]
        )


def test_the_quiz_of_a_lesson_follows_its_body():
    module = factories.module(factories.course())
    quiz = factories.quiz()
    lesson = factories.lesson(module, quiz=quiz)
    assert lesson.quiz == quiz

    lesson.body = [{"type": "paragraph", "value": "<p>Plus de quiz.</p>"}]
    lesson.save_revision().publish()
    lesson.refresh_from_db()

    assert lesson.quiz is None


@pytest.mark.parametrize(
    ("kind", "choices", "valid"),
    [
        (QuestionKind.SINGLE, [True, False, False], True),
        (QuestionKind.SINGLE, [True, True, False], False),
        (QuestionKind.MULTIPLE, [True, True, False], True),
        (QuestionKind.MULTIPLE, [False, False], False),
        (QuestionKind.TRUE_FALSE, [False, True], True),
        (QuestionKind.TRUE_FALSE, [True, False, False], False),
    ],
)
def test_questions_need_right_answers_that_fit_their_kind(kind, choices, valid):
    question = Question(kind=kind)
    candidates = [Choice(text=str(index), is_correct=flag) for index, flag in enumerate(choices)]
    if valid:
        question.check_choices(candidates)
    else:
        with pytest.raises(ValidationError):
            question.check_choices(candidates)


def test_the_demo_courses_are_seeded_once_with_the_learner_half_way(client):
    seed_accounts()
    seed_network()
    seed_courses()
    seed_courses()

    courses = {course.slug: course for course in CoursePage.objects.all()}
    assert set(courses) == {
        "decouvrir-la-cooperative",
        "bienvenue-dans-la-cjs",
        "animer-une-cjs",
        "creer-une-cae",
    }
    assert len(courses["creer-une-cae"].objective_texts) == 8
    assert courses["creer-une-cae"].provider.siret.isdigit()
    assert courses["creer-une-cae"].is_funded
    assert Quiz.objects.count() == 4
    for course in courses.values():
        progress = selectors.course_progress(None, course)
        assert 2 <= len(progress.modules) <= 3
        assert any(state.lesson.completion_rule == CompletionRule.QUIZ for state in progress.lessons)
        assert any(
            block.block_type == "virtual_class"
            for state in progress.lessons
            for block in LessonPage.objects.get(pk=state.lesson.pk).body
        )
    jeune = CourseEnrolment.objects.get(user__username="jeune", course__slug="decouvrir-la-cooperative")
    assert selectors.course_progress(jeune.user, jeune.course).progress == 0.5
    assert CourseEnrolment.objects.get(user__username="animateur").course.slug == "animer-une-cjs"
    client.force_login(jeune.user)
    assertContains(client.get("/learn/"), "Parler à un client")


def test_editors_preview_a_quiz_lesson_without_its_answers():
    module = factories.module(factories.course())
    lesson = factories.lesson(module, rule=CompletionRule.QUIZ, quiz=factories.quiz())

    response = lesson.make_preview_request()

    html = response.content.decode()
    assert response.status_code == 200
    assert "question-" in html
    assert "is_correct" not in html and "EXPLANATION-" not in html
    assert not lesson.completions.exists()
