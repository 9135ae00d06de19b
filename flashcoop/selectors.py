"""Reads of the Flashcoop app: scoped cohorts and participants, the ESF rows, the experimentation
dashboard and the follow-up links. Each read runs a fixed number of queries whatever the row count."""

import calendar
import dataclasses
import datetime
import hashlib
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from flashcoop.choices import ANSWERED_STATUSES, Situation, Wave
from flashcoop.models import FollowUp
from programmes import access
from programmes.choices import STARTED_STATUSES, EnrolmentStatus
from programmes.models import Cohort, Edition, Enrolment
from programmes.models.people import age_on

PROGRAMME_SLUG = "flashcoop"
# Situations that count as "in employment" for the ESF's six-month result indicator.
EMPLOYMENT_SITUATIONS = {Situation.EMPLOYMENT, Situation.BUSINESS_CREATION, Situation.JOINED_CAE}


def hash_token(token: str) -> str:
    """What is stored of a personal link's token: its SHA-256, hex-encoded."""
    return hashlib.sha256(token.encode()).hexdigest()


def flashcoop_cohorts(user: Any) -> QuerySet[Cohort]:
    """Flashcoop cohorts this user runs (facilitator, coordinator in scope, national team)."""
    return (
        access.staffed_cohorts(user)
        .filter(edition__programme__slug=PROGRAMME_SLUG)
        .select_related("edition__programme", "department__region", "commune", "host")
    )


def flashcoop_enrolments(user: Any) -> QuerySet[Enrolment]:
    """Participants of the Flashcoop cohorts this user runs."""
    return Enrolment.objects.filter(
        cohort__in=access.staffed_cohorts(user), cohort__edition__programme__slug=PROGRAMME_SLUG
    )


def flashcoop_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(programme__slug=PROGRAMME_SLUG).order_by("-year")


def participants_of(cohort: Cohort) -> QuerySet[Enrolment]:
    """A cohort's participants with their entry profile, exit and follow-ups (three queries)."""
    return (
        cohort.enrolments.select_related("person", "entry_profile", "flashcoop_exit")
        .prefetch_related(Prefetch("flashcoop_follow_ups", queryset=FollowUp.objects.order_by("wave")))
        .order_by("person__last_name", "person__first_name", "pk")
    )


def follow_up_for_token(token: str) -> FollowUp | None:
    """The follow-up a personal link points to, or None for an unknown token."""
    if not token or len(token) > 100:
        return None
    return FollowUp.objects.filter(token_hash=hash_token(token)).first()


# --- ESF participant file -----------------------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def esf_rows(cohorts: QuerySet[Cohort]) -> list[dict[str, Any]]:
    """One row per participant who started, in our own codes (flashcoop/esf.py maps them per set)."""
    six_months = FollowUp.objects.filter(wave=Wave.M6)
    enrolments = (
        Enrolment.objects.filter(cohort__in=cohorts, status__in=STARTED_STATUSES)
        .select_related("person", "cohort__department", "entry_profile", "flashcoop_exit")
        .prefetch_related(Prefetch("flashcoop_follow_ups", queryset=six_months, to_attr="m6"))
        .order_by("cohort__start_date", "cohort__name", "person__last_name", "person__first_name", "pk")
    )
    rows = []
    for enrolment in enrolments:
        person, cohort = enrolment.person, enrolment.cohort
        profile = getattr(enrolment, "entry_profile", None)
        exit_ = getattr(enrolment, "flashcoop_exit", None)
        m6 = enrolment.m6[0] if enrolment.m6 else None  # type: ignore[attr-defined]
        m6_situation = m6.situation if m6 is not None and m6.status in ANSWERED_STATUSES else ""
        if not m6_situation:
            m6_employment = ""
        elif m6_situation == Situation.REFUSED:
            m6_employment = "refused"
        else:
            m6_employment = _yes_no(m6_situation in EMPLOYMENT_SITUATIONS)
        entry_date = cohort.start_date
        rows.append(
            {
                "participant_id": enrolment.pk,
                "last_name": person.last_name,
                "first_name": person.first_name,
                "gender": person.gender,
                "birth_date": person.birth_date,
                "age_at_entry": age_on(person.birth_date, entry_date)
                if person.birth_date and entry_date
                else None,
                "cohort": cohort.name,
                "department": cohort.department.code,
                "entry_date": entry_date,
                "employment_status": profile.employment_status if profile else "",
                "education_level": profile.education_level if profile else "",
                "minimum_income": profile.minimum_income if profile else "",
                "qpv_resident": profile.qpv_resident if profile else "",
                "rural": profile.rural if profile else "",
                "disability": profile.disability if profile else "",
                "referrer": profile.referrer if profile else "",
                "exit_date": exit_.exit_date if exit_ else None,
                "exit_completed": _yes_no(exit_.is_completed) if exit_ else "",
                "early_reason": exit_.early_reason if exit_ else "",
                "exit_situation": exit_.situation if exit_ else "",
                "m6_status": m6.status if m6 else "",
                "m6_situation": m6_situation,
                "m6_employment": m6_employment,
            }
        )
    return rows


# --- Experimentation dashboard ------------------------------------------------------------------------


@dataclasses.dataclass
class SituationCounts:
    """How many people are in each situation, out of n who answered."""

    counts: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def add(self, situation: str, count: int = 1) -> None:
        self.counts[situation] = self.counts.get(situation, 0) + count

    def share(self, situation: str) -> float | None:
        return self.counts.get(situation, 0) / self.n if self.n else None


@dataclasses.dataclass
class DashboardRow:
    """One line of the experimentation dashboard: a cohort, or every cohort together."""

    label: str
    cohort: Cohort | None
    participants: int = 0
    completed: int = 0
    exits: int = 0
    at_exit: SituationCounts = dataclasses.field(default_factory=SituationCounts)
    at_m6: SituationCounts = dataclasses.field(default_factory=SituationCounts)
    m6_asked: int = 0

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.exits if self.exits else None


def edition_dashboard(cohorts: QuerySet[Cohort], *, overall_label: str) -> list[DashboardRow]:
    """Participants, completion and situations at exit and at six months, per cohort then overall
    (four queries whatever the number of cohorts and people)."""
    cohort_list = list(cohorts.order_by("start_date", "name"))
    rows = {cohort.pk: DashboardRow(label=cohort.name, cohort=cohort) for cohort in cohort_list}
    started = Enrolment.objects.filter(cohort__in=cohorts, status__in=STARTED_STATUSES)
    participant_counts: Counter[int] = Counter(started.values_list("cohort_id", flat=True))
    exits = started.filter(flashcoop_exit__isnull=False).values_list(
        "cohort_id", "flashcoop_exit__is_completed", "flashcoop_exit__situation"
    )
    follow_ups = FollowUp.objects.filter(enrolment__in=started, wave=Wave.M6).values_list(
        "enrolment__cohort_id", "status", "situation"
    )
    for cohort_id, count in participant_counts.items():
        rows[cohort_id].participants = count
    for cohort_id, is_completed, situation in exits:
        row = rows[cohort_id]
        row.exits += 1
        row.completed += int(is_completed)
        row.at_exit.add(situation)
    for cohort_id, status, situation in follow_ups:
        row = rows[cohort_id]
        row.m6_asked += 1
        if status in ANSWERED_STATUSES:
            row.at_m6.add(situation)
    overall = DashboardRow(label=overall_label, cohort=None)
    for row in rows.values():
        overall.participants += row.participants
        overall.completed += row.completed
        overall.exits += row.exits
        overall.m6_asked += row.m6_asked
        for situation, count in row.at_exit.counts.items():
            overall.at_exit.add(situation, count)
        for situation, count in row.at_m6.counts.items():
            overall.at_m6.add(situation, count)
    return [*rows.values(), overall]


# --- Follow-up scheduling ------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Aug + 3 = 30 Nov)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_candidates(
    *, earliest_exit: datetime.date, latest_exit: datetime.date
) -> list[tuple[Enrolment, datetime.date]]:
    """Flashcoop participants who started and left (or whose cohort ended) between two dates, with the
    date the follow-ups count from: their exit date, else the cohort's end date."""
    in_window = Q(flashcoop_exit__exit_date__range=(earliest_exit, latest_exit)) | Q(
        flashcoop_exit__isnull=True, cohort__end_date__range=(earliest_exit, latest_exit)
    )
    enrolments = (
        Enrolment.objects.filter(
            in_window,
            cohort__edition__programme__slug=PROGRAMME_SLUG,
            status__in=[*STARTED_STATUSES],
        )
        .exclude(status=EnrolmentStatus.ENROLLED, flashcoop_exit__isnull=True)
        .select_related("flashcoop_exit", "cohort")
        .order_by("pk")
    )
    result = []
    for enrolment in enrolments:
        exit_ = getattr(enrolment, "flashcoop_exit", None)
        reference = exit_.exit_date if exit_ is not None else enrolment.cohort.end_date
        if reference is not None:
            result.append((enrolment, reference))
    return result


def follow_ups_by_enrolment(enrolment_ids: list[int]) -> dict[int, set[str]]:
    existing: dict[int, set[str]] = defaultdict(set)
    for enrolment_id, wave in FollowUp.objects.filter(enrolment_id__in=enrolment_ids).values_list(
        "enrolment_id", "wave"
    ):
        existing[enrolment_id].add(wave)
    return existing
