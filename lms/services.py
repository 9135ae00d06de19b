"""Writes of the training app: enrolments, lesson completion, quiz attempts and course completion."""

import dataclasses
import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import digcomp, selectors
from lms.choices import CompletionRule
from lms.models import (
    CourseEnrolment,
    CoursePage,
    DigitalSkillsAssessment,
    DigitalSkillsRating,
    LessonCompletion,
    LessonPage,
    Quiz,
    QuizAttempt,
)
from programmes import access, audit
from programmes.models import Cohort


@transaction.atomic
def enrol_in_course(*, course: CoursePage, user: Any, by: Any) -> CourseEnrolment:
    """Enrol one learner (idempotent). Learners may only enrol themselves in open courses."""
    existing = CourseEnrolment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    if by.pk == user.pk and not course.is_open:
        raise PermissionDenied(_("This course is not open to self-enrolment."))
    enrolment = CourseEnrolment(user=user, course=course, enrolled_by=by)
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def enrol_cohort(*, course: CoursePage, cohort: Cohort, by: Any) -> list[CourseEnrolment]:
    """Enrol every current member of a cohort who has an account; returns the new enrolments only."""
    if not access.can_manage_cohort(by, cohort):
        raise PermissionDenied(_("You do not run this cohort."))
    members = list(selectors.members_with_accounts(cohort))
    already = set(
        CourseEnrolment.objects.filter(
            course=course, user_id__in=[member.person.user_id for member in members]
        ).values_list("user_id", flat=True)
    )
    created = []
    for member in members:
        if member.person.user_id is None or member.person.user_id in already:
            continue
        enrolment = CourseEnrolment(user=member.person.user, course=course, enrolled_by=by)
        enrolment.full_clean()
        enrolment.save()
        already.add(member.person.user_id)
        created.append(enrolment)
    audit.record(actor=by, action="lms.enrol_cohort", target=cohort, course=course.pk, enrolled=len(created))
    return created


@transaction.atomic
def complete_lesson(*, enrolment: CourseEnrolment, lesson: LessonPage) -> LessonCompletion:
    """Record that the learner completed a lesson (idempotent), then complete the course if it is done."""
    completion, _created = LessonCompletion.objects.get_or_create(user=enrolment.user, lesson=lesson)
    complete_course_if_done(enrolment)
    return completion


@transaction.atomic
def record_lesson_visit(*, enrolment: CourseEnrolment, lesson: LessonPage) -> LessonCompletion | None:
    """A learner opened a lesson: remember it for "continue", and complete it when viewing is enough."""
    if enrolment.last_lesson_id != lesson.pk:
        enrolment.last_lesson = lesson
        enrolment.save(update_fields=["last_lesson"])
    if lesson.completion_rule == CompletionRule.VIEW:
        return complete_lesson(enrolment=enrolment, lesson=lesson)
    return None


@transaction.atomic
def mark_lesson_done(*, enrolment: CourseEnrolment, lesson: LessonPage) -> LessonCompletion:
    """The learner says they are done: only for lessons completed by viewing or by marking them done."""
    if lesson.completion_rule not in (CompletionRule.VIEW, CompletionRule.MARK_DONE):
        raise ValidationError(_("This lesson is completed another way (quiz or attendance)."))
    return complete_lesson(enrolment=enrolment, lesson=lesson)


@transaction.atomic
def mark_course_seen(*, enrolment: CourseEnrolment) -> None:
    """The learner opened the course page: what was new is no longer announced."""
    enrolment.seen_at = timezone.now()
    enrolment.save(update_fields=["seen_at"])


def complete_course_if_done(enrolment: CourseEnrolment) -> bool:
    """Set completed_at once every current required lesson is complete; True when the course is complete.

    Idempotent: the date is set once (a conditional update, safe under concurrent calls). This is the
    place where certificate issuance hooks in."""
    if enrolment.completed_at is not None:
        return True
    progress = selectors.course_progress(enrolment.user, enrolment.course)
    if not progress.is_complete:
        return False
    now = timezone.now()
    updated = CourseEnrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
        completed_at=now
    )
    if updated:
        enrolment.completed_at = now
    else:
        enrolment.refresh_from_db(fields=["completed_at"])
    return True


# --- Quizzes --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Grade:
    correct: int
    total: int
    score: float
    is_passed: bool
    # question id -> answered right
    results: dict[int, bool]


def pass_mark_of(quiz: Quiz, course: CoursePage) -> int:
    return int(quiz.pass_mark if quiz.pass_mark is not None else course.pass_mark)


def clean_answers(quiz: Quiz, answers: Any) -> dict[str, list[int]]:
    """Check submitted answers against the quiz: every question answered, choices of that question only."""
    if not isinstance(answers, dict):
        raise ValidationError(_("Answers must map question ids to lists of choice ids."))
    errors: dict[str, str] = {}
    cleaned: dict[str, list[int]] = {}
    questions = {str(question.pk): question for question in quiz.questions.all()}
    for key in answers:
        if str(key) not in questions:
            errors[str(key)] = _("This question is not part of the quiz.")
    for key, question in questions.items():
        raw = answers.get(key, answers.get(question.pk, []))
        values = raw if isinstance(raw, list) else [raw]
        try:
            chosen = sorted({int(value) for value in values if str(value).strip()})
        except (TypeError, ValueError):
            errors[key] = _("Unknown choice.")
            continue
        valid = {choice.pk for choice in question.choices.all()}
        if not chosen:
            errors[key] = _("Answer this question.")
        elif not set(chosen) <= valid:
            errors[key] = _("Unknown choice.")
        elif not question.is_multiple and len(chosen) > 1:
            errors[key] = _("Choose one answer only.")
        else:
            cleaned[key] = chosen
    if errors:
        raise ValidationError(errors)
    return cleaned


def grade(quiz: Quiz, answers: dict[str, list[int]], *, pass_mark: int) -> Grade:
    """One point per question answered exactly right (every right choice, no wrong one)."""
    results = {}
    for question in quiz.questions.all():
        correct_ids = {choice.pk for choice in question.choices.all() if choice.is_correct}
        results[question.pk] = set(answers.get(str(question.pk), [])) == correct_ids
    total = len(results)
    correct = sum(results.values())
    return Grade(
        correct=correct,
        total=total,
        score=correct / total if total else 0.0,
        # Integers, so that 7/10 against a pass mark of 70 never fails on a rounding error.
        is_passed=total > 0 and correct * 100 >= pass_mark * total,
        results=results,
    )


def attempts_left(*, quiz: Quiz, enrolment: CourseEnrolment, lesson: LessonPage) -> int | None:
    if quiz.max_attempts is None:
        return None
    used = QuizAttempt.objects.filter(user=enrolment.user, lesson=lesson).count()
    return max(int(quiz.max_attempts) - used, 0)


@transaction.atomic
def submit_quiz_attempt(*, enrolment: CourseEnrolment, lesson: LessonPage, answers: Any) -> QuizAttempt:
    """Grade an attempt on the server, keep it, and complete a quiz lesson when it is passed."""
    # Serialise one learner's submissions so a double click cannot exceed the maximum attempts.
    CourseEnrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    if lesson.quiz_id is None:
        raise ValidationError(_("This lesson has no quiz."))
    quiz = selectors.quiz_with_questions(lesson.quiz_id)
    if quiz is None:
        raise ValidationError(_("This lesson has no quiz."))
    left = attempts_left(quiz=quiz, enrolment=enrolment, lesson=lesson)
    if left == 0:
        raise ValidationError(_("You have used all your attempts at this quiz."))
    cleaned = clean_answers(quiz, answers)
    result = grade(quiz, cleaned, pass_mark=pass_mark_of(quiz, enrolment.course))
    attempt = QuizAttempt(
        user=enrolment.user,
        lesson=lesson,
        quiz=quiz,
        answers=cleaned,
        score=result.score,
        is_passed=result.is_passed,
    )
    attempt.full_clean()
    attempt.save()
    if result.is_passed and lesson.completion_rule == CompletionRule.QUIZ:
        complete_lesson(enrolment=enrolment, lesson=lesson)
    return attempt


# --- Digital skills self-assessment (DigComp) -----------------------------------------------------


def clean_digital_skills_level(value: object) -> int | None:
    """One answer as stored: 0 ("not yet") to 8, or None for "I don't know" (null or "unknown")."""
    if value is None or value == digcomp.UNKNOWN:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value in digcomp.SCALE:
        return value
    raise ValidationError(
        _("“%(value)s” is not a level: choose a whole number from 0 (not yet) to 8, or “I don't know”.")
        % {"value": value},
        code="invalid_level",
    )


def clean_digital_skills_ratings(
    ratings: object, *, codes: Iterable[str] | None = None
) -> dict[str, int | None]:
    """Check answers against the framework: every competence (of `codes`, all by default) answered with a
    level or "I don't know", no unknown competence. Errors are keyed by competence code."""
    if not isinstance(ratings, Mapping):
        raise ValidationError(_("Ratings must map competence codes (such as “1.1”) to levels."))
    expected = list(codes if codes is not None else digcomp.codes())
    errors: dict[str, str] = {}
    cleaned: dict[str, int | None] = {}
    for key in ratings:
        if str(key) not in expected:
            errors[str(key)] = _("There is no competence “%(code)s” to rate here (DigComp %(version)s).") % {
                "code": key,
                "version": digcomp.VERSION,
            }
    for code in expected:
        if code not in ratings or ratings[code] == "":
            errors[code] = _("Choose a level for this competence, or “I don't know”.")
            continue
        try:
            cleaned[code] = clean_digital_skills_level(ratings[code])
        except ValidationError as error:
            errors[code] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def submit_digital_skills_assessment(
    *, user: Any, ratings: object, submitted_at: datetime.datetime | None = None
) -> DigitalSkillsAssessment:
    """Record a person's self-assessment: every DigComp competence rated, or answered "I don't know"."""
    levels = clean_digital_skills_ratings(ratings)
    assessment = DigitalSkillsAssessment(
        user=user, framework_version=digcomp.VERSION, submitted_at=submitted_at or timezone.now()
    )
    assessment.full_clean()
    assessment.save()
    DigitalSkillsRating.objects.bulk_create(
        [
            DigitalSkillsRating(assessment=assessment, competence=code, level=level)
            for code, level in levels.items()
        ]
    )
    return assessment
