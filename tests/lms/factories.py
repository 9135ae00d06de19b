"""Course trees for tests: pages are published through revisions, as editors do."""

import datetime

from django.utils import timezone

from wagtail.models import Page, Site

import factory

from lms import digcomp, services
from lms.choices import CertificateStatus, CompletionRule, LiveSessionKind, QuestionKind
from lms.models import (
    Certificate,
    Choice,
    CourseEnrolment,
    CourseIndexPage,
    CoursePage,
    DigitalSkillsAssessment,
    LessonPage,
    LiveSession,
    ModulePage,
    Question,
    Quiz,
    TrainingProvider,
)
from tests.programmes.factories import OrganisationFactory, UserFactory


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


def provider(**fields) -> TrainingProvider:
    fields.setdefault("legal_name", "Coopérer pour Entreprendre")
    fields.setdefault("siret", "12345678900017")
    fields.setdefault("declaration_number", "52440012344")
    return TrainingProvider.objects.create(organisation=OrganisationFactory(), **fields)


def certified_course(
    *,
    minutes: tuple[int, ...] = (45, 50),
    objectives: tuple[str, ...] = ("Objectif un", "Objectif deux"),
    **fields,
) -> tuple[CoursePage, list[LessonPage]]:
    """A course with a certificate: one module, one "mark done" lesson per entry of `minutes`."""
    fields.setdefault("title", "Découvrir la coopérative")
    a_course = course(
        has_certificate=True,
        objectives=[{"type": "objective", "value": text} for text in objectives],
        **fields,
    )
    a_module = module(a_course)
    lessons = [
        lesson(a_module, rule=CompletionRule.MARK_DONE, estimated_minutes=value, title=f"Séquence {index}")
        for index, value in enumerate(minutes)
    ]
    return a_course, lessons


class CertificateFactory(factory.django.DjangoModelFactory):
    """A certificate row as the issuing task leaves it, without its PDF (views generate it on demand).
    No course by default (as after the course page was deleted): pass one when the test needs it."""

    user = factory.SubFactory(UserFactory, role="learner")
    course = None
    holder_first_name = "Camille"
    holder_last_name = "Dupont"
    course_title = factory.Sequence(lambda n: f"Parcours {n}")
    objectives = factory.LazyFunction(lambda: ["Objectif un"])
    issuer_name = "Fabrique Coopérative"
    start_date = datetime.date(2025, 3, 3)
    completion_date = datetime.date(2025, 3, 14)
    realised_minutes = 95

    class Meta:
        model = Certificate

    class Params:
        revoked = factory.Trait(
            status=CertificateStatus.REVOKED,
            revoked_at=factory.LazyFunction(timezone.now),
            revocation_reason="Erreur de saisie",
        )


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
