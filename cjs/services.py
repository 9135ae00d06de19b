"""Writes of the CJS app: clients, the contract lifecycle, invoicing, expenses and the surplus
distribution. Views, API, admin, imports and seeders all call these; each one checks that the acting
user runs the CJS, validates before saving and runs in one transaction."""

import datetime
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cjs import selectors
from cjs.choices import (
    ClientKind,
    ContractStatus,
    DistributionMethod,
    MeetingKind,
    ServiceRequestStatus,
    VoteChoice,
)
from cjs.models import (
    Client,
    Committee,
    Contract,
    Decision,
    DistributionShare,
    Expense,
    InvoiceSequence,
    Meeting,
    ServiceRequest,
    SurplusDistribution,
    Vote,
    WorkLog,
)
from programmes import audit, tasks
from programmes import services as programme_services
from programmes.access import require_can_manage
from programmes.choices import ConsentKind, EnrolmentStatus
from programmes.models import (
    Cohort,
    Consent,
    Enrolment,
    FacilitatorAssignment,
    Guardian,
    Organisation,
    Person,
)
from programmes.selectors import CURRENT_MEMBER_STATUSES
from programmes.text import normalise

CENT = Decimal("0.01")
# Members who share equally: those still in the CJS at the end of the season.
SHARING_STATUSES = [EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED]

WorkLogEntry = tuple[Enrolment, datetime.date, Decimal]


def _check_can_manage(by: Any, cohort: Cohort) -> None:
    """`by=None` is the system (imports from the command line, seeders); anyone else must run the CJS."""
    require_can_manage(by, cohort, message=_("You do not run this CJS."))


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


# --- Public forms: service requests and applications -------------------------------------------------


def _facilitator_emails(cohort: Cohort) -> list[str]:
    emails = FacilitatorAssignment.objects.filter(cohort=cohort).values_list("user__email", flat=True)
    return sorted({email for email in emails if email})


def _absolute(path: str) -> str:
    return str(settings.WAGTAILADMIN_BASE_URL).rstrip("/") + path


def _queue_email(
    *, template: str, context: dict[str, Any], to: list[str], language: str | None = None
) -> None:
    """Render an e-mail now (in the given language, else the current one) and send it after commit."""
    if not to:
        return
    with translation.override(language or translation.get_language()):
        subject = "".join(render_to_string(f"cjs/email/{template}_subject.txt", context).splitlines())
        body = render_to_string(f"cjs/email/{template}.txt", context)
    transaction.on_commit(lambda: tasks.send_email.delay(subject=subject, body=body, to=to))


@transaction.atomic
def submit_service_request(
    *,
    cohort: Cohort,
    client_kind: str,
    name: str,
    email: str = "",
    phone: str = "",
    commune: str,
    address: str = "",
    service: str,
    description: str,
    wished_start_date: datetime.date,
    wished_end_date: datetime.date | None = None,
) -> ServiceRequest:
    """A visitor asks a CJS for a service: its facilitators are told, the visitor gets an acknowledgement."""
    service_request = ServiceRequest(
        cohort=cohort,
        client_kind=client_kind,
        name=name,
        email=email,
        phone=phone,
        commune=commune,
        address=address,
        service=service,
        description=description,
        wished_start_date=wished_start_date,
        wished_end_date=wished_end_date,
    )
    service_request.full_clean()
    service_request.save()
    context = {
        "cohort": cohort,
        "request": service_request,
        "url": _absolute(reverse("cjs:requests", args=[cohort.pk])),
    }
    _queue_email(
        template="request_facilitators",
        context=context,
        to=_facilitator_emails(cohort),
        language=settings.LANGUAGE_CODE,
    )
    if email:
        _queue_email(template="request_acknowledgement", context=context, to=[email])
    return service_request


@transaction.atomic
def apply_to_cohort(
    *,
    cohort: Cohort,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    email: str = "",
    phone: str = "",
    guardian_name: str = "",
    guardian_email: str = "",
    guardian_phone: str = "",
    has_consented: bool,
) -> Enrolment:
    """A young person applies to join a CJS: an `applied` enrolment, with their consent to data
    processing and, for a minor at the CJS's start, a guardian to contact."""
    errors: dict[str, list[str]] = {}
    if not has_consented:
        errors["consent"] = [_("Your consent to the processing of your data is needed to apply.")]
    if not email and not phone:
        errors["email"] = [_("Give an e-mail address or a phone number so the CJS can answer you.")]
    person = Person(
        first_name=first_name, last_name=last_name, birth_date=birth_date, email=email, phone=phone
    )
    is_minor = person.is_minor_on(cohort.reference_date)
    if is_minor:
        if not guardian_name:
            errors["guardian_name"] = [_("Under 18, give the name of a parent or guardian.")]
        if not guardian_email and not guardian_phone:
            errors["guardian_email"] = [_("Under 18, give your parent's or guardian's e-mail or phone.")]
    if errors:
        raise ValidationError(errors)
    person.full_clean()
    person.save()
    if guardian_name:
        guardian = Guardian(person=person, name=guardian_name, email=guardian_email, phone=guardian_phone)
        guardian.full_clean()
        guardian.save()
    consent = Consent(
        person=person,
        kind=ConsentKind.DATA_PROCESSING,
        given_by=f"{first_name} {last_name}",
        given_date=timezone.localdate(),
    )
    consent.full_clean()
    consent.save()
    enrolment = programme_services.enrol_person(person=person, cohort=cohort, status=EnrolmentStatus.APPLIED)
    context = {
        "cohort": cohort,
        "person": person,
        "is_minor": is_minor,
        "url": _absolute(reverse("programmes:cohort_detail", args=[cohort.pk])),
    }
    _queue_email(
        template="application_facilitators",
        context=context,
        to=_facilitator_emails(cohort),
        language=settings.LANGUAGE_CODE,
    )
    if email:
        _queue_email(template="application_acknowledgement", context=context, to=[email])
    return enrolment


def _client_for(service_request: ServiceRequest, by: Any) -> Client:
    """The requester's client record in this CJS: the existing one of that name, else a new one."""
    existing = Client.objects.filter(
        cohort=service_request.cohort, normalised_name=normalise(service_request.name)
    ).first()
    if existing is not None:
        return existing
    address = "\n".join(part for part in [service_request.address, service_request.commune] if part)
    return create_client(
        cohort=service_request.cohort,
        kind=service_request.client_kind,
        name=service_request.name,
        contact_name=service_request.name if service_request.client_kind != ClientKind.INDIVIDUAL else "",
        email=service_request.email,
        phone=service_request.phone,
        address=address,
        by=by,
    )


def _lock_request(service_request: ServiceRequest, by: Any) -> None:
    service_request.refresh_from_db(from_queryset=ServiceRequest.objects.select_for_update())
    _check_can_manage(by, service_request.cohort)
    if service_request.status != ServiceRequestStatus.NEW:
        raise ValidationError(_("This request has already been answered."))


@transaction.atomic
def quote_service_request(
    *,
    service_request: ServiceRequest,
    price: Decimal,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    description: str = "",
    by: Any,
) -> Contract:
    """Turn a visitor's request into a quote: the client is created (or found) and the quote written."""
    _lock_request(service_request, by)
    client = _client_for(service_request, by)
    contract = create_quote(
        cohort=service_request.cohort,
        client=client,
        service=service_request.service,
        description=description or service_request.description,
        start_date=start_date,
        end_date=end_date,
        price=price,
        by=by,
    )
    service_request.status = ServiceRequestStatus.QUOTED
    service_request.contract = contract
    service_request.full_clean()
    service_request.save(update_fields=["status", "contract"])
    return contract


@transaction.atomic
def decline_service_request(*, service_request: ServiceRequest, by: Any) -> ServiceRequest:
    """The CJS will not take this request on."""
    _lock_request(service_request, by)
    service_request.status = ServiceRequestStatus.DECLINED
    service_request.save(update_fields=["status"])
    audit.record(actor=by, action="cjs.request.decline", target=service_request)
    return service_request


# --- Governance: committees, meetings, decisions and votes -------------------------------------------


def _current_members(cohort: Cohort) -> Any:
    return cohort.enrolments.filter(role=Enrolment.Role.MEMBER, status__in=CURRENT_MEMBER_STATUSES)


def _check_members(cohort: Cohort, enrolments: list[Enrolment], field: str) -> None:
    allowed = set(_current_members(cohort).values_list("pk", flat=True))
    if any(enrolment.pk not in allowed for enrolment in enrolments):
        raise ValidationError({field: _("Only current members of this CJS can be chosen.")})


@transaction.atomic
def create_committee(*, cohort: Cohort, name: str, members: Iterable[Enrolment] = (), by: Any) -> Committee:
    """Set up a committee of members (commercial, communication, finances...)."""
    _check_can_manage(by, cohort)
    chosen = list(members)
    _check_members(cohort, chosen, "members")
    committee = Committee(cohort=cohort, name=name)
    committee.full_clean()
    committee.save()
    committee.members.set(chosen)
    return committee


@transaction.atomic
def record_meeting(
    *,
    cohort: Cohort,
    meeting_date: datetime.date,
    attendees: Iterable[Enrolment],
    kind: str = MeetingKind.ASSEMBLY,
    committee: Committee | None = None,
    agenda: str = "",
    minutes: str = "",
    by: Any,
) -> Meeting:
    """Record an assembly or a committee meeting with who attended."""
    _check_can_manage(by, cohort)
    present = list(attendees)
    _check_members(cohort, present, "attendees")
    if committee is not None and committee.cohort_id != cohort.pk:
        raise ValidationError({"committee": _("This committee belongs to another CJS.")})
    meeting = Meeting(
        cohort=cohort,
        kind=kind,
        committee=committee if kind == MeetingKind.COMMITTEE else None,
        meeting_date=meeting_date,
        agenda=agenda,
        minutes=minutes,
        created_by=_actor(by),
    )
    if kind == MeetingKind.COMMITTEE and committee is None:
        raise ValidationError({"committee": _("Choose the committee that met.")})
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(present)
    return meeting


@transaction.atomic
def record_decision(
    *,
    meeting: Meeting,
    title: str,
    votes: Mapping[int, str],
    text: str = "",
    by: Any,
) -> Decision:
    """Put a motion to the vote: only with the quorum present, one vote per attending member."""
    _check_can_manage(by, meeting.cohort)
    if not selectors.has_quorum(meeting):
        raise ValidationError(_("The quorum is not reached: this meeting cannot vote."))
    attending = set(meeting.attendees.values_list("pk", flat=True))
    if any(enrolment_id not in attending for enrolment_id in votes):
        raise ValidationError({"votes": _("Only members present at the meeting can vote.")})
    decision = Decision(meeting=meeting, title=title, text=text)
    decision.full_clean()
    decision.save()
    Vote.objects.bulk_create(
        Vote(decision=decision, enrolment_id=enrolment_id, choice=VoteChoice(choice))
        for enrolment_id, choice in sorted(votes.items())
    )
    audit.record(actor=by, action="cjs.decision", target=decision, votes=len(votes))
    return decision


@transaction.atomic
def cast_vote(*, decision: Decision, enrolment: Enrolment, choice: str, by: Any) -> Vote:
    """Add one member's vote to a decision: one member, one vote."""
    meeting = decision.meeting
    _check_can_manage(by, meeting.cohort)
    if not selectors.has_quorum(meeting):
        raise ValidationError(_("The quorum is not reached: this meeting cannot vote."))
    if not meeting.attendees.filter(pk=enrolment.pk).exists():
        raise ValidationError({"enrolment": _("Only members present at the meeting can vote.")})
    vote = Vote(decision=decision, enrolment=enrolment, choice=VoteChoice(choice))
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError as error:
        raise ValidationError({"enrolment": _("This member has already voted.")}) from error
    return vote
