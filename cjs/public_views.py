"""Public pages of a CJS (no login): "order a service" and "join this CJS". They never show a member."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from django_ratelimit.decorators import ratelimit

from cjs import selectors, services
from cjs.forms import HoneypotForm, JoinForm, ServiceRequestForm
from programmes.models import Cohort

# How many forms one address may send per form and period (django-ratelimit's syntax); tests override it.
DEFAULT_RATE = "5/h"


def public_form_rate(group: str, request: HttpRequest) -> str:
    return str(getattr(settings, "ESSAIM_CJS_PUBLIC_FORM_RATE", DEFAULT_RATE))


def _public_cohort(cohort_id: int) -> Cohort:
    return get_object_or_404(selectors.public_cohorts(), pk=cohort_id)


def _add_service_error(form: HoneypotForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def _render_form(
    request: HttpRequest, template: str, cohort: Cohort, form: HoneypotForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        template,
        {"cohort": cohort, "form": form, "is_limited": status == 429},
        status=status,
    )


def _too_many(request: HttpRequest, template: str, cohort: Cohort, form: HoneypotForm) -> HttpResponse:
    messages.error(
        request,
        _(
            "Too many forms were sent from your connection. Nothing was saved: please try again in an hour, "
            "or contact the CJS by phone."
        ),
    )
    return _render_form(request, template, cohort, form, status=429)


@never_cache
@ratelimit(key="ip", rate=public_form_rate, method="POST", block=False)
def order(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _public_cohort(cohort_id)
    template = "cjs/public/order.html"
    if request.method != "POST":
        return _render_form(request, template, cohort, ServiceRequestForm())
    form = ServiceRequestForm(request.POST)
    if getattr(request, "limited", False):
        return _too_many(request, template, cohort, form)
    if form.is_spam:
        # Robots get the same answer as people, so they learn nothing; nothing is saved.
        return redirect("cjs:order_sent", cohort_id=cohort.pk)
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            services.submit_service_request(
                cohort=cohort,
                client_kind=data["client_kind"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"].strip(),
                commune=data["commune"],
                address=data["address"],
                service=data["service"],
                description=data["description"],
                wished_start_date=data["wished_start_date"],
                wished_end_date=data["wished_end_date"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            return redirect("cjs:order_sent", cohort_id=cohort.pk)
    return _render_form(request, template, cohort, form)


@never_cache
@ratelimit(key="ip", rate=public_form_rate, method="POST", block=False)
def join(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _public_cohort(cohort_id)
    template = "cjs/public/join.html"
    if request.method != "POST":
        return _render_form(request, template, cohort, JoinForm(cohort=cohort))
    form = JoinForm(request.POST, cohort=cohort)
    if getattr(request, "limited", False):
        return _too_many(request, template, cohort, form)
    if form.is_spam:
        return redirect("cjs:join_sent", cohort_id=cohort.pk)
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            services.apply_to_cohort(
                cohort=cohort,
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
                email=data["email"],
                phone=data["phone"].strip(),
                guardian_name=data["guardian_name"].strip(),
                guardian_email=data["guardian_email"],
                guardian_phone=data["guardian_phone"].strip(),
                has_consented=data["consent"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            return redirect("cjs:join_sent", cohort_id=cohort.pk)
    return _render_form(request, template, cohort, form)


def order_sent(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _public_cohort(cohort_id)
    return render(
        request,
        "cjs/public/sent.html",
        {
            "cohort": cohort,
            "title": _("Your request was sent"),
            "text": _(
                "Thank you! The CJS's team will answer you within a few days with a quote. "
                "If you gave an e-mail address, an acknowledgement is on its way."
            ),
        },
    )


def join_sent(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _public_cohort(cohort_id)
    return render(
        request,
        "cjs/public/sent.html",
        {
            "cohort": cohort,
            "title": _("Your application was sent"),
            "text": _(
                "Thank you! The CJS's team will contact you soon to meet you. "
                "If you gave an e-mail address, an acknowledgement is on its way."
            ),
        },
    )
