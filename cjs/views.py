"""The facilitator's CJS screens (phone first): requests, contracts, hours, invoices, expenses, the
season summary and the governance (assemblies, committee meetings, decisions and votes, committees).
Every one goes through the access policy: another CJS's rows answer 404."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cjs import pdf, selectors, services
from cjs.choices import ContractStatus, ServiceRequestStatus, VoteChoice
from cjs.forms import (
    ASSEMBLY,
    COMMITTEE_PREFIX,
    NO_VOTE,
    CancelForm,
    CommitteeForm,
    CommitteeMembersForm,
    DecisionForm,
    DistributionForm,
    ExpenseForm,
    MeetingForm,
    QuoteForm,
    WorkDoneForm,
)
from cjs.models import Committee, Contract, Meeting, ServiceRequest
from programmes import audit
from programmes.models import Cohort, Enrolment
from programmes.permissions import role_required
from programmes.roles import Role
from programmes.selectors import CURRENT_MEMBER_STATUSES

STAFF_ROLES = (Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)


def _cohort_or_404(user: Any, pk: int) -> Cohort:
    cohorts = selectors.managed_cjs(user).select_related("edition__programme", "commune", "host")
    return get_object_or_404(cohorts, pk=pk)


def _contract_or_404(cohort: Cohort, contract_id: int) -> Contract:
    return get_object_or_404(
        Contract.objects.select_related("client", "cohort"), pk=contract_id, cohort=cohort
    )


def _add_service_error(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def _contracts_url(cohort: Cohort, contract: Contract | None = None) -> str:
    url = reverse("cjs:contracts", args=[cohort.pk])
    return f"{url}#contract-{contract.pk}" if contract is not None else url


# --- Requests ----------------------------------------------------------------------------------------


@never_cache
@role_required(*STAFF_ROLES)
def requests_list(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    service_requests = list(selectors.cohort_requests(cohort))
    audit.record(actor=request.user, action="cjs.requests.view", target=cohort)
    return render(
        request,
        "cjs/requests.html",
        {
            "cohort": cohort,
            "section": "requests",
            "new_requests": [item for item in service_requests if item.status == ServiceRequestStatus.NEW],
            "answered_requests": [
                item for item in service_requests if item.status != ServiceRequestStatus.NEW
            ],
        },
    )


@never_cache
@role_required(*STAFF_ROLES)
def request_quote(request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    service_request = get_object_or_404(ServiceRequest, pk=request_id, cohort=cohort)
    if service_request.status != ServiceRequestStatus.NEW:
        messages.info(request, _("This request has already been answered."))
        return redirect("cjs:requests", pk=cohort.pk)
    if request.method == "POST":
        form = QuoteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                contract = services.quote_service_request(
                    service_request=service_request,
                    price=data["price"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    description=data["description"],
                    by=request.user,
                )
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(request, _("Quote written. Send its PDF to the client."))
                return redirect(_contracts_url(cohort, contract))
    else:
        form = QuoteForm(
            initial={
                "start_date": service_request.wished_start_date,
                "end_date": service_request.wished_end_date,
                "description": service_request.description,
            }
        )
    return render(
        request,
        "cjs/request_quote.html",
        {"cohort": cohort, "section": "requests", "service_request": service_request, "form": form},
    )


@never_cache
@require_POST
@role_required(*STAFF_ROLES)
def request_decline(request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    service_request = get_object_or_404(ServiceRequest, pk=request_id, cohort=cohort)
    try:
        services.decline_service_request(service_request=service_request, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Request declined."))
    return redirect("cjs:requests", pk=cohort.pk)


@never_cache
@require_POST
@role_required(*STAFF_ROLES)
def request_reopen(request: HttpRequest, pk: int, request_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    service_request = get_object_or_404(ServiceRequest, pk=request_id, cohort=cohort)
    try:
        services.reopen_service_request(service_request=service_request, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Request reopened: it is back among those to answer."))
    return redirect(reverse("cjs:requests", args=[cohort.pk]) + f"#request-{service_request.pk}")


# --- Contracts ---------------------------------------------------------------------------------------


@never_cache
@role_required(*STAFF_ROLES)
def contracts_list(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    contracts = list(selectors.cohort_contracts(cohort))
    groups = [
        {
            "status": status,
            "label": label,
            "contracts": [contract for contract in contracts if contract.status == status],
        }
        for status, label in ContractStatus.choices
    ]
    return render(
        request,
        "cjs/contracts.html",
        {
            "cohort": cohort,
            "section": "contracts",
            "groups": [group for group in groups if group["contracts"]],
            "has_contracts": bool(contracts),
            "cancel_form": CancelForm(),
        },
    )


STEPS = {
    "accept": (services.accept_quote, gettext_lazy("Quote accepted: the work can be planned.")),
    "invoice": (
        services.invoice_contract,
        gettext_lazy("Invoice %(number)s issued. Open its PDF to send it."),
    ),
    "pay": (services.record_payment, gettext_lazy("Payment recorded.")),
}


@never_cache
@require_POST
@role_required(*STAFF_ROLES)
def contract_step(request: HttpRequest, pk: int, contract_id: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    cohort = _cohort_or_404(request.user, pk)
    contract = _contract_or_404(cohort, contract_id)
    service, message = STEPS[step]
    try:
        service(contract=contract, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(message) % {"number": contract.invoice_number})
    return redirect(_contracts_url(cohort, contract))


@never_cache
@require_POST
@role_required(*STAFF_ROLES)
def contract_cancel(request: HttpRequest, pk: int, contract_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    contract = _contract_or_404(cohort, contract_id)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.cancel_contract(contract=contract, reason=reason, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Contract cancelled."))
    return redirect(_contracts_url(cohort, contract))


@never_cache
@role_required(*STAFF_ROLES)
def contract_done(request: HttpRequest, pk: int, contract_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    contract = _contract_or_404(cohort, contract_id)
    if contract.status != ContractStatus.ACCEPTED:
        messages.info(request, _("Only an accepted contract can be marked done."))
        return redirect(_contracts_url(cohort, contract))
    members = list(selectors.current_members(cohort))
    if request.method == "POST":
        form = WorkDoneForm(request.POST, members=members)
        if form.is_valid():
            work_date = form.cleaned_data["work_date"]
            try:
                services.mark_done(
                    contract=contract,
                    work_logs=[(enrolment, work_date, hours) for enrolment, hours in form.hours_by_member()],
                    by=request.user,
                )
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(request, _("Work done and hours recorded. You can invoice it now."))
                return redirect(_contracts_url(cohort, contract))
    else:
        form = WorkDoneForm(members=members, initial={"work_date": contract.start_date})
    return render(
        request,
        "cjs/contract_done.html",
        {
            "cohort": cohort,
            "section": "contracts",
            "contract": contract,
            "form": form,
            "hour_fields": [form[f"hours-{enrolment.pk}"] for enrolment in members],
        },
    )


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@never_cache
@role_required(*STAFF_ROLES)
def contract_quote_pdf(request: HttpRequest, pk: int, contract_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    contract = _contract_or_404(cohort, contract_id)
    return _pdf_response(pdf.quote_pdf(contract), pdf.filename("devis", pdf.quote_reference(contract)))


@never_cache
@role_required(*STAFF_ROLES)
def contract_invoice_pdf(request: HttpRequest, pk: int, contract_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    contract = _contract_or_404(cohort, contract_id)
    if not contract.invoice_number:
        raise Http404
    return _pdf_response(pdf.invoice_pdf(contract), pdf.filename("facture", contract.invoice_number))


# --- Expenses and season summary -----------------------------------------------------------------------


@never_cache
@role_required(*STAFF_ROLES)
def expenses(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    if request.method == "POST":
        form = ExpenseForm(request.POST)
        if form.is_valid():
            try:
                services.add_expense(cohort=cohort, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(request, _("Expense recorded."))
                return redirect("cjs:expenses", pk=cohort.pk)
    else:
        form = ExpenseForm(initial={"expense_date": timezone.localdate()})
    return render(
        request,
        "cjs/expenses.html",
        {
            "cohort": cohort,
            "section": "expenses",
            "expenses": cohort.expenses.order_by("-expense_date", "-pk"),
            "form": form,
        },
    )


def _render_summary(
    request: HttpRequest, cohort: Cohort, form: DistributionForm | None = None
) -> HttpResponse:
    summary = selectors.season_summary(cohort)
    return render(
        request,
        "cjs/summary.html",
        {
            **summary,
            "section": "summary",
            "form": form or DistributionForm(),
        },
    )


@never_cache
@role_required(*STAFF_ROLES)
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    return _render_summary(request, cohort)


@never_cache
@require_POST
@role_required(*STAFF_ROLES)
def distribute(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    form = DistributionForm(request.POST)
    if form.is_valid():
        try:
            services.distribute_surplus(
                cohort=cohort,
                method=form.cleaned_data["method"],
                reserve=form.cleaned_data["reserve"],
                by=request.user,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Surplus distributed: the shares are below."))
            return redirect(reverse("cjs:summary", args=[cohort.pk]) + "#distribution")
    return _render_summary(request, cohort, form)


@never_cache
@role_required(*STAFF_ROLES)
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    return _pdf_response(pdf.season_summary_pdf(cohort), pdf.filename("bilan", cohort.name))


# --- Governance: meetings, decisions and committees --------------------------------------------------


def _meeting_or_404(cohort: Cohort, meeting_id: int) -> Meeting:
    return get_object_or_404(selectors.cohort_meetings(cohort), pk=meeting_id)


def _committee_or_404(cohort: Cohort, committee_id: int) -> Committee:
    return get_object_or_404(selectors.cohort_committees(cohort), pk=committee_id)


def _decision_rows(meeting: Meeting) -> list[dict[str, Any]]:
    return [
        {"decision": decision, "tally": selectors.tally(decision.votes.all())}
        for decision in meeting.decisions.all()
    ]


@never_cache
@role_required(*STAFF_ROLES)
def meetings(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    meeting_list = list(selectors.cohort_meetings(cohort))
    today = timezone.localdate()
    quorums = selectors.meeting_quorums(meeting_list)
    return render(
        request,
        "cjs/meetings.html",
        {
            "cohort": cohort,
            "section": "meetings",
            "rows": [
                {
                    "meeting": meeting,
                    "quorum": quorums[meeting.pk],
                    "is_upcoming": meeting.meeting_date > today,
                    "decisions": _decision_rows(meeting),
                }
                for meeting in meeting_list
            ],
            "quorum_share": selectors.quorum_share(),
        },
    )


def _meeting_members(cohort: Cohort, committee: Committee | None, meeting: Meeting | None) -> Any:
    """Whom the attendance checkboxes offer: the current members of the CJS (of the committee for a
    committee meeting), and whoever already attended this meeting."""
    members = committee.members.all() if committee is not None else selectors.current_members(cohort)
    current = members.filter(status__in=CURRENT_MEMBER_STATUSES).values("pk")
    chosen = Q(pk__in=current)
    if meeting is not None:
        chosen |= Q(pk__in=meeting.attendees.values("pk"))
    return (
        Enrolment.objects.filter(chosen)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def _meeting_form(
    request: HttpRequest, cohort: Cohort, meeting: Meeting | None, initial: dict[str, Any]
) -> MeetingForm:
    committees = list(selectors.cohort_committees(cohort))
    data = request.POST if request.method == "POST" else None
    body = (data or {}).get("body") or initial.get("body", ASSEMBLY)
    chosen = {f"{COMMITTEE_PREFIX}{committee.pk}": committee for committee in committees}.get(body)
    # The form offers the committee's members; a posted choice is checked by the service, whose message
    # says who is not in the committee.
    return MeetingForm(
        data,
        initial=initial,
        committees=committees,
        members=_meeting_members(cohort, chosen if data is None else None, meeting),
    )


def _save_meeting(request: HttpRequest, cohort: Cohort, form: MeetingForm, meeting: Meeting | None) -> Any:
    data = form.cleaned_data
    fields = {
        "meeting_date": data["meeting_date"],
        "attendees": list(data["attendees"]),
        "kind": form.kind,
        "committee": form.committee,
        "agenda": data["agenda"],
        "minutes": data["minutes"],
        "by": request.user,
    }
    if meeting is None:
        return services.record_meeting(cohort=cohort, **fields)
    return services.update_meeting(meeting=meeting, **fields)


def _meeting_editor(request: HttpRequest, cohort: Cohort, meeting: Meeting | None) -> HttpResponse:
    if meeting is None:
        committee_id = request.GET.get("committee", "")
        body = (
            f"{COMMITTEE_PREFIX}{committee_id}"
            if committee_id.isdigit() and cohort.cjs_committees.filter(pk=committee_id).exists()
            else ASSEMBLY
        )
        initial = {"body": body, "meeting_date": timezone.localdate()}
    else:
        initial = {
            "body": f"{COMMITTEE_PREFIX}{meeting.committee_id}" if meeting.committee_id else ASSEMBLY,
            "meeting_date": meeting.meeting_date,
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "attendees": [enrolment.pk for enrolment in meeting.attendees.all()],
        }
    form = _meeting_form(request, cohort, meeting, initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_meeting(request, cohort, form, meeting)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Meeting saved.") if meeting else _("Meeting recorded."))
            return redirect("cjs:meeting", pk=cohort.pk, meeting_id=saved.pk)
    return render(
        request,
        "cjs/meeting_form.html",
        {"cohort": cohort, "section": "meetings", "meeting": meeting, "form": form},
    )


@never_cache
@role_required(*STAFF_ROLES)
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    return _meeting_editor(request, cohort, None)


@never_cache
@role_required(*STAFF_ROLES)
def meeting_edit(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    return _meeting_editor(request, cohort, _meeting_or_404(cohort, meeting_id))


@never_cache
@role_required(*STAFF_ROLES)
def meeting_detail(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    meeting = _meeting_or_404(cohort, meeting_id)
    return render(
        request,
        "cjs/meeting.html",
        {
            "cohort": cohort,
            "section": "meetings",
            "meeting": meeting,
            "quorum": selectors.meeting_quorum(meeting),
            "quorum_share": selectors.quorum_share(),
            "is_past": meeting.meeting_date <= timezone.localdate(),
            "is_upcoming": meeting.meeting_date > timezone.localdate(),
            "decisions": _decision_rows(meeting),
        },
    )


@never_cache
@role_required(*STAFF_ROLES)
def decision_new(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    meeting = _meeting_or_404(cohort, meeting_id)
    quorum = selectors.meeting_quorum(meeting)
    if meeting.meeting_date > timezone.localdate() or not quorum.is_reached:
        messages.error(
            request,
            _("This meeting has not taken place yet: record its votes on the day or after.")
            if meeting.meeting_date > timezone.localdate()
            else _("The quorum is not reached: this meeting cannot vote."),
        )
        return redirect("cjs:meeting", pk=cohort.pk, meeting_id=meeting.pk)
    voters = list(selectors.voters(meeting))
    form = DecisionForm(request.POST if request.method == "POST" else None, voters=voters)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_decision(
                meeting=meeting,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                votes=form.votes(),
                by=request.user,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Decision and votes recorded."))
            return redirect(reverse("cjs:meeting", args=[cohort.pk, meeting.pk]) + "#decisions")
    return render(
        request,
        "cjs/decision_form.html",
        {
            "cohort": cohort,
            "section": "meetings",
            "meeting": meeting,
            "quorum": quorum,
            "form": form,
            "vote_values": [*VoteChoice.values, NO_VOTE],
        },
    )


@never_cache
@role_required(*STAFF_ROLES)
def committees(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    members = selectors.current_members(cohort)
    form = CommitteeForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.create_committee(
                cohort=cohort,
                name=form.cleaned_data["name"],
                members=list(form.cleaned_data["members"]),
                by=request.user,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Committee created."))
            return redirect("cjs:committee", pk=cohort.pk, committee_id=committee.pk)
    return render(
        request,
        "cjs/committees.html",
        {
            "cohort": cohort,
            "section": "committees",
            "committees": selectors.cohort_committees(cohort),
            "form": form,
        },
    )


def _render_committee(
    request: HttpRequest, cohort: Cohort, committee: Committee, form: CommitteeMembersForm | None = None
) -> HttpResponse:
    member_ids = [enrolment.pk for enrolment in committee.members.all()]
    candidates = selectors.current_members(cohort).exclude(pk__in=member_ids)
    committee_meetings = list(
        selectors.cohort_meetings(cohort).filter(committee=committee).prefetch_related(None)
    )
    return render(
        request,
        "cjs/committee.html",
        {
            "cohort": cohort,
            "section": "committees",
            "committee": committee,
            "form": form or CommitteeMembersForm(members=candidates),
            "meetings": committee_meetings,
        },
    )


@never_cache
@role_required(*STAFF_ROLES)
def committee_detail(request: HttpRequest, pk: int, committee_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    return _render_committee(request, cohort, _committee_or_404(cohort, committee_id))


@never_cache
@require_POST
@role_required(*STAFF_ROLES)
def committee_add_members(request: HttpRequest, pk: int, committee_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    committee = _committee_or_404(cohort, committee_id)
    candidates = selectors.current_members(cohort).exclude(
        pk__in=[enrolment.pk for enrolment in committee.members.all()]
    )
    form = CommitteeMembersForm(request.POST, members=candidates)
    if form.is_valid():
        try:
            services.add_committee_members(
                committee=committee, members=list(form.cleaned_data["members"]), by=request.user
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Members added to the committee."))
            return redirect("cjs:committee", pk=cohort.pk, committee_id=committee.pk)
    return _render_committee(request, cohort, committee, form)


@never_cache
@require_POST
@role_required(*STAFF_ROLES)
def committee_remove_member(
    request: HttpRequest, pk: int, committee_id: int, enrolment_id: int
) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    committee = _committee_or_404(cohort, committee_id)
    enrolment = get_object_or_404(cohort.enrolments.select_related("person"), pk=enrolment_id)
    try:
        services.remove_committee_member(committee=committee, enrolment=enrolment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is no longer a member of this committee.")
            % {"name": f"{enrolment.person.first_name} {enrolment.person.last_name}"},
        )
    return redirect("cjs:committee", pk=cohort.pk, committee_id=committee.pk)
