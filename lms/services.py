"""Writes of the training app: enrolments, lesson completion, quiz attempts, course completion and
certificates."""

import dataclasses
import datetime
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms import digcomp, selectors, tasks
from lms.choices import CertificateKind, CertificateStatus, CompletionRule
from lms.models import (
    Certificate,
    CourseEnrolment,
    CoursePage,
    DigitalSkillsAssessment,
    DigitalSkillsRating,
    LessonCompletion,
    LessonPage,
    Quiz,
    QuizAttempt,
)
from lms.models.certificates import new_code
from programmes import access, audit
from programmes import tasks as programme_tasks
from programmes.models import Cohort, Person

logger = logging.getLogger(__name__)


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


def mark_course_seen(*, enrolment: CourseEnrolment) -> None:
    """The learner opened the course page: what was new is no longer announced."""
    enrolment.seen_at = timezone.now()
    CourseEnrolment.objects.filter(pk=enrolment.pk).update(seen_at=enrolment.seen_at)


def complete_course_if_done(enrolment: CourseEnrolment) -> bool:
    """Set completed_at once every current required lesson is complete; True when the course is complete.

    Idempotent: the date is set once (a conditional update, safe under concurrent calls), and only the
    call that sets it queues the certificate, after commit."""
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
        if enrolment.course.has_certificate:
            enrolment_id = enrolment.pk
            transaction.on_commit(lambda: tasks.issue_certificate.delay(enrolment_id))
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


# --- Certificates ---------------------------------------------------------------------------------


def _holder_names(user: Any) -> tuple[str, str]:
    """The learner's name as their participant file has it, else as their account has it."""
    person = Person.objects.filter(user=user).only("first_name", "last_name").first()
    first, last = (person.first_name, person.last_name) if person else (user.first_name, user.last_name)
    first, last = str(first).strip(), str(last).strip()
    return (first or str(user.username), last)


def _snapshot(enrolment: CourseEnrolment) -> dict[str, Any]:
    """What the certificate states, copied now so later edits never change it."""
    course = enrolment.course
    provider = course.provider
    assert enrolment.completed_at is not None
    first, last = _holder_names(enrolment.user)
    is_realisation = bool(course.is_funded and provider is not None)
    if course.is_funded and provider is None:
        logger.warning("Funded course %s has no training provider: attestation issued instead.", course.pk)
    return {
        "kind": CertificateKind.REALISATION if is_realisation else CertificateKind.ATTESTATION,
        "holder_first_name": first,
        "holder_last_name": last,
        "course_title": course.title,
        "objectives": course.objective_texts,
        "issuer_name": provider.legal_name if provider is not None else settings.ESSAIM_CERTIFICATE_ISSUER,
        "provider_siret": provider.siret if provider is not None else "",
        "provider_declaration_number": provider.declaration_number if provider is not None else "",
        "start_date": timezone.localdate(enrolment.enrolled_at),
        "completion_date": timezone.localdate(enrolment.completed_at),
        "realised_minutes": selectors.realised_minutes(enrolment.user, course),
    }


def _create_certificate(enrolment: CourseEnrolment, issued_at: datetime.datetime) -> Certificate:
    """Get or create the one certificate of this learner and course, whoever gets there first.

    A concurrent run (a retry, a double submission) that loses the race on the unique constraint gets
    the winner's certificate; a clash on the random code (never seen in practice) draws a new one."""
    for _attempt in range(3):
        existing = Certificate.objects.filter(user=enrolment.user, course=enrolment.course).first()
        if existing is not None:
            return existing
        certificate = Certificate(
            user=enrolment.user, course=enrolment.course, issued_at=issued_at, **_snapshot(enrolment)
        )
        certificate.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                certificate.save(force_insert=True)
        except IntegrityError:
            certificate.code = new_code()
            continue
        return certificate
    raise IntegrityError("Could not store the certificate")


def ensure_certificate_pdf(certificate: Certificate) -> Certificate:
    """Generate the certificate's PDF unless it has one: one file per certificate, whatever the retries.

    PostgreSQL serialises concurrent runs on the row lock; where there is none (SQLite), the conditional
    update decides which file is kept and the loser removes its own."""
    if certificate.pdf:
        return certificate
    from lms import pdf  # xhtml2pdf and reportlab are heavy: loaded by the processes that render only

    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not locked.pdf:
            with translation.override(settings.LANGUAGE_CODE):
                content = pdf.certificate_pdf(locked)
            storage = locked.pdf.storage
            name = storage.save(
                f"certificates/{locked.issued_at:%Y}/{locked.code}-{secrets.token_urlsafe(12)}.pdf",
                ContentFile(content),
            )
            if Certificate.objects.filter(pk=locked.pk, pdf="").update(pdf=name) == 0:
                storage.delete(name)
            locked.refresh_from_db(fields=["pdf"])
    certificate.pdf = locked.pdf
    return certificate


def _notify_holder(certificate: Certificate) -> None:
    """E-mail the learner once (claimed by a conditional update), after commit."""
    if certificate.notified_at is not None:
        return
    now = timezone.now()
    if not Certificate.objects.filter(pk=certificate.pk, notified_at__isnull=True).update(notified_at=now):
        return
    certificate.notified_at = now
    email = str(certificate.user.email or "")
    if not email:
        return
    base = str(settings.ESSAIM_PUBLIC_BASE_URL).rstrip("/")
    context = {
        "certificate": certificate,
        "learner_url": f"{base}/learn/",
        "verification_url": selectors.verification_url(certificate.code),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = "".join(render_to_string("lms/email/certificate_issued_subject.txt", context).splitlines())
        body = render_to_string("lms/email/certificate_issued.txt", context)
    transaction.on_commit(lambda: programme_tasks.send_email.delay(subject=subject, body=body, to=[email]))


def issue_certificate(
    *, enrolment: CourseEnrolment, notify: bool = True, issued_at: datetime.datetime | None = None
) -> Certificate | None:
    """Issue the certificate of a completed course (idempotent): the row, its PDF, then the e-mail.

    None when there is nothing to certify (course not completed, or without a certificate). Safe to run
    again at any step: a retry finds the row, generates the PDF only if it is missing, e-mails once.
    `notify=False` and `issued_at` are for the demo seeder, which backdates and sends nothing."""
    enrolment = CourseEnrolment.objects.select_related("course__provider", "user").get(pk=enrolment.pk)
    if enrolment.completed_at is None or not enrolment.course.has_certificate:
        return None
    certificate = _create_certificate(enrolment, issued_at or timezone.now())
    ensure_certificate_pdf(certificate)
    if notify:
        _notify_holder(certificate)
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, reason: str, by: Any) -> Certificate:
    """Revoke a certificate with the reason (the public verification then says so); audit-logged."""
    if not selectors.can_revoke_certificate(by, certificate):
        raise PermissionDenied(_("You may not revoke this certificate."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status == CertificateStatus.REVOKED:
        raise ValidationError(_("This certificate is already revoked."))
    locked.status = CertificateStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.revocation_reason = reason
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    audit.record(actor=by, action="lms.certificate.revoke", target=locked, code=locked.code)
    return locked


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
