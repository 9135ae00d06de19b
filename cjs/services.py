"""Writes of the CJS app: clients, the contract lifecycle, invoicing, expenses and the surplus
distribution. Views, API, admin, imports and seeders all call these; each one checks that the acting
user runs the CJS, validates before saving and runs in one transaction."""

import datetime
import math
from collections.abc import Collection, Iterable, Mapping
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
from programmes import audit, figures, outbox, tasks
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
    figures.data_changed()  # bulk writes send no signal
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
    outbox.enqueue(tasks.send_email, subject=subject, body=body, to=to)


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


@transaction.atomic
def reopen_service_request(*, service_request: ServiceRequest, by: Any) -> ServiceRequest:
    """A declined request is back to answer (the CJS changed its mind, or declined by mistake)."""
    service_request.refresh_from_db(from_queryset=ServiceRequest.objects.select_for_update())
    _check_can_manage(by, service_request.cohort)
    if service_request.status != ServiceRequestStatus.DECLINED:
        raise ValidationError(_("Only a declined request can be reopened."))
    service_request.status = ServiceRequestStatus.NEW
    service_request.save(update_fields=["status"])
    audit.record(actor=by, action="cjs.request.reopen", target=service_request)
    return service_request


def set_service_request_status(*, service_request: ServiceRequest, status: str, by: Any) -> ServiceRequest:
    """Move a request to the status asked for (API, admin): declined or back to new; a request becomes
    quoted only with its quote."""
    if status == service_request.status:
        _check_can_manage(by, service_request.cohort)
        return service_request
    if status == ServiceRequestStatus.DECLINED:
        return decline_service_request(service_request=service_request, by=by)
    if status == ServiceRequestStatus.NEW:
        return reopen_service_request(service_request=service_request, by=by)
    if status == ServiceRequestStatus.QUOTED:
        raise ValidationError({"status": _("A request becomes quoted when you make its quote.")})
    raise ValidationError({"status": _("Unknown status.")})


# --- Governance: committees, meetings, decisions and votes -------------------------------------------


def _current_members(cohort: Cohort) -> Any:
    return cohort.enrolments.filter(role=Enrolment.Role.MEMBER, status__in=CURRENT_MEMBER_STATUSES)


def _check_members(cohort: Cohort, enrolments: list[Enrolment], field: str) -> None:
    allowed = set(_current_members(cohort).values_list("pk", flat=True))
    if any(enrolment.pk not in allowed for enrolment in enrolments):
        raise ValidationError({field: _("Only current members of this CJS can be chosen.")})


def _check_committee_name(cohort: Cohort, name: str, committee: Committee | None = None) -> None:
    same = Committee.objects.filter(cohort=cohort, name__iexact=name.strip())
    if committee is not None:
        same = same.exclude(pk=committee.pk)
    if name.strip() and same.exists():
        raise ValidationError({"name": _("This CJS already has a committee with this name.")})


@transaction.atomic
def create_committee(*, cohort: Cohort, name: str, members: Iterable[Enrolment] = (), by: Any) -> Committee:
    """Set up a committee of members (commercial, communication, finances...)."""
    _check_can_manage(by, cohort)
    chosen = list(members)
    _check_members(cohort, chosen, "members")
    _check_committee_name(cohort, name)
    committee = Committee(cohort=cohort, name=name.strip())
    committee.full_clean()
    committee.save()
    committee.members.set(chosen)
    audit.record(actor=by, action="cjs.committee.create", target=committee, members=len(chosen))
    return committee


@transaction.atomic
def update_committee(
    *,
    committee: Committee,
    name: str | None = None,
    members: Iterable[Enrolment] | None = None,
    by: Any,
) -> Committee:
    """Rename a committee or set its members (members who left the CJS can stay: history is kept)."""
    _check_can_manage(by, committee.cohort)
    if name is not None:
        _check_committee_name(committee.cohort, name, committee)
        committee.name = name.strip()
        committee.full_clean()
        committee.save(update_fields=["name"])
    if members is not None:
        chosen = list(members)
        kept = set(committee.members.values_list("pk", flat=True))
        _check_members(
            committee.cohort, [enrolment for enrolment in chosen if enrolment.pk not in kept], "members"
        )
        committee.members.set(chosen)
    audit.record(actor=by, action="cjs.committee.update", target=committee)
    return committee


@transaction.atomic
def add_committee_members(*, committee: Committee, members: Iterable[Enrolment], by: Any) -> Committee:
    """Add current members of the CJS to a committee."""
    _check_can_manage(by, committee.cohort)
    chosen = list(members)
    if not chosen:
        raise ValidationError({"members": _("Choose at least one member to add.")})
    _check_members(committee.cohort, chosen, "members")
    committee.members.add(*chosen)
    audit.record(actor=by, action="cjs.committee.add_members", target=committee, members=len(chosen))
    return committee


@transaction.atomic
def remove_committee_member(*, committee: Committee, enrolment: Enrolment, by: Any) -> Committee:
    """Take a member off a committee; the meetings they attended keep them."""
    _check_can_manage(by, committee.cohort)
    if not committee.members.filter(pk=enrolment.pk).exists():
        raise ValidationError({"members": _("This person is not a member of this committee.")})
    committee.members.remove(enrolment)
    audit.record(actor=by, action="cjs.committee.remove_member", target=committee, enrolment=enrolment.pk)
    return committee


def _check_meeting(
    *,
    cohort: Cohort,
    meeting_date: datetime.date,
    attendees: list[Enrolment],
    committee: Committee | None,
    previous: Collection[int] = (),
) -> None:
    """A meeting happens during the CJS's season; who attended is known once it has taken place; a
    committee meeting gathers members of that committee."""
    errors: dict[str, list[str]] = {}
    if cohort.start_date and meeting_date < cohort.start_date:
        errors["meeting_date"] = [
            _("The CJS starts on %(date)s: choose a date from then on.")
            % {"date": cohort.start_date.strftime("%d/%m/%Y")}
        ]
    elif cohort.end_date and meeting_date > cohort.end_date:
        errors["meeting_date"] = [
            _("The CJS ends on %(date)s: choose a date until then.")
            % {"date": cohort.end_date.strftime("%d/%m/%Y")}
        ]
    if attendees and meeting_date > timezone.localdate():
        errors["attendees"] = [
            _("This meeting has not taken place yet: record who attended on the day or after.")
        ]
    if committee is not None and committee.cohort_id != cohort.pk:
        errors["committee"] = [_("This committee belongs to another CJS.")]
    elif committee is not None and "attendees" not in errors:
        members = set(committee.members.values_list("pk", flat=True))
        outsiders = [e for e in attendees if e.pk not in members and e.pk not in previous]
        if outsiders:
            errors["attendees"] = [
                _("Only members of the committee “%(committee)s” attend its meetings: %(names)s is not one.")
                % {"committee": committee.name, "names": ", ".join(str(e.person) for e in outsiders)}
            ]
    if errors:
        raise ValidationError(errors)


def _body(kind: str, committee: Committee | None) -> Committee | None:
    if kind == MeetingKind.COMMITTEE and committee is None:
        raise ValidationError({"committee": _("Choose the committee that met.")})
    return committee if kind == MeetingKind.COMMITTEE else None


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
    """Record an assembly or a committee meeting with who attended (planned ahead: without attendees)."""
    _check_can_manage(by, cohort)
    present = list(attendees)
    _check_members(cohort, present, "attendees")
    committee = _body(kind, committee)
    _check_meeting(cohort=cohort, meeting_date=meeting_date, attendees=present, committee=committee)
    meeting = Meeting(
        cohort=cohort,
        kind=kind,
        committee=committee,
        meeting_date=meeting_date,
        agenda=agenda,
        minutes=minutes,
        created_by=_actor(by),
    )
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(present)
    audit.record(actor=by, action="cjs.meeting.record", target=meeting, attendees=len(present))
    return meeting


@transaction.atomic
def update_meeting(
    *,
    meeting: Meeting,
    meeting_date: datetime.date,
    attendees: Iterable[Enrolment],
    kind: str,
    committee: Committee | None = None,
    agenda: str = "",
    minutes: str = "",
    by: Any,
) -> Meeting:
    """Correct a meeting or complete it after the fact (who attended, the minutes). Once it has voted, its
    voters stay among the attendees and it keeps its quorum."""
    meeting.refresh_from_db(from_queryset=Meeting.objects.select_for_update())
    cohort = meeting.cohort
    _check_can_manage(by, cohort)
    present = list(attendees)
    previous = set(meeting.attendees.values_list("pk", flat=True))
    # Members who left the CJS since the meeting may stay among its attendees, not be added.
    _check_members(cohort, [enrolment for enrolment in present if enrolment.pk not in previous], "attendees")
    committee = _body(kind, committee)
    _check_meeting(
        cohort=cohort,
        meeting_date=meeting_date,
        attendees=present,
        committee=committee,
        # Who left the committee since may stay among the attendees of its past meetings.
        previous=previous if committee is not None and committee == meeting.committee else (),
    )
    has_voted = meeting.decisions.exists()
    if has_voted:
        if (kind, committee) != (meeting.kind, meeting.committee):
            raise ValidationError(
                {"kind": _("This meeting has voted: it cannot become another kind of meeting.")}
            )
        if meeting_date > timezone.localdate():
            raise ValidationError(
                {"meeting_date": _("This meeting has voted: its date cannot be in the future.")}
            )
        kept = {enrolment.pk for enrolment in present}
        voted = (
            Vote.objects.filter(decision__meeting=meeting)
            .exclude(enrolment_id__in=kept)
            .select_related("enrolment__person")
            .order_by("enrolment__person__last_name")
        )
        names = sorted({str(vote.enrolment.person) for vote in voted})
        if names:
            raise ValidationError(
                {
                    "attendees": _("%(names)s voted in this meeting and must stay among the attendees.")
                    % {"names": ", ".join(names)}
                }
            )
    meeting.kind, meeting.committee, meeting.meeting_date = kind, committee, meeting_date
    meeting.agenda, meeting.minutes = agenda, minutes
    meeting.full_clean()
    meeting.save(update_fields=["kind", "committee", "meeting_date", "agenda", "minutes"])
    meeting.attendees.set(present)
    if has_voted and not selectors.has_quorum(meeting):
        raise ValidationError(
            {
                "attendees": _(
                    "This meeting has voted: it must keep its quorum, so these attendees are not enough."
                )
            }
        )
    audit.record(actor=by, action="cjs.meeting.update", target=meeting, attendees=len(present))
    return meeting


VoteEntries = Mapping[int, str] | Iterable[tuple[int | Enrolment, str]]


def _vote_pairs(votes: VoteEntries) -> list[tuple[int, str]]:
    """Votes as (enrolment id, choice) pairs, from a mapping or a list that may name a member twice."""
    pairs = votes.items() if isinstance(votes, Mapping) else votes
    return [(key.pk if isinstance(key, Enrolment) else int(key), choice) for key, choice in pairs]


def _check_can_vote(meeting: Meeting) -> dict[int, Enrolment]:
    """The members who may vote in this meeting, by enrolment id, once it has met with its quorum."""
    if meeting.meeting_date > timezone.localdate():
        raise ValidationError(
            _("This meeting has not taken place yet: record its votes on the day or after.")
        )
    if not selectors.has_quorum(meeting):
        raise ValidationError(_("The quorum is not reached: this meeting cannot vote."))
    return {enrolment.pk: enrolment for enrolment in selectors.voters(meeting)}


def _vote_choice(choice: str) -> VoteChoice:
    try:
        return VoteChoice(choice)
    except ValueError:
        raise ValidationError(
            {"votes": _("“%(choice)s” is not a vote: for, against or abstention.") % {"choice": choice}}
        ) from None


@transaction.atomic
def record_decision(
    *,
    meeting: Meeting,
    title: str,
    votes: VoteEntries,
    text: str = "",
    by: Any,
) -> Decision:
    """Put a motion to the vote: only with the quorum present, one vote per attending member."""
    _check_can_manage(by, meeting.cohort)
    eligible = _check_can_vote(meeting)
    pairs = _vote_pairs(votes)
    if not pairs:
        raise ValidationError({"votes": _("Record the vote of at least one member present.")})
    seen: set[int] = set()
    for enrolment_id, choice in pairs:
        if enrolment_id not in eligible:
            raise ValidationError({"votes": _("Only members present at the meeting can vote.")})
        if enrolment_id in seen:
            raise ValidationError(
                {
                    "votes": _("%(member)s votes twice: one member, one vote.")
                    % {"member": eligible[enrolment_id].person}
                }
            )
        seen.add(enrolment_id)
        _vote_choice(choice)
    decision = Decision(meeting=meeting, title=title, text=text)
    decision.full_clean()
    decision.save()
    Vote.objects.bulk_create(
        Vote(decision=decision, enrolment_id=enrolment_id, choice=_vote_choice(choice))
        for enrolment_id, choice in sorted(pairs)
    )
    audit.record(actor=by, action="cjs.decision", target=decision, votes=len(pairs))
    return decision


@transaction.atomic
def cast_vote(*, decision: Decision, enrolment: Enrolment, choice: str, by: Any) -> Vote:
    """Add one member's vote to a decision: one member, one vote."""
    meeting = decision.meeting
    _check_can_manage(by, meeting.cohort)
    if enrolment.pk not in _check_can_vote(meeting):
        raise ValidationError({"enrolment": _("Only members present at the meeting can vote.")})
    vote = Vote(decision=decision, enrolment=enrolment, choice=_vote_choice(choice))
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError as error:
        raise ValidationError({"enrolment": _("This member has already voted.")}) from error
    audit.record(actor=by, action="cjs.vote", target=decision, enrolment=enrolment.pk)
    return vote


@transaction.atomic
def update_decision(*, decision: Decision, title: str, text: str = "", by: Any) -> Decision:
    """Correct the wording of a decision (its votes stay as they were cast)."""
    _check_can_manage(by, decision.meeting.cohort)
    decision.title, decision.text = title, text
    decision.full_clean()
    decision.save(update_fields=["title", "text"])
    return decision
