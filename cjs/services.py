"""Writes of the CJS app: clients, the contract lifecycle, invoicing, expenses and the surplus
distribution. Views, API, admin, imports and seeders all call these; each one checks that the acting
user runs the CJS, validates before saving and runs in one transaction."""

import datetime
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cjs import selectors
from cjs.choices import ContractStatus, DistributionMethod
from cjs.models import (
    Client,
    Contract,
    DistributionShare,
    Expense,
    InvoiceSequence,
    SurplusDistribution,
    WorkLog,
)
from programmes import audit
from programmes.access import can_manage_cohort
from programmes.choices import EnrolmentStatus
from programmes.models import Cohort, Enrolment, Organisation

CENT = Decimal("0.01")
# Members who share equally: those still in the CJS at the end of the season.
SHARING_STATUSES = [EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED]

WorkLogEntry = tuple[Enrolment, datetime.date, Decimal]


def _check_can_manage(by: Any, cohort: Cohort) -> None:
    """`by=None` is the system (imports from the command line, seeders); anyone else must run the CJS."""
    if by is not None and not can_manage_cohort(by, cohort):
        raise ValidationError(_("You do not run this CJS."))


def _actor(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


@transaction.atomic
def create_client(
    *,
    cohort: Cohort,
    kind: str,
    name: str,
    contact_name: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    by: Any,
) -> Client:
    """Add a client to a CJS's address book."""
    _check_can_manage(by, cohort)
    client = Client(
        cohort=cohort,
        kind=kind,
        name=name,
        contact_name=contact_name,
        email=email,
        phone=phone,
        address=address,
    )
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def create_quote(
    *,
    cohort: Cohort,
    client: Client,
    service: str,
    start_date: datetime.date,
    price: Decimal,
    description: str = "",
    end_date: datetime.date | None = None,
    hours: Decimal | None = None,
    on: datetime.date | None = None,
    by: Any,
) -> Contract:
    """Write a quote (devis) for a client: the first step of every contract."""
    _check_can_manage(by, cohort)
    contract = Contract(
        cohort=cohort,
        client=client,
        service=service,
        description=description,
        start_date=start_date,
        end_date=end_date,
        price=price,
        hours=hours,
        status=ContractStatus.QUOTE,
        quoted_date=on or timezone.localdate(),
        created_by=_actor(by),
    )
    contract.full_clean()
    contract.save()
    audit.record(actor=by, action="cjs.contract.quote", target=contract)
    return contract


def _lock(contract: Contract, by: Any) -> None:
    """Lock the contract's row and reload it, so two people cannot move it at the same moment."""
    contract.refresh_from_db(from_queryset=Contract.objects.select_for_update())
    _check_can_manage(by, contract.cohort)


def _move(contract: Contract, status: str, on: datetime.date | None, by: Any, *extra_fields: str) -> Contract:
    fields = contract.transition_to(status, on=on or timezone.localdate())
    contract.full_clean()
    contract.save(update_fields=[*fields, *extra_fields])
    audit.record(actor=by, action=f"cjs.contract.{status}", target=contract)
    return contract


@transaction.atomic
def accept_quote(*, contract: Contract, on: datetime.date | None = None, by: Any) -> Contract:
    """The client accepted the quote: the work can be planned."""
    _lock(contract, by)
    return _move(contract, ContractStatus.ACCEPTED, on, by)


@transaction.atomic
def mark_done(
    *,
    contract: Contract,
    work_logs: Iterable[WorkLogEntry],
    on: datetime.date | None = None,
    by: Any,
) -> Contract:
    """The work is done: record who worked, which day and how many hours."""
    _lock(contract, by)
    fields = contract.transition_to(ContractStatus.DONE, on=on or timezone.localdate())
    logs = [
        WorkLog(contract=contract, enrolment=enrolment, work_date=work_date, hours=Decimal(hours))
        for enrolment, work_date, hours in work_logs
    ]
    if not logs and contract.hours is None:
        raise ValidationError({"work_logs": _("Give the hours each member worked on this contract.")})
    seen: set[tuple[int, datetime.date]] = set()
    for log in logs:
        key = (log.enrolment.pk, log.work_date)
        if key in seen:
            raise ValidationError(
                {
                    "work_logs": _("%(member)s is given twice on %(date)s.")
                    % {"member": log.enrolment.person, "date": log.work_date.strftime("%d/%m/%Y")}
                }
            )
        seen.add(key)
        # The database's constraints stand behind the batch; clean() checks membership and the hours.
        log.full_clean(validate_constraints=False)
    WorkLog.objects.bulk_create(logs)
    contract.full_clean()
    contract.save(update_fields=fields)
    audit.record(actor=by, action="cjs.contract.done", target=contract, work_logs=len(logs))
    return contract


def _next_invoice_number(organisation: Organisation, year: int) -> str:
    """The next number of this host organisation's invoices for the year, gap-free: the sequence row is
    locked until the invoicing transaction ends, and rolls back with it."""
    InvoiceSequence.objects.get_or_create(organisation=organisation, year=year)
    sequence = InvoiceSequence.objects.select_for_update().get(organisation=organisation, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return InvoiceSequence.format(year, sequence.last_number)


@transaction.atomic
def invoice_contract(*, contract: Contract, on: datetime.date | None = None, by: Any) -> Contract:
    """Invoice a done contract through the CJS's host organisation, with its next invoice number."""
    _lock(contract, by)
    on = on or timezone.localdate()
    fields = contract.transition_to(ContractStatus.INVOICED, on=on)
    host = contract.cohort.host
    if host is None:
        raise ValidationError(_("This CJS has no host organisation to invoice through."))
    contract.invoice_issuer = host
    contract.invoice_number = _next_invoice_number(host, on.year)
    contract.full_clean()
    contract.save(update_fields=[*fields, "invoice_issuer", "invoice_number"])
    audit.record(actor=by, action="cjs.contract.invoiced", target=contract, number=contract.invoice_number)
    return contract


@transaction.atomic
def record_payment(*, contract: Contract, on: datetime.date | None = None, by: Any) -> Contract:
    """The client paid the invoice."""
    _lock(contract, by)
    return _move(contract, ContractStatus.PAID, on, by)


@transaction.atomic
def cancel_contract(
    *, contract: Contract, reason: str = "", on: datetime.date | None = None, by: Any
) -> Contract:
    """Cancel a contract before it is invoiced (an invoice is cancelled by a credit note, not here)."""
    _lock(contract, by)
    contract.cancellation_reason = reason
    return _move(contract, ContractStatus.CANCELLED, on, by, "cancellation_reason")


@transaction.atomic
def add_expense(
    *, cohort: Cohort, expense_date: datetime.date, label: str, amount: Decimal, by: Any
) -> Expense:
    """Record what the CJS spent; it is deducted before the surplus is shared."""
    _check_can_manage(by, cohort)
    expense = Expense(
        cohort=cohort, expense_date=expense_date, label=label, amount=amount, created_by=_actor(by)
    )
    expense.full_clean()
    expense.save()
    return expense


def split_largest_remainder(amount: Decimal, weights: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Split an amount of euros in proportion to the weights, each part rounded to the cent and the
    parts adding up exactly to the amount (largest remainder method; ties go to the smaller key)."""
    if amount < 0 or amount != amount.quantize(CENT):
        raise ValueError("The amount must be a non-negative number of cents.")
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("Weights cannot be negative.")
    total = sum((Fraction(weight) for weight in weights.values()), Fraction(0))
    if not total:
        raise ValueError("At least one weight must be positive.")
    cents = int(amount * 100)
    quotas = {key: cents * Fraction(weight) / total for key, weight in weights.items()}
    parts = {key: math.floor(quota) for key, quota in quotas.items()}
    left = cents - sum(parts.values())
    by_remainder = sorted(quotas, key=lambda key: (-(quotas[key] - parts[key]), key))
    for key in by_remainder[:left]:
        parts[key] += 1
    return {key: (Decimal(part) / 100).quantize(CENT) for key, part in parts.items()}


@transaction.atomic
def distribute_surplus(
    *,
    cohort: Cohort,
    method: str,
    reserve: Decimal,
    decided_date: datetime.date | None = None,
    by: Any,
) -> SurplusDistribution:
    """The assembly shares the season's surplus: turnover - expenses - reserve, by hours worked or
    equally among the members still in the CJS, every share to the cent and adding up exactly."""
    _check_can_manage(by, cohort)
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    if SurplusDistribution.objects.filter(cohort=cohort).exists():
        raise ValidationError(_("The surplus of this CJS has already been distributed."))
    method = DistributionMethod(method)
    reserve = Decimal(reserve)
    if reserve < 0 or reserve != reserve.quantize(CENT):
        raise ValidationError({"reserve": _("The reserve is a positive amount in euros and cents.")})
    reserve = reserve.quantize(CENT)
    turnover = selectors.cohort_turnover(cohort)
    expenses = selectors.cohort_expenses(cohort)
    distributed = turnover - expenses - reserve
    if distributed < 0:
        raise ValidationError(
            _(
                "Nothing to distribute: the turnover (%(turnover)s €) minus the expenses (%(expenses)s €) "
                "and the reserve (%(reserve)s €) leaves %(amount)s €. Lower the reserve."
            )
            % {"turnover": turnover, "expenses": expenses, "reserve": reserve, "amount": distributed}
        )
    hours = selectors.hours_by_member(cohort)
    if method == DistributionMethod.BY_HOURS:
        if not hours:
            raise ValidationError(
                {"method": _("No hours were recorded for this CJS: share equally or record the hours first.")}
            )
        weights = hours
    else:
        members = list(
            cohort.enrolments.filter(status__in=SHARING_STATUSES).order_by("pk").values_list("pk", flat=True)
        )
        if not members:
            raise ValidationError({"method": _("This CJS has no active member to share with.")})
        weights = dict.fromkeys(members, Decimal(1))
    amounts = split_largest_remainder(distributed, weights)
    distribution = SurplusDistribution(
        cohort=cohort,
        decided_date=decided_date or timezone.localdate(),
        method=method,
        turnover=turnover,
        expenses=expenses,
        reserve=reserve,
        distributed=distributed,
        created_by=_actor(by),
    )
    distribution.full_clean()
    distribution.save()
    DistributionShare.objects.bulk_create(
        DistributionShare(
            distribution=distribution,
            enrolment_id=enrolment_id,
            hours=hours.get(enrolment_id, Decimal(0)),
            amount=amount,
        )
        for enrolment_id, amount in sorted(amounts.items())
    )
    audit.record(actor=by, action="cjs.surplus.distribute", target=distribution, amount=str(distributed))
    return distribution
