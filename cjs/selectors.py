"""Reads of the CJS app: what each user may see (through programmes.access), and the season's figures."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cjs.choices import TURNOVER_STATUSES, ContractStatus, VoteChoice
from cjs.models import (
    Client,
    Contract,
    Decision,
    Expense,
    Meeting,
    ServiceRequest,
    SurplusDistribution,
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


def has_quorum(meeting: Meeting) -> bool:
    """At least ESSAIM_CJS_QUORUM of the CJS's current members attend (a CJS without members has none)."""
    members = current_members(meeting.cohort).count()
    if not members:
        return False
    present = meeting.attendees.filter(status__in=CURRENT_MEMBER_STATUSES).count()
    return Decimal(present) / Decimal(members) >= Decimal(str(settings.ESSAIM_CJS_QUORUM))


def decision_result(decision: Decision) -> dict[str, Any]:
    """Votes for, against and abstentions; adopted when more members vote for than against."""
    counts = dict(
        decision.votes.order_by()
        .values_list("choice")
        .annotate(count=Count("pk"))
        .values_list("choice", "count")
    )
    result: dict[str, Any] = {choice: counts.get(choice, 0) for choice in VoteChoice.values}
    result["is_adopted"] = result[VoteChoice.FOR] > result[VoteChoice.AGAINST]
    return result
