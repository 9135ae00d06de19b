"""The facilitator's CJS screens (phone first): requests, contracts, hours, invoices, expenses and the
season summary. Every one goes through the access policy: another CJS's rows answer 404."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cjs import pdf, selectors, services
from cjs.choices import ContractStatus, ServiceRequestStatus
from cjs.forms import CancelForm, DistributionForm, ExpenseForm, QuoteForm, WorkDoneForm
from cjs.models import Contract, ServiceRequest
from programmes import audit
from programmes.models import Cohort
from programmes.permissions import role_required
from programmes.roles import Role

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
