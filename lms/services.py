"""Writes of the training app: enrolments, lesson completion, quiz attempts, course completion,
certificates, time tracking (heartbeats and the connection log), live sessions (join, sign-in sheet,
attendance) and the digital-skills self-assessment."""

import dataclasses
import datetime
import ipaddress
import logging
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms import activity, digcomp, open_badges, selectors, tasks
from lms.choices import CertificateKind, CertificateStatus, CompletionRule, LiveAttendanceStatus
from lms.models import (
    CalendarFeed,
    Certificate,
    ConnectionLog,
    CourseEnrolment,
    CoursePage,
    DigitalSkillsAssessment,
    DigitalSkillsRating,
    LessonCompletion,
    LessonPage,
    LessonTime,
    LiveAttendance,
    LiveSession,
    Quiz,
    QuizAttempt,
)
from lms.models.certificates import new_code
from programmes import access, audit, outbox
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
        activity.touched([enrolment.user_id])  # an update sends no signal
        if enrolment.course.has_certificate:
            enrolment_id = enrolment.pk
            outbox.enqueue(tasks.issue_certificate, enrolment_id)
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
    if enrolment.completed_at is None:
        raise ValueError("A certificate is issued for a completed course only.")
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
    outbox.enqueue(programme_tasks.send_email, subject=subject, body=body, to=[email])


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
    if locked.badge_status_index is not None:  # its Open Badge: the published list shows it at once
        list_number = locked.badge_status_index // open_badges.STATUS_LIST_SIZE
        transaction.on_commit(lambda: cache.delete(open_badges.status_list_cache_key(list_number)))
    return locked


# --- Open Badges 3.0 ----------------------------------------------------------------------------------


def allocate_badge_status_index(*, certificate: Certificate) -> int:
    """Draw the certificate's bit in the revocation lists once (a random free position of the list being
    filled); concurrent draws are settled by the unique constraint and the conditional update."""
    if certificate.badge_status_index is not None:
        return certificate.badge_status_index
    for _attempt in range(32):
        drawn = Certificate.objects.filter(badge_status_index__isnull=False).count()
        list_number = drawn // open_badges.STATUS_LIST_FILL
        candidate = list_number * open_badges.STATUS_LIST_SIZE + secrets.randbelow(
            open_badges.STATUS_LIST_SIZE
        )
        try:
            with transaction.atomic():
                updated = Certificate.objects.filter(
                    pk=certificate.pk, badge_status_index__isnull=True
                ).update(badge_status_index=candidate)
        except IntegrityError:
            continue  # another certificate holds this bit: draw again
        if not updated:  # drawn meanwhile by a concurrent download
            current = Certificate.objects.values_list("badge_status_index", flat=True).get(pk=certificate.pk)
            certificate.badge_status_index = current
            if current is not None:
                return current
            continue
        certificate.badge_status_index = candidate
        return candidate
    raise IntegrityError("Could not draw a free Open Badge status index")


def open_badge_credential(*, certificate: Certificate, by: Any) -> dict[str, Any]:
    """The certificate as a signed Open Badges 3.0 credential; downloads by staff are audit-logged.

    Raises open_badges.BadgesUnavailable without a signing key (production without configuration)."""
    open_badges.signing_key()  # fail before drawing an index when badges are not configured
    allocate_badge_status_index(certificate=certificate)
    credential = open_badges.unsigned_credential(certificate, email=str(certificate.user.email or ""))
    if certificate.user_id != getattr(by, "pk", None):
        audit.record(actor=by, action="lms.certificate.open_badge", target=certificate)
    return open_badges.sign(credential)


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


# --- Time tracking ---------------------------------------------------------------------------------
#
# A lesson in view sends a heartbeat every 30 seconds. Each heartbeat sets one bit in the bitmap of the
# learner's row for that lesson and that local day: bit i stands for the i-th 30-second slot after local
# midnight. The connected time is a pure function of the set bits, so a duplicated heartbeat (same slot)
# changes nothing and heartbeats arriving out of order give the same total as in order:
# - between two consecutive heartbeat slots, the time counts only when they are at most the idle cut-off
#   apart; a longer gap ends the session (the learner left, or the tab was hidden);
# - one session (an unbroken run of heartbeats) counts for the cap at most;
# - time is split at local midnight, so each day's row holds the time spent that day.
# A new bit can change the totals of its own day, the day before (a gap across midnight) and the day after
# (a session running into it), so those are recomputed from the bitmaps of the two days before to the day
# after. Because the cap is shorter than a day, a session alive two days earlier has used its cap already.

SLOT_SECONDS = 30
MAX_CAP_SECONDS = 20 * 60 * 60
# How far back a heartbeat's own time is believed (a beacon sent as the page closes, a retried request).
HEARTBEAT_MAX_DELAY = datetime.timedelta(minutes=5)


def idle_cutoff_seconds() -> int:
    return max(int(settings.ESSAIM_LMS_IDLE_CUTOFF_SECONDS), SLOT_SECONDS)


def session_cap_seconds() -> int:
    return min(int(settings.ESSAIM_LMS_SESSION_CAP_MINUTES) * 60, MAX_CAP_SECONDS)


def slot_of(moment: datetime.datetime) -> int:
    """The 30-second slot since the epoch a moment falls in (local midnights fall on slot boundaries)."""
    return int(moment.timestamp()) // SLOT_SECONDS


def day_slots(day: datetime.date) -> tuple[int, int]:
    """The first slot of a local day and the first slot of the next (23 or 25 hours on DST days)."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return slot_of(start), slot_of(end)


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def bitmap_slots(bitmap: bytes, first_slot: int) -> list[int]:
    """The slots whose bit is set, in order."""
    slots: list[int] = []
    for index, byte in enumerate(bitmap):
        if byte:
            slots.extend(first_slot + index * 8 + bit for bit in range(8) if byte >> bit & 1)
    return slots


def with_bit(bitmap: bytes, index: int) -> bytes | None:
    """The bitmap with bit `index` set, or None when it was set already (a duplicate heartbeat)."""
    data = bytearray(bitmap)
    byte, bit = divmod(index, 8)
    if byte < len(data) and data[byte] >> bit & 1:
        return None
    if byte >= len(data):
        data.extend(bytes(byte + 1 - len(data)))
    data[byte] |= 1 << bit
    return bytes(data)


def credited_intervals(
    slots: Sequence[int], *, cutoff_seconds: int, cap_seconds: int
) -> list[tuple[int, int]]:
    """The stretches of time that count, as (start, end) epoch seconds, from sorted distinct slots."""
    intervals: list[tuple[int, int]] = []
    used = 0
    previous: int | None = None
    for slot in slots:
        if previous is None or (slot - previous) * SLOT_SECONDS > cutoff_seconds:
            used = 0  # a new session starts at this heartbeat
        elif used < cap_seconds:
            length = min((slot - previous) * SLOT_SECONDS, cap_seconds - used)
            intervals.append((previous * SLOT_SECONDS, previous * SLOT_SECONDS + length))
            used += length
        previous = slot
    return intervals


def seconds_within(intervals: Iterable[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(end, high) - max(start, low)) for low, high in intervals)


@transaction.atomic
def record_heartbeat(
    *,
    user: Any,
    lesson: LessonPage,
    sent_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Count a heartbeat of a lesson in view; returns the seconds it added (0 for a duplicate or after an
    idle gap). The heartbeat's own time is trusted up to HEARTBEAT_MAX_DELAY back, never in the future."""
    now = now or timezone.now()
    moment = now if sent_at is None else min(now, max(sent_at, now - HEARTBEAT_MAX_DELAY))
    day = local_day(moment)
    one_day = datetime.timedelta(days=1)
    LessonTime.objects.get_or_create(user=user, lesson=lesson, activity_date=day)
    rows = {
        row.activity_date: row
        for row in LessonTime.objects.select_for_update()
        .filter(user=user, lesson=lesson, activity_date__range=(day - 2 * one_day, day + one_day))
        .order_by("activity_date")
    }
    row = rows[day]
    first, _next = day_slots(day)
    updated = with_bit(bytes(row.slots), slot_of(moment) - first)
    if updated is None:
        return 0
    row.slots = updated
    slots: list[int] = []
    for activity_date, each in rows.items():
        slots.extend(bitmap_slots(bytes(each.slots), day_slots(activity_date)[0]))
    intervals = credited_intervals(
        slots, cutoff_seconds=idle_cutoff_seconds(), cap_seconds=session_cap_seconds()
    )
    added = 0
    for activity_date in (day - one_day, day, day + one_day):
        if activity_date not in rows:
            continue
        each = rows[activity_date]
        start, end = day_slots(activity_date)
        seconds = seconds_within(intervals, start * SLOT_SECONDS, end * SLOT_SECONDS)
        fields = ["slots", "seconds", "updated_at"] if each is row else ["seconds", "updated_at"]
        if seconds != each.seconds or each is row:
            added += seconds - each.seconds
            each.seconds = seconds
            each.save(update_fields=fields)
    return added


_BROWSERS = [
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
]
_SYSTEMS = [
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
]


def device_family(user_agent: str) -> str:
    """The browser and system families ("Firefox · Android"), never the full user-agent string."""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    return " · ".join(part for part in (browser, system) if part)[:60]


def truncated_network(address: str) -> str:
    """The network of an address, not the address: IPv4 /24, IPv6 /48 ("" when unreadable)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def record_login(*, user: Any, user_agent: str = "", remote_addr: str = "") -> ConnectionLog:
    """Keep one login in the connection log (called when Django's user_logged_in fires)."""
    entry = ConnectionLog(user=user, device=device_family(user_agent), network=truncated_network(remote_addr))
    entry.full_clean()
    entry.save()
    return entry


def purge_connection_log(*, now: datetime.datetime | None = None) -> int:
    """Delete the logins older than ESSAIM_LMS_CONNECTION_LOG_DAYS; returns how many went."""
    limit = (now or timezone.now()) - datetime.timedelta(days=int(settings.ESSAIM_LMS_CONNECTION_LOG_DAYS))
    deleted, _detail = ConnectionLog.objects.filter(logged_in_at__lt=limit).delete()
    return deleted


# --- Live sessions ---------------------------------------------------------------------------------

SCHEDULE_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "duration_minutes",
    "join_url",
    "place",
    "lesson",
    "facilitator",
)
# Changing these sends calendars a new revision of the event.
CALENDAR_FIELDS = ("title", "starts_at", "duration_minutes", "place", "kind", "description")


def _check_can_schedule(*, by: Any, course: CoursePage, cohort: Cohort | None) -> None:
    if cohort is None:
        if not access.sees_everything(by):
            raise PermissionDenied(_("Only the national team schedules sessions open to a whole course."))
    elif not access.can_manage_cohort(by, cohort):
        raise PermissionDenied(_("You do not run this cohort."))


def _check_lesson(session: LiveSession) -> None:
    lesson = session.lesson
    if lesson is not None and not str(lesson.path).startswith(str(session.course.path)):
        raise ValidationError({"lesson": _("Choose a lesson of this session's course.")})


@transaction.atomic
def schedule_live_session(
    *, course: CoursePage, cohort: Cohort | None, by: Any, **fields: Any
) -> LiveSession:
    """Schedule a virtual class or an in-person workshop for a cohort (or, national team, a whole course)."""
    _check_can_schedule(by=by, course=course, cohort=cohort)
    unknown = set(fields) - set(SCHEDULE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    fields.setdefault("facilitator", by)
    session = LiveSession(course=course, cohort=cohort, created_by=by, **fields)
    _check_lesson(session)
    session.full_clean()
    session.save()
    audit.record(actor=by, action="lms.live_session.schedule", target=session, course=course.pk)
    return session


@transaction.atomic
def update_live_session(*, session: LiveSession, by: Any, **fields: Any) -> LiveSession:
    """Change a scheduled session; calendars get a new revision when its time, place or title changes."""
    if not selectors.can_manage_session(by, session):
        raise PermissionDenied(_("You do not run this session."))
    unknown = set(fields) - set(SCHEDULE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(session, name) != value]
    for name, value in fields.items():
        setattr(session, name, value)
    if any(name in CALENDAR_FIELDS for name in changed):
        session.sequence += 1
    _check_lesson(session)
    session.full_clean()
    session.save()
    return session


def _eligible_or_denied(session: LiveSession, user: Any) -> None:
    if not selectors.eligible_sessions(user).filter(pk=session.pk).exists():
        raise PermissionDenied(_("This session is for the enrolled learners of its course."))


@transaction.atomic
def join_live_session(
    *, session: LiveSession, user: Any, now: datetime.datetime | None = None
) -> LiveAttendance:
    """An enrolled learner clicks "join": record their first arrival (once), then they go to the join URL."""
    now = now or timezone.now()
    _eligible_or_denied(session, user)
    if not session.is_virtual:
        raise ValidationError(_("An in-person workshop is joined in person: sign the sheet there."))
    if not session.is_open_at(now):
        if now < session.join_opens_at:
            raise ValidationError(_("You can join from 15 minutes before the start."))
        raise ValidationError(_("This session is over."))
    attendance, _created = LiveAttendance.objects.get_or_create(session=session, user=user)
    # Conditional, so two clicks at once keep the first arrival.
    if LiveAttendance.objects.filter(pk=attendance.pk, arrived_at__isnull=True).update(arrived_at=now):
        attendance.arrived_at = now
    else:
        attendance.refresh_from_db(fields=["arrived_at"])
    return attendance


@transaction.atomic
def sign_in(
    *, session: LiveSession, user: Any, by: Any, now: datetime.datetime | None = None
) -> LiveAttendance:
    """Sign the sheet of an in-person workshop: the learner themself during the session, or the
    facilitator ticking a name on their phone."""
    now = now or timezone.now()
    if session.is_virtual:
        raise ValidationError(_("A virtual class has no sign-in sheet: joining it records the arrival."))
    if by.pk == user.pk:
        _eligible_or_denied(session, user)
        if not session.is_open_at(now):
            raise ValidationError(_("The sign-in sheet is open during the workshop only."))
    else:
        if not selectors.can_manage_session(by, session):
            raise PermissionDenied(_("You do not run this session."))
        if not selectors.roster_users(session).filter(pk=user.pk).exists():
            raise ValidationError(_("This person is not a learner of this session."))
        if now < session.join_opens_at:
            raise ValidationError(_("The sign-in sheet opens 15 minutes before the start."))
    attendance, _created = LiveAttendance.objects.get_or_create(session=session, user=user)
    if attendance.signed_at is None:
        attendance.signed_at, attendance.signed_by = now, by
        attendance.save(update_fields=["signed_at", "signed_by"])
    return attendance


@transaction.atomic
def cancel_signature(*, session: LiveSession, user: Any, by: Any) -> None:
    """The facilitator unticks a name signed by mistake (before attendance is confirmed)."""
    if not selectors.can_manage_session(by, session):
        raise PermissionDenied(_("You do not run this session."))
    if session.attendance_confirmed_at is not None:
        raise ValidationError(_("Attendance is confirmed already: correct it on the confirmation page."))
    LiveAttendance.objects.filter(session=session, user=user).update(signed_at=None, signed_by=None)


@dataclasses.dataclass(frozen=True)
class AttendanceMark:
    status: str
    # Minutes attended for a present learner; None means the whole session.
    minutes: int | None = None


@transaction.atomic
def confirm_attendance(
    *,
    session: LiveSession,
    marks: Mapping[int, AttendanceMark],
    notes: str | None = None,
    by: Any,
    now: datetime.datetime | None = None,
) -> list[LiveAttendance]:
    """After the session, the facilitator confirms who attended and for how long, and writes the minutes.

    A present learner completes the session's lesson when it is completed by attending, which moves
    their progress and may complete the course. Confirming again corrects the record; a lesson already
    completed stays completed."""
    now = now or timezone.now()
    if not selectors.can_manage_session(by, session):
        raise PermissionDenied(_("You do not run this session."))
    if now < session.starts_at:
        raise ValidationError(_("Attendance can be confirmed once the session has started."))
    roster = {user.pk: user for user in selectors.roster_users(session)}
    errors: list[str] = []
    for user_id, mark in marks.items():
        if user_id not in roster:
            errors.append(_("User %(id)s is not a learner of this session.") % {"id": user_id})
        if mark.status not in LiveAttendanceStatus.values:
            errors.append(_("Choose present or absent."))
        if mark.minutes is not None and not 1 <= mark.minutes <= session.duration_minutes:
            errors.append(
                _("Minutes attended are between 1 and the session's %(duration)s minutes.")
                % {"duration": session.duration_minutes}
            )
    if errors:
        raise ValidationError(errors)
    existing = {row.user_id: row for row in LiveAttendance.objects.filter(session=session, user_id__in=marks)}
    saved = []
    for user_id, mark in marks.items():
        attendance = existing.get(user_id) or LiveAttendance(session=session, user_id=user_id)
        attendance.status = mark.status
        attendance.minutes_attended = (
            (mark.minutes or session.duration_minutes)
            if mark.status == LiveAttendanceStatus.PRESENT
            else None
        )
        attendance.confirmed_at = now
        attendance.full_clean(validate_unique=False)
        attendance.save()
        saved.append(attendance)
    session.attendance_confirmed_at, session.attendance_confirmed_by = now, by
    fields = ["attendance_confirmed_at", "attendance_confirmed_by"]
    if notes is not None:
        session.notes = notes
        fields.append("notes")
    session.save(update_fields=fields)
    _complete_attendance_lesson(session, [a.user_id for a in saved if a.is_confirmed_present])
    present = sum(1 for attendance in saved if attendance.is_confirmed_present)
    audit.record(
        actor=by,
        action="lms.live_attendance.confirm",
        target=session,
        present=present,
        absent=len(saved) - present,
    )
    return saved


def _complete_attendance_lesson(session: LiveSession, user_ids: list[int]) -> None:
    lesson = session.lesson
    if lesson is None or not user_ids or lesson.completion_rule != CompletionRule.ATTENDANCE:
        return
    if not str(lesson.path).startswith(str(session.course.path)):
        return
    enrolments = CourseEnrolment.objects.filter(course=session.course, user_id__in=user_ids).select_related(
        "user", "course"
    )
    for enrolment in enrolments:
        complete_lesson(enrolment=enrolment, lesson=lesson)


def new_calendar_token(*, user: Any) -> str:
    """A new secret address for the person's calendar feed; the previous one stops working."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": selectors.hash_token(token)})
    return token
