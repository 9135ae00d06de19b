"""Course trees for tests: pages are published through revisions, as editors do."""

import datetime

from django.utils import timezone

from wagtail.models import Page, Site

import factory

from lms.choices import CompletionRule, LiveSessionKind, QuestionKind
from lms.models import (
    Choice,
    CourseEnrolment,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    LiveSession,
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


def attendance_course(*, title: str = "Parcours", estimated_minutes: int = 60, **fields):
    """A course whose only required lesson is completed by attending a live session."""
    created = course(title=title, **fields)
    lesson_page = lesson(module(created), rule=CompletionRule.ATTENDANCE, estimated_minutes=estimated_minutes)
    return created, lesson_page


def live_session(course_page: CoursePage, *, starts_in_minutes: int = 60, **fields) -> LiveSession:
    """A virtual class by default, starting `starts_in_minutes` from now (negative: already started)."""
    fields.setdefault("title", "Classe virtuelle")
    fields.setdefault("kind", LiveSessionKind.VIRTUAL)
    if fields["kind"] == LiveSessionKind.VIRTUAL:
        fields.setdefault("join_url", "https://meet.jit.si/essaim-test")
    else:
        fields.setdefault("place", "Salle polyvalente, Nantes")
    fields.setdefault("duration_minutes", 60)
    fields.setdefault("starts_at", timezone.now() + datetime.timedelta(minutes=starts_in_minutes))
    session = LiveSession(course=course_page, **fields)
    session.full_clean()
    session.save()
    return session


def member_learner(cohort, course_page: CoursePage | None = None, **person_fields):
    """A current member of `cohort` with an account, enrolled in `course_page` when given; returns the user."""
    from tests.programmes.factories import EnrolmentFactory, PersonFactory

    names = {key: person_fields[key] for key in ("first_name", "last_name") if key in person_fields}
    user = UserFactory(role="learner", **names)
    EnrolmentFactory(cohort=cohort, person=PersonFactory(user=user, **person_fields))
    if course_page is not None:
        CourseEnrolment.objects.create(user=user, course=course_page)
    return user


def course_of(page: Page) -> CoursePage:
    return CoursePage.objects.ancestor_of(page).get()
