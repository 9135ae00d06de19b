"""The privacy area of the admin (/admin/privacy/), for the national team: find a person, record a
request (access, erasure...), hand over their data as a ZIP, erase them, manage consents. Every
person looked up goes through the access policy; every action is audited."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programmes import access, audit
from programmes.models import Consent, Person, PrivacyRequest
from programmes.privacy import export, registry, services
from programmes.privacy.forms import ConsentForm, EraseForm, ExportForm, PersonSearchForm, PrivacyRequestForm

SEARCH_LIMIT = 50


def can_use_privacy_area(user: Any) -> bool:
    return access.sees_everything(user)


def privacy_staff(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_use_privacy_area(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _person_or_404(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(access.visible_people(request.user).select_related("user"), pk=pk)


def _person_url(person: Person) -> str:
    return reverse("privacy:person", args=[person.pk])


@privacy_staff
def index(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    people: list[Person] = []
    query = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        every_word = Q()
        for word in query.split():
            every_word &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        people = list(
            access.visible_people(request.user)
            .filter(every_word | Q(email__iexact=query))
            .order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT]
        )
    open_requests = (
        PrivacyRequest.objects.filter(
            completed_date__isnull=True, person__in=access.visible_people(request.user)
        )
        .select_related("person")
        .order_by("received_date", "pk")
    )
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "programmes/privacy/admin/index.html",
        {
            "form": form,
            "query": query,
            "people": people,
            "open_requests": [(item, item.is_overdue(today)) for item in open_requests],
            "search_limit": SEARCH_LIMIT,
        },
    )


def _data_summary(person: Person) -> list[dict[str, Any]]:
    """How many rows each app holds about the person, per model."""
    summary = []
    for provider in registry.providers():
        rows = []
        for model in provider.models:
            classification = registry.classification(model)
            if classification is None:
                continue
            count = classification.rows_about(person.pk).count()
            if count:
                rows.append((str(model._meta.verbose_name_plural), count))
        summary.append({"label": str(provider.label), "rows": rows})
    return summary


@privacy_staff
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_or_404(request, pk)
    audit.record(actor=request.user, action="person.view", target=found, via="privacy")
    return _render_person(request, found)


def _render_person(request: HttpRequest, found: Person, **forms: Any) -> HttpResponse:
    today = timezone.localdate()
    requests_ = list(found.privacy_requests.select_related("handled_by").order_by("-received_date", "-pk"))
    return TemplateResponse(
        request,
        "programmes/privacy/admin/person.html",
        {
            "person": found,
            "enrolments": found.enrolments.select_related("cohort__edition__programme").order_by(
                "-cohort__start_date"
            ),
            "guardians": found.guardians.all(),
            "consents": found.consents.order_by("-given_date", "-pk"),
            "privacy_requests": [(item, item.is_overdue(today)) for item in requests_],
            "summary": _data_summary(found),
            "request_form": forms.get("request_form") or PrivacyRequestForm(),
            "export_form": ExportForm(person=found),
            "consent_form": forms.get("consent_form") or ConsentForm(),
            "audit_entries": audit_entries_about(found)[:20],
        },
    )


def audit_entries_about(found: Person) -> Any:
    from programmes.models import AuditEntry

    return AuditEntry.objects.filter(target_type="programmes.person", target_id=str(found.pk)).select_related(
        "actor"
    )


@privacy_staff
@require_POST
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_or_404(request, pk)
    form = PrivacyRequestForm(request.POST)
    if form.is_valid():
        try:
            services.record_privacy_request(person=found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Request recorded. The answer is due within one month."))
            return redirect(_person_url(found))
    return _render_person(request, found, request_form=form)


@privacy_staff
@require_POST
def request_complete(request: HttpRequest, pk: int) -> HttpResponse:
    privacy_request = get_object_or_404(
        PrivacyRequest.objects.filter(person__in=access.visible_people(request.user)), pk=pk
    )
    try:
        services.complete_privacy_request(privacy_request=privacy_request, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Request marked as answered."))
    return redirect(_person_url(privacy_request.person))


@privacy_staff
@require_POST
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_or_404(request, pk)
    form = ExportForm(request.POST, person=found)
    if not form.is_valid():
        messages.error(request, _("Choose an open access request, or none."))
        return redirect(_person_url(found))
    content = services.export_person(
        person=found, by=request.user, privacy_request=form.cleaned_data["privacy_request"]
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.zip_name(found)}"'
    return response


@privacy_staff
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_or_404(request, pk)
    if found.is_erased:
        messages.info(request, _("This person's data are already erased."))
        return redirect(_person_url(found))
    form = EraseForm(request.POST or None, person=found)
    if request.method == "POST" and form.is_valid():
        services.erase_person(
            person=found, by=request.user, privacy_request=form.cleaned_data["privacy_request"]
        )
        messages.success(
            request, _("The person's data are erased. The statistics still count them anonymously.")
        )
        return redirect(_person_url(found))
    return TemplateResponse(
        request,
        "programmes/privacy/admin/erase.html",
        {"person": found, "form": form, "summary": _data_summary(found)},
    )


@privacy_staff
@require_POST
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _person_or_404(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.record_consent(person=found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect(_person_url(found))
    return _render_person(request, found, consent_form=form)


@privacy_staff
@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.filter(person__in=access.visible_people(request.user)), pk=pk)
    try:
        services.withdraw_consent(consent=consent, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Consent withdrawn from today."))
    return redirect(_person_url(consent.person))


urlpatterns = [
    path("", index, name="index"),
    path("people/<int:pk>/", person, name="person"),
    path("people/<int:pk>/requests/", request_create, name="request_create"),
    path("people/<int:pk>/export/", person_export, name="export"),
    path("people/<int:pk>/erase/", person_erase, name="erase"),
    path("people/<int:pk>/consents/", consent_create, name="consent_create"),
    path("requests/<int:pk>/answered/", request_complete, name="request_complete"),
    path("consents/<int:pk>/withdraw/", consent_withdraw, name="consent_withdraw"),
]
