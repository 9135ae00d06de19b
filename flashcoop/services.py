"""Writes of the Flashcoop app: the plan of a Flashcoop (agenda, mentors, production), participants'
entry profiles and exits, and the follow-ups at +3 and +6 months. Views, API, admin, tasks and the
demo seeder all call these; each one checks that the acting user runs the cohort (`by=None` is the
system: tasks, seeders), validates before saving and runs in one transaction."""

import datetime
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from flashcoop import selectors
from flashcoop.choices import (
    ANSWERED_STATUSES,
    OPEN_STATUSES,
    WAVE_MONTHS,
    FollowUpStatus,
    Wave,
)
from flashcoop.models import (
    AgendaItem,
    EntryProfile,
    Exit,
    FlashcoopPlan,
    FollowUp,
    Mentee,
    Mentor,
    MentoringMeeting,
    Production,
)
from programmes import access, audit, figures, outbox, tasks
from programmes import services as core_services
from programmes.choices import CohortStatus, EnrolmentStatus
from programmes.models import (
    Cohort,
    Commune,
    Department,
    Edition,
    Enrolment,
    Organisation,
    Person,
    Programme,
    Session,
)
from programmes.models.enrolments import EXIT_STATUSES
from programmes.privacy.consents import may_contact, objecting_people

# Follow-up rhythm: the link lives 30 days from its last e-mail; a reminder 7 days after the first
# e-mail, then "unreachable" 7 days after the reminder.
LINK_LIFETIME = datetime.timedelta(days=30)
REMIND_AFTER = datetime.timedelta(days=7)
UNREACHABLE_AFTER = datetime.timedelta(days=7)
# Without an e-mail address nobody can be reminded: unreachable this long after the due date (unless
# a coordinator phones them first).
UNREACHABLE_WITHOUT_EMAIL = datetime.timedelta(days=14)
# A follow-up whose due date is further in the past than this is not created (a first run of the task
# on old data must not write to people years after their Flashcoop).
CATCH_UP = datetime.timedelta(days=30)
DEFAULT_DAY = (datetime.time(9, 30), datetime.time(16, 30))


class FollowUpLinkError(Exception):
    """A personal link that cannot be used: unknown, expired, or already answered."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _check_can_manage(by: Any, cohort: Cohort) -> None:
    access.require_can_manage(by, cohort, message=_("You do not run this Flashcoop."))


def _actor(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


# --- The Flashcoop and its plan -----------------------------------------------------------------------


@transaction.atomic
def create_flashcoop(
    *,
    year: int,
    name: str,
    department: Department,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    commune: Commune | None = None,
    host: Organisation | None = None,
    is_in_qpv: bool = False,
    is_rural: bool = False,
    theme: str = "",
    place: str = "",
    by: Any,
) -> Cohort:
    """A new Flashcoop cohort (five days unless told otherwise) with its plan; the acting user must
    be able to run it (a coordinator of Flashcoop in that region, or the national team)."""
    programme = Programme.objects.get_or_create(
        slug=selectors.PROGRAMME_SLUG, defaults={"name": "Flashcoop"}
    )[0]
    edition = Edition.objects.get_or_create(programme=programme, year=year)[0]
    cohort = Cohort(
        edition=edition,
        name=name,
        department=department,
        commune=commune,
        host=host,
        is_in_qpv=is_in_qpv,
        is_rural=is_rural,
        start_date=start_date,
        end_date=end_date or start_date + datetime.timedelta(days=4),
        status=CohortStatus.PLANNED,
    )
    cohort.full_clean()
    cohort.save()
    _check_can_manage(by, cohort)
    plan = FlashcoopPlan(cohort=cohort, theme=theme, place=place)
    plan.full_clean()
    plan.save()
    audit.record(actor=_actor(by), action="flashcoop.create", target=cohort)
    return cohort


@transaction.atomic
def save_plan(*, cohort: Cohort, theme: str, place: str, by: Any) -> FlashcoopPlan:
    """Set the theme and place of a Flashcoop."""
    _check_can_manage(by, cohort)
    plan = FlashcoopPlan.objects.filter(cohort=cohort).first() or FlashcoopPlan(cohort=cohort)
    plan.theme, plan.place = theme, place
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def add_agenda_item(
    *,
    cohort: Cohort,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    title: str,
    description: str = "",
    led_by: str = "",
    by: Any,
) -> AgendaItem:
    """Add one time slot to a Flashcoop day."""
    _check_can_manage(by, cohort)
    item = AgendaItem(
        cohort=cohort,
        date=date,
        start_time=start_time,
        end_time=end_time,
        title=title,
        description=description,
        led_by=led_by,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def delete_agenda_item(*, item: AgendaItem, by: Any) -> None:
    """Remove a time slot from the agenda."""
    _check_can_manage(by, item.cohort)
    item.delete()


@transaction.atomic
def create_day_session(*, cohort: Cohort, date: datetime.date, by: Any) -> Session:
    """The core session of a Flashcoop day, where attendance is taken (the existing one if any)."""
    _check_can_manage(by, cohort)
    existing = Session.objects.filter(cohort=cohort, date=date).order_by("start_time", "pk").first()
    if existing is not None:
        return existing
    if cohort.start_date and cohort.end_date and not cohort.start_date <= date <= cohort.end_date:
        raise ValidationError(_("This day is outside the Flashcoop's dates."))
    slots = AgendaItem.objects.filter(cohort=cohort, date=date).aggregate(
        start=Min("start_time"), end=Max("end_time")
    )
    number = (date - cohort.start_date).days + 1 if cohort.start_date else 1
    session = Session(
        cohort=cohort,
        date=date,
        start_time=slots["start"] or DEFAULT_DAY[0],
        end_time=slots["end"] or DEFAULT_DAY[1],
        title=_("Day %(number)s") % {"number": number},
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def enrol_participant(
    *,
    cohort: Cohort,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    birth_date: datetime.date | None = None,
    by: Any,
) -> Enrolment:
    """A new participant of a Flashcoop: their person record and an enrolment, enrolled from today."""
    _check_can_manage(by, cohort)
    person = Person(
        first_name=first_name, last_name=last_name, email=email, phone=phone, birth_date=birth_date
    )
    person.full_clean()
    person.save()
    return core_services.enrol_person(person=person, cohort=cohort, status=EnrolmentStatus.ENROLLED, by=by)


@transaction.atomic
def add_mentor(
    *,
    cohort: Cohort,
    name: str = "",
    organisation: Organisation | None = None,
    contact: str = "",
    mentees: list[Enrolment] | None = None,
    by: Any,
) -> Mentor:
    """A mentor (a person or an organisation) of a Flashcoop, with the participants they accompany."""
    _check_can_manage(by, cohort)
    mentor = Mentor(cohort=cohort, name=name, organisation=organisation, contact=contact)
    mentor.full_clean()
    mentor.save()
    for enrolment in mentees or []:
        add_mentee(mentor=mentor, enrolment=enrolment, by=by)
    return mentor


@transaction.atomic
def add_mentee(*, mentor: Mentor, enrolment: Enrolment, by: Any) -> Mentee:
    """Pair a participant with a mentor of the same Flashcoop (once)."""
    _check_can_manage(by, mentor.cohort)
    existing = Mentee.objects.filter(mentor=mentor, enrolment=enrolment).first()
    if existing is not None:
        return existing
    link = Mentee(mentor=mentor, enrolment=enrolment)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def record_mentoring_meeting(
    *, mentor: Mentor, enrolment: Enrolment, meeting_date: datetime.date, notes: str = "", by: Any
) -> MentoringMeeting:
    """Log a meeting of a mentor with a participant (who becomes their mentee if not yet)."""
    _check_can_manage(by, mentor.cohort)
    meeting = MentoringMeeting(
        mentor=mentor, enrolment=enrolment, meeting_date=meeting_date, notes=notes, recorded_by=_actor(by)
    )
    meeting.full_clean()
    meeting.save()
    add_mentee(mentor=mentor, enrolment=enrolment, by=by)
    return meeting


@transaction.atomic
def add_production(
    *,
    cohort: Cohort,
    label: str,
    quantity: int | None = None,
    amount_eur: Decimal | None = None,
    by: Any,
) -> Production:
    """Record what the ephemeral cooperative produced or sold."""
    _check_can_manage(by, cohort)
    production = Production(cohort=cohort, label=label, quantity=quantity, amount_eur=amount_eur)
    production.full_clean()
    production.save()
    return production


# --- Participants: entry profile and exit -------------------------------------------------------------


@transaction.atomic
def save_entry_profile(
    *,
    enrolment: Enrolment,
    employment_status: str,
    minimum_income: str,
    education_level: str,
    qpv_resident: str,
    rural: str,
    referrer: str,
    disability: str = "",
    disability_consent_date: datetime.date | None = None,
    by: Any,
) -> EntryProfile:
    """Record (or correct) a participant's situation at entry in the ESF categories."""
    _check_can_manage(by, enrolment.cohort)
    profile = EntryProfile.objects.filter(enrolment=enrolment).first() or EntryProfile(enrolment=enrolment)
    profile.employment_status = employment_status
    profile.minimum_income = minimum_income
    profile.education_level = education_level
    profile.qpv_resident = qpv_resident
    profile.rural = rural
    profile.referrer = referrer
    profile.disability = disability
    profile.disability_consent_date = disability_consent_date if disability else None
    profile.recorded_by = _actor(by)
    profile.full_clean()
    profile.save()
    audit.record(actor=_actor(by), action="flashcoop.entry_profile.save", target=enrolment)
    return profile


def _move_enrolment_to_exit(enrolment: Enrolment, exit_: Exit, by: Any) -> None:
    """Bring the core enrolment in line with the exit: completed, or withdrawn with the reason."""
    status = enrolment.status
    if status in (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED):
        raise ValidationError(_("This person never started the Flashcoop: no exit to record."))
    if exit_.is_completed:
        if status in EXIT_STATUSES:
            raise ValidationError(
                {"is_completed": _("This participant left early: record an early exit with its reason.")}
            )
        if status == EnrolmentStatus.ENROLLED:
            core_services.change_enrolment_status(
                enrolment=enrolment, status=EnrolmentStatus.ACTIVE, on=exit_.exit_date, by=by
            )
        if enrolment.status == EnrolmentStatus.ACTIVE:
            core_services.change_enrolment_status(
                enrolment=enrolment, status=EnrolmentStatus.COMPLETED, on=exit_.exit_date, by=by
            )
    else:
        if status == EnrolmentStatus.COMPLETED:
            raise ValidationError({"is_completed": _("This participant completed the Flashcoop.")})
        if status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.ACTIVE):
            core_services.change_enrolment_status(
                enrolment=enrolment,
                status=EnrolmentStatus.WITHDRAWN,
                on=exit_.exit_date,
                exit_reason=exit_.early_reason,
                exit_note=exit_.note,
                by=by,
            )


@transaction.atomic
def record_exit(
    *,
    enrolment: Enrolment,
    exit_date: datetime.date,
    is_completed: bool,
    situation: str,
    early_reason: str = "",
    note: str = "",
    by: Any,
) -> Exit:
    """Record how and when a participant left and their situation then; the enrolment follows
    (completed, or withdrawn with the reason)."""
    _check_can_manage(by, enrolment.cohort)
    exit_ = Exit.objects.filter(enrolment=enrolment).first() or Exit(enrolment=enrolment)
    exit_.exit_date, exit_.is_completed, exit_.situation = exit_date, is_completed, situation
    exit_.early_reason, exit_.note, exit_.recorded_by = early_reason, note, _actor(by)
    exit_.full_clean()
    exit_.save()
    _move_enrolment_to_exit(enrolment, exit_, by)
    audit.record(actor=_actor(by), action="flashcoop.exit.save", target=enrolment)
    return exit_


# --- Follow-ups ---------------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


@transaction.atomic
def schedule_follow_ups(*, today: datetime.date) -> list[FollowUp]:
    """Create the follow-ups due by today (+3 and +6 months after each exit, or the cohort's end)
    that do not exist yet; running it twice creates nothing more."""
    earliest = selectors.add_months(today - CATCH_UP, -max(WAVE_MONTHS.values()))
    latest = selectors.add_months(today, -min(WAVE_MONTHS.values()))
    candidates = selectors.follow_up_candidates(earliest_exit=earliest, latest_exit=latest)
    existing = selectors.follow_ups_by_enrolment([enrolment.pk for enrolment, _reference in candidates])
    created = []
    for enrolment, reference in candidates:
        for wave, months in WAVE_MONTHS.items():
            due = selectors.add_months(reference, months)
            if wave in existing[enrolment.pk] or not today - CATCH_UP <= due <= today:
                continue
            follow_up = FollowUp(enrolment=enrolment, wave=wave, due_date=due)
            follow_up.full_clean(validate_unique=False, validate_constraints=False)
            created.append(follow_up)
    # A concurrent run may have created some already: the unique constraint keeps one of each.
    FollowUp.objects.bulk_create(created, ignore_conflicts=True)
    figures.data_changed()  # bulk writes send no signal
    return created


def follow_up_url(token: str) -> str:
    """The absolute address of a personal follow-up link (the site's configured base URL)."""
    base_url: str = settings.WAGTAILADMIN_BASE_URL
    return base_url.rstrip("/") + reverse("flashcoop:follow_up_answer", args=[token])


def _queue_follow_up_email(follow_up: FollowUp, token: str, *, is_reminder: bool) -> None:
    person = follow_up.enrolment.person
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "first_name": person.first_name,
            "wave": follow_up.wave,
            "url": follow_up_url(token),
            "expires_at": follow_up.expires_at,
            "is_reminder": is_reminder,
        }
        subject = (
            _("Reminder: how are you doing since your Flashcoop?")
            if is_reminder
            else _("How are you doing since your Flashcoop?")
        )
        body = render_to_string("flashcoop/emails/follow_up.txt", context)
    email = person.email
    outbox.enqueue(tasks.send_email, subject=subject, body=body, to=[email])


@transaction.atomic
def send_follow_up(*, follow_up_id: int, now: datetime.datetime | None = None) -> bool:
    """E-mail the personal link of a scheduled follow-up; False when another run already did (so a
    retried task never sends the same step twice) or when there is no address to write to."""
    now = _now(now)
    follow_up = FollowUp.objects.select_related("enrolment__person").get(pk=follow_up_id)
    person = follow_up.enrolment.person
    # Someone who withdrew their consent to data processing is not written to any more.
    if not person.email or not may_contact(person):
        return False
    token = secrets.token_urlsafe(32)
    claimed = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.SCHEDULED).update(
        status=FollowUpStatus.SENT,
        sent_at=now,
        token_hash=selectors.hash_token(token),
        expires_at=now + LINK_LIFETIME,
    )
    if not claimed:
        return False
    follow_up.refresh_from_db()
    _queue_follow_up_email(follow_up, token, is_reminder=False)
    return True


@transaction.atomic
def remind_follow_up(*, follow_up_id: int, now: datetime.datetime | None = None) -> bool:
    """Send the reminder with a fresh link (the first one stops working); once only."""
    now = _now(now)
    follow_up = FollowUp.objects.select_related("enrolment__person").get(pk=follow_up_id)
    if not follow_up.enrolment.person.email or not may_contact(follow_up.enrolment.person):
        return False
    token = secrets.token_urlsafe(32)
    claimed = FollowUp.objects.filter(
        pk=follow_up.pk, status=FollowUpStatus.SENT, sent_at__lte=now - REMIND_AFTER
    ).update(
        status=FollowUpStatus.REMINDED,
        reminded_at=now,
        token_hash=selectors.hash_token(token),
        expires_at=now + LINK_LIFETIME,
    )
    if not claimed:
        return False
    follow_up.refresh_from_db()
    _queue_follow_up_email(follow_up, token, is_reminder=True)
    return True


def run_follow_ups(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The daily round: create what is due, send new links, remind, then give up on the silent."""
    now = _now(now)
    today = timezone.localdate(now)
    created = schedule_follow_ups(today=today)
    objecting = objecting_people()
    to_send = (
        FollowUp.objects.filter(
            status=FollowUpStatus.SCHEDULED, due_date__lte=today, enrolment__person__email__gt=""
        )
        .exclude(enrolment__person__in=objecting)
        .values_list("pk", flat=True)
    )
    sent = sum(send_follow_up(follow_up_id=pk, now=now) for pk in list(to_send))
    to_remind = (
        FollowUp.objects.filter(status=FollowUpStatus.SENT, sent_at__lte=now - REMIND_AFTER)
        .exclude(enrolment__person__in=objecting)
        .values_list("pk", flat=True)
    )
    reminded = sum(remind_follow_up(follow_up_id=pk, now=now) for pk in list(to_remind))
    unreachable = FollowUp.objects.filter(
        status=FollowUpStatus.REMINDED, reminded_at__lte=now - UNREACHABLE_AFTER
    ).update(status=FollowUpStatus.UNREACHABLE)
    unreachable += FollowUp.objects.filter(
        status=FollowUpStatus.SCHEDULED,
        enrolment__person__email="",
        due_date__lte=today - UNREACHABLE_WITHOUT_EMAIL,
    ).update(status=FollowUpStatus.UNREACHABLE)
    if unreachable:
        figures.data_changed()  # updates send no signal
    return {"created": len(created), "sent": sent, "reminded": reminded, "unreachable": unreachable}


def check_follow_up_link(token: str, *, now: datetime.datetime | None = None) -> FollowUp:
    """The follow-up a personal link may answer, or FollowUpLinkError saying why not."""
    follow_up = selectors.follow_up_for_token(token)
    if follow_up is None:
        raise FollowUpLinkError("unknown")
    if follow_up.status in ANSWERED_STATUSES:
        raise FollowUpLinkError("answered")
    if follow_up.expires_at is None or follow_up.expires_at <= _now(now):
        raise FollowUpLinkError("expired")
    return follow_up


@transaction.atomic
def answer_follow_up(
    *, token: str, situation: str, note: str = "", now: datetime.datetime | None = None
) -> FollowUp:
    """Save a participant's own answer through their personal link; the link then stops working."""
    now = _now(now)
    follow_up = check_follow_up_link(token, now=now)
    follow_up.situation, follow_up.situation_note = situation, note.strip()
    follow_up.status, follow_up.answered_at = FollowUpStatus.ANSWERED, now
    follow_up.full_clean()
    # Two submissions of the same form: only the first one changes an open follow-up.
    answered = FollowUp.objects.filter(
        pk=follow_up.pk, status__in=[*OPEN_STATUSES, FollowUpStatus.UNREACHABLE]
    ).update(
        status=FollowUpStatus.ANSWERED,
        answered_at=now,
        situation=follow_up.situation,
        situation_note=follow_up.situation_note,
    )
    if not answered:
        raise FollowUpLinkError("answered")
    return follow_up


@transaction.atomic
def record_phone_follow_up(
    *,
    enrolment: Enrolment,
    wave: str,
    situation: str,
    note: str = "",
    today: datetime.date | None = None,
    by: Any,
) -> FollowUp:
    """A coordinator or facilitator reached the participant by phone and records their answer."""
    _check_can_manage(by, enrolment.cohort)
    follow_up = FollowUp.objects.select_for_update().filter(enrolment=enrolment, wave=wave).first()
    if follow_up is None:
        exit_ = Exit.objects.filter(enrolment=enrolment).first()
        reference = exit_.exit_date if exit_ else enrolment.cohort.end_date
        if reference is None:
            raise ValidationError(_("Record the participant's exit first."))
        follow_up = FollowUp(
            enrolment=enrolment,
            wave=Wave(wave),
            due_date=selectors.add_months(reference, WAVE_MONTHS[Wave(wave)]),
        )
    elif follow_up.status in ANSWERED_STATUSES:
        raise ValidationError(_("This follow-up is already answered."))
    follow_up.status, follow_up.situation, follow_up.situation_note = FollowUpStatus.PHONED, situation, note
    follow_up.answered_at, follow_up.recorded_by = timezone.now(), _actor(by)
    if today is not None:
        follow_up.answered_at = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    follow_up.full_clean()
    follow_up.save()
    audit.record(actor=_actor(by), action="flashcoop.follow_up.phone", target=enrolment, wave=wave)
    return follow_up
