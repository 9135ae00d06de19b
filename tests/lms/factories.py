"""Course trees for tests: pages are published through revisions, as editors do."""

from wagtail.models import Page, Site

import factory

from lms import digcomp, services
from lms.choices import CompletionRule, QuestionKind
from lms.models import (
    Choice,
    CourseEnrolment,
    CourseIndexPage,
    CoursePage,
    DigitalSkillsAssessment,
    LessonPage,
    ModulePage,
    Question,
    Quiz,
)
from tests.programmes.factories import UserFactory


def publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def catalogue() -> CourseIndexPage:
    existing = CourseIndexPage.objects.first()
    if existing is not None:
        return existing
    root = Site.objects.get(is_default_site=True).root_page
    return publish(root, CourseIndexPage(title="Formations", slug="formations"))


_counter = {"n": 0}


def _slug(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}-{_counter['n']}"


def course(*, is_open: bool = True, pass_mark: int = 70, **fields) -> CoursePage:
    fields.setdefault("title", "Parcours")
    return publish(
        catalogue(),
        CoursePage(
            slug=_slug("course"), summary="Un parcours.", is_open=is_open, pass_mark=pass_mark, **fields
        ),
    )


def module(parent: CoursePage, **fields) -> ModulePage:
    fields.setdefault("title", "Module")
    return publish(parent, ModulePage(slug=_slug("module"), **fields))


def lesson(
    parent: ModulePage,
    *,
    rule: str = CompletionRule.VIEW,
    quiz: Quiz | None = None,
    body: list | None = None,
    **fields,
) -> LessonPage:
    fields.setdefault("title", "Séquence")
    blocks = list(body or [{"type": "paragraph", "value": "<p>Contenu de la séquence.</p>"}])
    if quiz is not None:
        blocks.append({"type": "quiz", "value": quiz.pk})
    return publish(parent, LessonPage(slug=_slug("lesson"), completion_rule=rule, body=blocks, **fields))


def quiz(questions: list[tuple[str, str, list[tuple[str, bool]]]] | None = None, **fields) -> Quiz:
    """questions: (text, kind, [(choice, is_correct)]); a default single, multiple and true/false trio."""
    if questions is None:
        questions = [
            (
                "Combien de voix par personne ?",
                QuestionKind.SINGLE,
                [("Une", True), ("Deux", False), ("Trois", False)],
            ),
            (
                "Que compte un prix ?",
                QuestionKind.MULTIPLE,
                [("Temps", True), ("Matériel", True), ("Météo", False)],
            ),
            (
                "On peut refuser une tâche dangereuse.",
                QuestionKind.TRUE_FALSE,
                [("Vrai", True), ("Faux", False)],
            ),
        ]
    fields.setdefault("title", "Quiz")
    created = Quiz.objects.create(**fields)
    for order, (text, kind, choices) in enumerate(questions):
        question = Question.objects.create(
            quiz=created, text=text, kind=kind, explanation=f"EXPLANATION-{order}", sort_order=order
        )
        for index, (choice_text, is_correct) in enumerate(choices):
            Choice.objects.create(
                question=question, text=choice_text, is_correct=is_correct, sort_order=index
            )
    return created


def right_answers(a_quiz: Quiz) -> dict[str, list[str]]:
    return {
        str(question.pk): [str(choice.pk) for choice in question.choices.all() if choice.is_correct]
        for question in a_quiz.questions.all()
    }


def wrong_answers(a_quiz: Quiz) -> dict[str, list[str]]:
    return {
        str(question.pk): [str(next(choice.pk for choice in question.choices.all() if not choice.is_correct))]
        for question in a_quiz.questions.all()
    }


class CourseEnrolmentFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory, role="learner")
    course = factory.LazyFunction(course)

    class Meta:
        model = CourseEnrolment


# --- Digital skills self-assessment ------------------------------------------------------------------


def digcomp_levels(level: int | None = 3, **areas: int | None) -> dict[str, int | None]:
    """Every competence at `level`, or by area: digcomp_levels(2, area1=None) leaves area 1 unknown."""
    levels = {}
    for code in digcomp.codes():
        key = f"area{digcomp.area_of(code)}"
        levels[code] = areas.get(key, level)
    return levels


def digcomp_assessment(
    user, level: int | None = 3, *, submitted_at=None, overrides: dict[str, int | None] | None = None, **areas
) -> DigitalSkillsAssessment:
    ratings = digcomp_levels(level, **areas) | (overrides or {})
    return services.submit_digital_skills_assessment(user=user, ratings=ratings, submitted_at=submitted_at)
