"""Reads of the CJS app: what each user may see (through programmes.access), and the season's figures."""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cjs.choices import TURNOVER_STATUSES, ContractStatus, VoteChoice
from cjs.models import (
    Client,
    Committee,
    Contract,
    Decision,
    Expense,
    Meeting,
    ServiceRequest,
    SurplusDistribution,
    Vote,
    WorkLog,
)
from programmes import access
from programmes.choices import CohortStatus
from programmes.models import Cohort, Enrolment
from programmes.selectors import CURRENT_MEMBER_STATUSES

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(value: Decimal | None) -> str:
    """The API's shape for money (DESIGN §5): a decimal string with two places, "260000.00"."""
    return str((value or ZERO).quantize(CENT))


def _cents(value: Decimal | None) -> Decimal:
    """Sums to the cent (SQLite adds decimals as floats)."""
    return (value or ZERO).quantize(CENT)


def visible_clients(user: Any) -> QuerySet[Client]:
    """Clients of the CJS the user works on (a facilitator's own cohorts, a coordinator's scope)."""
    return Client.objects.filter(cohort__in=access.staffed_cohorts(user))


def visible_contracts(user: Any) -> QuerySet[Contract]:
    """Contracts of the CJS the user works on: they name clients, so partners and members see none."""
    return Contract.objects.filter(cohort__in=access.staffed_cohorts(user))


def visible_expenses(user: Any) -> QuerySet[Expense]:
    return Expense.objects.filter(cohort__in=access.staffed_cohorts(user))


def visible_distributions(user: Any) -> QuerySet[SurplusDistribution]:
    return SurplusDistribution.objects.filter(cohort__in=access.staffed_cohorts(user))


def worked_hours() -> Coalesce:
    """A contract's hours: the sum of its work logs, else its own hours (imported contracts), else 0."""
    logged = (
        WorkLog.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(
        Subquery(logged, output_field=DecimalField(max_digits=9, decimal_places=2)),
        "hours",
        Value(ZERO),
        output_field=DecimalField(max_digits=9, decimal_places=2),
    )


def turnover_figures(cohorts: QuerySet[Cohort]) -> dict[str, Any]:
    """Turnover, number and hours of the invoiced or paid contracts of these cohorts, in one query."""
    row = (
        Contract.objects.filter(cohort__in=cohorts.values("pk"), status__in=TURNOVER_STATUSES)
        .annotate(worked=worked_hours())
        .aggregate(turnover=Sum("price"), contracts=Count("pk"), hours=Sum("worked"))
    )
    return {
        "turnover": _cents(row["turnover"]),
        "contracts": row["contracts"],
        "hours": _cents(row["hours"]),
    }


def turnover_by_cohort(cohorts: QuerySet[Cohort]) -> dict[int, Decimal]:
    """Each cohort's part of the turnover (one query), for the dominance rule of published money figures."""
    rows = (
        Contract.objects.filter(cohort__in=cohorts.values("pk"), status__in=TURNOVER_STATUSES)
        .order_by()
        .values("cohort_id")
        .annotate(total=Sum("price"))
    )
    return {row["cohort_id"]: _cents(row["total"]) for row in rows}


def hours_by_cohort(cohorts: QuerySet[Cohort]) -> dict[int, Decimal]:
    """Each cohort's part of the hours worked on invoiced or paid contracts (one query)."""
    rows = (
        Contract.objects.filter(cohort__in=cohorts.values("pk"), status__in=TURNOVER_STATUSES)
        .annotate(worked=worked_hours())
        .order_by()
        .values("cohort_id")
        .annotate(total=Sum("worked"))
    )
    return {row["cohort_id"]: _cents(row["total"]) for row in rows}


def statistics(cohorts: QuerySet[Cohort]) -> dict[str, Any]:
    """The CJS keys of the statistics endpoint (registered as a contributor for the cjs programme)."""
    figures = turnover_figures(cohorts)
    cohort_count = cohorts.count()
    per_cohort = figures["turnover"] / cohort_count if cohort_count else ZERO
    return {
        "turnover_eur": money(figures["turnover"]),
        "turnover_per_cohort_eur": money(per_cohort),
        "contracts": figures["contracts"],
        "hours_worked": float(figures["hours"].quantize(CENT)),
    }


def cohort_turnover(cohort: Cohort) -> Decimal:
    """The chiffre d'affaires of one CJS: prices of its invoiced and paid contracts."""
    total: Decimal | None = Contract.objects.filter(cohort=cohort, status__in=TURNOVER_STATUSES).aggregate(
        total=Sum("price")
    )["total"]
    return _cents(total)


def cohort_expenses(cohort: Cohort) -> Decimal:
    total: Decimal | None = Expense.objects.filter(cohort=cohort).aggregate(total=Sum("amount"))["total"]
    return _cents(total)


def hours_by_member(cohort: Cohort) -> dict[int, Decimal]:
    """Enrolment id → hours logged on the CJS's contracts (cancelled contracts left out)."""
    rows = (
        WorkLog.objects.filter(contract__cohort=cohort)
        .exclude(contract__status=ContractStatus.CANCELLED)
        .order_by()
        .values("enrolment_id")
        .annotate(total=Sum("hours"))
    )
    return {row["enrolment_id"]: _cents(row["total"]) for row in rows if row["total"]}


def season_summary(cohort: Cohort) -> dict[str, Any]:
    """What the assembly reads at the end of the season: turnover, hours, expenses, distribution."""
    figures = turnover_figures(Cohort.objects.filter(pk=cohort.pk))
    expenses = list(Expense.objects.filter(cohort=cohort).order_by("expense_date", "pk"))
    status_counts = dict(
        Contract.objects.filter(cohort=cohort)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    distribution = (
        SurplusDistribution.objects.filter(cohort=cohort)
        .prefetch_related("shares__enrolment__person")
        .first()
    )
    total_expenses = sum((expense.amount for expense in expenses), ZERO)
    return {
        "cohort": cohort,
        "turnover": figures["turnover"],
        "invoiced_contracts": figures["contracts"],
        "hours": figures["hours"],
        "status_counts": [
            (ContractStatus(status).label, status_counts.get(status, 0)) for status in ContractStatus.values
        ],
        "expenses": expenses,
        "total_expenses": total_expenses,
        "result": figures["turnover"] - total_expenses,
        "distribution": distribution,
    }


def public_cohorts() -> QuerySet[Cohort]:
    """CJS a visitor may order from or apply to: every CJS-programme cohort that is not cancelled."""
    return (
        Cohort.objects.filter(edition__programme__slug="cjs")
        .exclude(status=CohortStatus.CANCELLED)
        .select_related("edition__programme", "commune", "department")
    )


def managed_cjs(user: Any) -> QuerySet[Cohort]:
    """CJS whose business screens this user may open: their staffed cohorts of the CJS programme."""
    return access.staffed_cohorts(user).filter(edition__programme__slug="cjs")


def visible_service_requests(user: Any) -> QuerySet[ServiceRequest]:
    """Requests sent to the CJS the user works on (they carry the requester's name and contact)."""
    return ServiceRequest.objects.filter(cohort__in=access.staffed_cohorts(user))


def cohort_requests(cohort: Cohort) -> QuerySet[ServiceRequest]:
    """A CJS's requests, latest first."""
    return (
        ServiceRequest.objects.filter(cohort=cohort).select_related("contract").order_by("-created_at", "-pk")
    )


def cohort_contracts(cohort: Cohort) -> QuerySet[Contract]:
    """A CJS's contracts with their client and hours worked, for the facilitator's list."""
    return (
        Contract.objects.filter(cohort=cohort)
        .select_related("client")
        .annotate(worked=worked_hours())
        .order_by("-start_date", "-pk")
    )


def current_members(cohort: Cohort) -> QuerySet[Enrolment]:
    """Members who can log hours, attend and vote: enrolled or active."""
    return (
        cohort.enrolments.filter(role=Enrolment.Role.MEMBER, status__in=CURRENT_MEMBER_STATUSES)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


# --- Governance ----------------------------------------------------------------------------------------


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    """Assemblies and committee meetings of the CJS the user works on (they name who attended)."""
    return Meeting.objects.filter(cohort__in=access.staffed_cohorts(user))


def visible_decisions(user: Any) -> QuerySet[Decision]:
    """Decisions of those meetings, with how each member voted."""
    return Decision.objects.filter(meeting__cohort__in=access.staffed_cohorts(user))


def visible_committees(user: Any) -> QuerySet[Committee]:
    return Committee.objects.filter(cohort__in=access.staffed_cohorts(user))


def member_votes() -> QuerySet[Vote]:
    """Votes with the member's name, by name."""
    return Vote.objects.select_related("enrolment__person").order_by(
        "enrolment__person__last_name", "enrolment__person__first_name", "pk"
    )


def _people_first(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.select_related("person").order_by("person__last_name", "person__first_name", "pk")


def with_governance_details(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Meetings with their committee, attendees, decisions and every decision's votes, in a fixed number
    of queries whatever the number of meetings."""
    decisions = Decision.objects.order_by("pk").prefetch_related(Prefetch("votes", queryset=member_votes()))
    return meetings.select_related("committee", "cohort").prefetch_related(
        Prefetch("attendees", queryset=_people_first(Enrolment.objects.all())),
        Prefetch("decisions", queryset=decisions),
    )


def cohort_meetings(cohort: Cohort) -> QuerySet[Meeting]:
    """A CJS's assemblies and committee meetings, latest first, with what the list shows."""
    return with_governance_details(Meeting.objects.filter(cohort=cohort)).order_by("-meeting_date", "-pk")


def with_members(committees: QuerySet[Committee]) -> QuerySet[Committee]:
    return committees.prefetch_related(Prefetch("members", queryset=_people_first(Enrolment.objects.all())))


def cohort_committees(cohort: Cohort) -> QuerySet[Committee]:
    """A CJS's committees with their members, by name."""
    return with_members(Committee.objects.filter(cohort=cohort)).order_by("name", "pk")


@dataclass(frozen=True)
class Quorum:
    """Who counts for a meeting's quorum: the members present, the members of the body that meets (the
    whole CJS for an assembly, the committee for a committee meeting) and how many must attend."""

    present: int
    members: int
    required: int

    @property
    def is_reached(self) -> bool:
        return self.members > 0 and self.present >= self.required


def quorum_share() -> str:
    """ESSAIM_CJS_QUORUM as a percentage to show ("50", "66.7")."""
    share = (Decimal(str(settings.ESSAIM_CJS_QUORUM)) * 100).quantize(Decimal("0.1"))
    return f"{share:f}".removesuffix(".0")


def quorum_required(members: int) -> int:
    """The number of members who must attend: ESSAIM_CJS_QUORUM of them, rounded up."""
    return math.ceil(Decimal(members) * Decimal(str(settings.ESSAIM_CJS_QUORUM)))


def meeting_quorums(meetings: Iterable[Meeting]) -> dict[int, Quorum]:
    """The quorum of each meeting, in at most three queries. Only current members count: those of the
    CJS for an assembly, those of the committee for a committee meeting; members who left count for
    neither the attendance nor the total."""
    meetings = list(meetings)
    if not meetings:
        return {}
    current = {"enrolment__role": Enrolment.Role.MEMBER, "enrolment__status__in": CURRENT_MEMBER_STATUSES}
    assembly_cohorts = {meeting.cohort_id for meeting in meetings if meeting.committee_id is None}
    committee_ids = {meeting.committee_id for meeting in meetings if meeting.committee_id is not None}
    cohort_sizes: dict[int, int] = {}
    if assembly_cohorts:
        cohort_sizes = dict(
            Enrolment.objects.filter(
                cohort_id__in=assembly_cohorts,
                role=Enrolment.Role.MEMBER,
                status__in=CURRENT_MEMBER_STATUSES,
            )
            .order_by()
            .values_list("cohort_id")
            .annotate(count=Count("pk"))
            .values_list("cohort_id", "count")
        )
    committee_members: dict[int, set[int]] = defaultdict(set)
    if committee_ids:
        memberships = Committee.members.through.objects.filter(committee_id__in=committee_ids, **current)
        for committee_id, enrolment_id in memberships.values_list("committee_id", "enrolment_id"):
            committee_members[committee_id].add(enrolment_id)
    present: dict[int, set[int]] = defaultdict(set)
    attendance = Meeting.attendees.through.objects.filter(
        meeting_id__in=[meeting.pk for meeting in meetings], **current
    )
    for meeting_id, enrolment_id in attendance.values_list("meeting_id", "enrolment_id"):
        present[meeting_id].add(enrolment_id)
    quorums = {}
    for meeting in meetings:
        if meeting.committee_id is not None:
            body = committee_members[meeting.committee_id]
            attending, members = len(present[meeting.pk] & body), len(body)
        else:
            attending, members = len(present[meeting.pk]), cohort_sizes.get(meeting.cohort_id, 0)
        quorums[meeting.pk] = Quorum(present=attending, members=members, required=quorum_required(members))
    return quorums


def meeting_quorum(meeting: Meeting) -> Quorum:
    return meeting_quorums([meeting])[meeting.pk]


def has_quorum(meeting: Meeting) -> bool:
    """At least ESSAIM_CJS_QUORUM of the body's current members attend (a body without members has none)."""
    return meeting_quorum(meeting).is_reached


def voters(meeting: Meeting) -> QuerySet[Enrolment]:
    """Who may vote in this meeting: its attendees who are current members of the body that meets."""
    present = meeting.attendees.filter(role=Enrolment.Role.MEMBER, status__in=CURRENT_MEMBER_STATUSES)
    if meeting.committee_id is not None:
        present = present.filter(cjs_committees=meeting.committee_id)
    return _people_first(present)


def is_adopted(votes_for: int, votes_against: int) -> bool:
    """A decision is adopted when more members vote for than against (abstentions do not count)."""
    return votes_for > votes_against


@dataclass(frozen=True)
class Tally:
    """The votes of a decision: for, against, abstentions, and whether it passed."""

    votes_for: int
    votes_against: int
    abstentions: int

    @property
    def is_adopted(self) -> bool:
        return is_adopted(self.votes_for, self.votes_against)

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions


def tally(votes: Iterable[Vote]) -> Tally:
    """Count votes already loaded (a decision's prefetched votes): no query."""
    choices = [vote.choice for vote in votes]
    return Tally(
        votes_for=choices.count(VoteChoice.FOR),
        votes_against=choices.count(VoteChoice.AGAINST),
        abstentions=choices.count(VoteChoice.ABSTENTION),
    )


def decision_result(decision: Decision) -> dict[str, Any]:
    """Votes for, against and abstentions; adopted when more members vote for than against."""
    counts = dict(
        decision.votes.order_by()
        .values_list("choice")
        .annotate(count=Count("pk"))
        .values_list("choice", "count")
    )
    result: dict[str, Any] = {choice: counts.get(choice, 0) for choice in VoteChoice.values}
    result["is_adopted"] = is_adopted(result[VoteChoice.FOR], result[VoteChoice.AGAINST])
    return result
