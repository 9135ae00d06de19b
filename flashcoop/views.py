"""Flashcoop screens: the facilitators' and coordinators' plan of a Flashcoop, a participant's entry
and exit, the experimentation dashboard, the ESF export, and the participants' personal follow-up
page (no login: the link is the key, and the page shows nothing about anyone)."""

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from flashcoop import exports, selectors, services
from flashcoop import forms as flashcoop_forms
from flashcoop.choices import Situation
from flashcoop.esf import INDICATOR_SETS, default_version
from flashcoop.models import AgendaItem, FlashcoopPlan, Mentee, MentoringMeeting
from programmes import access, audit
from programmes.choices import STARTED_STATUSES
from programmes.models import Cohort, Department, Enrolment
from programmes.permissions import has_any_role, role_required
from programmes.roles import Role
from programmes.security import throttle

STAFF_ROLES = (Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)
MANAGER_ROLES = (Role.COORDINATOR, Role.FABRIQUE)
# A Flashcoop lasts days, not months: the plan page lists at most this many days.
MAX_PLAN_DAYS = 31


def _percent(value: float | None) -> str:
    if value is None:
        return "—"
    return _("%(value)s%%") % {"value": formats.number_format(round(value * 100), 0)}


def _add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


# --- Home and new Flashcoop ---------------------------------------------------------------------------


@never_cache
@role_required(*STAFF_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    cohorts = (
        selectors.flashcoop_cohorts(request.user)
        .annotate(participants=Count("enrolments", filter=Q(enrolments__status__in=STARTED_STATUSES)))
        .order_by("-edition__year", "start_date", "name")
    )
    return render(
        request,
        "flashcoop/home.html",
        {
            "cohorts": cohorts,
            "can_create": has_any_role(request.user, *MANAGER_ROLES),
            "editions": selectors.flashcoop_editions(),
        },
    )


def _creatable_departments(user: Any) -> Any:
    if access.sees_everything(user):
        return Department.objects.all()
    return Department.objects.filter(
        region__coordinator_scopes__user=user,
        region__coordinator_scopes__programme__slug=selectors.PROGRAMME_SLUG,
    ).distinct()


@never_cache
@role_required(*MANAGER_ROLES)
def new_flashcoop(request: HttpRequest) -> HttpResponse:
    departments = _creatable_departments(request.user)
    form = flashcoop_forms.NewFlashcoopForm(
        request.POST if request.method == "POST" else None, departments=departments
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.create_flashcoop(
                year=data["year"],
                name=data["name"],
                department=data["department"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                theme=data["theme"],
                place=data["place"],
                is_in_qpv=data["is_in_qpv"],
                is_rural=data["is_rural"],
                by=request.user,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Flashcoop created. Plan its days now."))
            return redirect("flashcoop:cohort", pk=cohort.pk)
    return render(request, "flashcoop/new.html", {"form": form, "has_departments": departments.exists()})


# --- A Flashcoop's plan -------------------------------------------------------------------------------


def _cohort_or_404(user: Any, pk: int) -> Cohort:
    return get_object_or_404(selectors.flashcoop_cohorts(user), pk=pk)


def _days(cohort: Cohort) -> list[datetime.date]:
    if not cohort.start_date:
        return []
    end = cohort.end_date or cohort.start_date
    count = min((end - cohort.start_date).days + 1, MAX_PLAN_DAYS)
    return [cohort.start_date + datetime.timedelta(days=offset) for offset in range(count)]


def _cohort_forms(cohort: Cohort, request: HttpRequest, submitted: str) -> dict[str, forms.BaseForm]:
    """Every form of the plan page, the submitted one bound to the request's data."""
    data = request.POST if request.method == "POST" else None
    participants = cohort.enrolments.select_related("person").order_by(
        "person__last_name", "person__first_name"
    )
    mentors = cohort.flashcoop_mentors.select_related("organisation")
    plan = FlashcoopPlan.objects.filter(cohort=cohort).first() or FlashcoopPlan(cohort=cohort)

    def bound(name: str) -> Any:
        return data if submitted == name else None

    today = timezone.localdate()
    agenda_date = (
        today
        if cohort.start_date and cohort.start_date <= today <= (cohort.end_date or today)
        else cohort.start_date
    )
    return {
        "plan": flashcoop_forms.PlanForm(bound("plan"), instance=plan, prefix="plan"),
        "agenda": flashcoop_forms.AgendaItemForm(
            bound("agenda"),
            instance=AgendaItem(cohort=cohort),
            prefix="agenda",
            initial={"date": agenda_date},
        ),
        "participant": flashcoop_forms.ParticipantForm(bound("participant"), prefix="participant"),
        "mentor": flashcoop_forms.MentorForm(
            bound("mentor"), cohort=cohort, participants=participants, prefix="mentor"
        ),
        "meeting": flashcoop_forms.MeetingForm(
            bound("meeting"), mentors=mentors, participants=participants, prefix="meeting"
        ),
        "production": flashcoop_forms.ProductionForm(bound("production"), prefix="production"),
    }


def _save_cohort_form(request: HttpRequest, cohort: Cohort, name: str, form: forms.BaseForm) -> str:
    """Call the service of the submitted form; returns the success message."""
    data = form.cleaned_data
    by = request.user
    if name == "plan":
        services.save_plan(cohort=cohort, theme=data["theme"], place=data["place"], by=by)
        return _("Theme and place saved.")
    if name == "agenda":
        services.add_agenda_item(cohort=cohort, **data, by=by)
        return _("Activity added to the agenda.")
    if name == "participant":
        enrolment = services.enrol_participant(cohort=cohort, **data, by=by)
        return _("%(name)s is enrolled.") % {"name": enrolment.person}
    if name == "mentor":
        mentor = services.add_mentor(
            cohort=cohort,
            name=data["name"],
            organisation=data["organisation"],
            contact=data["contact"],
            mentees=list(data["mentees"]),
            by=by,
        )
        return _("Mentor %(name)s added.") % {"name": mentor}
    if name == "meeting":
        services.record_mentoring_meeting(**data, by=by)
        return _("Mentoring meeting recorded.")
    services.add_production(cohort=cohort, **data, by=by)
    return _("Production recorded.")


SECTIONS = {
    "plan": "plan",
    "agenda": "agenda",
    "participant": "participants",
    "mentor": "mentors",
    "meeting": "mentors",
    "production": "production",
}


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(*STAFF_ROLES)
def cohort_plan(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request.user, pk)
    submitted = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST":
        if submitted == "day_session":
            return _create_day_session(request, cohort)
        if submitted == "delete_agenda":
            item = get_object_or_404(AgendaItem, pk=request.POST.get("item") or 0, cohort=cohort)
            services.delete_agenda_item(item=item, by=request.user)
            messages.success(request, _("Activity removed from the agenda."))
            return redirect(reverse("flashcoop:cohort", args=[cohort.pk]) + "#agenda")
        if submitted not in SECTIONS:
            return HttpResponseBadRequest()
    page_forms = _cohort_forms(cohort, request, submitted)
    if submitted:
        form = page_forms[submitted]
        if form.is_valid():
            try:
                message = _save_cohort_form(request, cohort, submitted, form)
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(request, message)
                return redirect(reverse("flashcoop:cohort", args=[cohort.pk]) + f"#{SECTIONS[submitted]}")
    audit.record(actor=request.user, action="flashcoop.cohort.view", target=cohort)
    return render(request, "flashcoop/cohort.html", _cohort_context(cohort, page_forms, submitted))


def _create_day_session(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    try:
        day = datetime.date.fromisoformat(request.POST.get("date", ""))
        session = services.create_day_session(cohort=cohort, date=day, by=request.user)
    except (ValueError, ValidationError):
        messages.error(request, _("This day is outside the Flashcoop's dates."))
        return redirect(reverse("flashcoop:cohort", args=[cohort.pk]) + "#agenda")
    return redirect("programmes:attendance_sheet", pk=session.pk)


def _cohort_context(cohort: Cohort, page_forms: dict[str, forms.BaseForm], submitted: str) -> dict[str, Any]:
    items = list(cohort.agenda_items.order_by("date", "start_time", "pk"))
    sessions = list(
        cohort.sessions.annotate(
            marks_count=Count("attendances"),
            present_count=Count("attendances", filter=Q(attendances__status="present")),
        ).order_by("date", "start_time", "pk")
    )
    days = [
        {
            "date": day,
            "number": index,
            "items": [item for item in items if item.date == day],
            "sessions": [session for session in sessions if session.date == day],
        }
        for index, day in enumerate(_days(cohort), start=1)
    ]
    mentors = cohort.flashcoop_mentors.select_related("organisation").prefetch_related(
        Prefetch("mentee_links", queryset=Mentee.objects.select_related("enrolment__person")),
        Prefetch(
            "meetings",
            queryset=MentoringMeeting.objects.select_related("enrolment__person").order_by(
                "-meeting_date", "-pk"
            ),
        ),
    )
    return {
        "cohort": cohort,
        "plan": FlashcoopPlan.objects.filter(cohort=cohort).first(),
        "days": days,
        "participants": selectors.participants_of(cohort),
        "mentors": mentors,
        "productions": cohort.flashcoop_productions.order_by("pk"),
        "forms": page_forms,
        "submitted": submitted,
    }


# --- A participant: entry profile, exit, follow-ups ---------------------------------------------------


PARTICIPANT_FORMS = {"profile", "exit", "phone"}


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(*STAFF_ROLES)
def participant(request: HttpRequest, pk: int) -> HttpResponse:
    enrolments = selectors.flashcoop_enrolments(request.user).select_related(
        "person", "cohort__edition", "entry_profile", "flashcoop_exit"
    )
    enrolment = get_object_or_404(enrolments, pk=pk)
    profile = getattr(enrolment, "entry_profile", None)
    exit_ = getattr(enrolment, "flashcoop_exit", None)
    submitted = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST" and submitted not in PARTICIPANT_FORMS:
        return HttpResponseBadRequest()
    data = request.POST if request.method == "POST" else None
    exit_initial = {"exit_date": enrolment.cohort.end_date, "is_completed": True}
    page_forms: dict[str, forms.BaseForm] = {
        "profile": flashcoop_forms.EntryProfileForm(
            data if submitted == "profile" else None, instance=profile, prefix="profile"
        ),
        "exit": flashcoop_forms.ExitForm(
            data if submitted == "exit" else None,
            instance=exit_,
            prefix="exit",
            initial=None if exit_ else exit_initial,
        ),
        "phone": flashcoop_forms.PhoneFollowUpForm(data if submitted == "phone" else None, prefix="phone"),
    }
    if submitted:
        form = page_forms[submitted]
        if form.is_valid():
            try:
                message = _save_participant_form(request, enrolment, submitted, form)
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(request, message)
                return redirect("flashcoop:participant", pk=enrolment.pk)
    audit.record(actor=request.user, action="flashcoop.participant.view", target=enrolment)
    return render(
        request,
        "flashcoop/participant.html",
        {
            "enrolment": enrolment,
            "cohort": enrolment.cohort,
            "profile": profile,
            "exit": exit_,
            "follow_ups": enrolment.flashcoop_follow_ups.select_related("recorded_by").order_by("wave"),
            "forms": page_forms,
            "submitted": submitted,
        },
    )


def _save_participant_form(
    request: HttpRequest, enrolment: Enrolment, name: str, form: forms.BaseForm
) -> str:
    data = form.cleaned_data
    if name == "profile":
        services.save_entry_profile(enrolment=enrolment, **data, by=request.user)
        return _("Entry profile saved.")
    if name == "exit":
        services.record_exit(enrolment=enrolment, **data, by=request.user)
        return _("Exit recorded.")
    services.record_phone_follow_up(
        enrolment=enrolment,
        wave=data["wave"],
        situation=data["situation"],
        note=data["note"],
        by=request.user,
    )
    return _("Phone follow-up recorded.")


# --- Experimentation dashboard and ESF export ---------------------------------------------------------


def _edition_year(request: HttpRequest) -> int | None:
    value = request.GET.get("edition", "")
    if value.isdigit():
        return int(value)
    return selectors.flashcoop_editions().values_list("year", flat=True).first()


@never_cache
@role_required(*MANAGER_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    year = _edition_year(request)
    cohorts = selectors.flashcoop_cohorts(request.user).filter(edition__year=year)
    rows = selectors.edition_dashboard(cohorts, overall_label=_("All Flashcoops"))
    situations = list(Situation)
    table = [
        {
            "row": row,
            "completion": _percent(row.completion_rate),
            "at_exit": [(row.at_exit.counts.get(s, 0), _percent(row.at_exit.share(s))) for s in situations],
            "at_m6": [(row.at_m6.counts.get(s, 0), _percent(row.at_m6.share(s))) for s in situations],
        }
        for row in rows
    ]
    return render(
        request,
        "flashcoop/dashboard.html",
        {
            "year": year,
            "editions": selectors.flashcoop_editions(),
            "table": table,
            "situations": situations,
            "versions": [(key, value["label"]) for key, value in INDICATOR_SETS.items()],
            "default_version": default_version(year),
        },
    )


def _export(request: HttpRequest, file_format: str) -> HttpResponse:
    year = _edition_year(request)
    if year is None:
        raise Http404
    version = request.GET.get("version") or default_version(year)
    if version not in INDICATOR_SETS:
        return HttpResponseBadRequest(
            _("Unknown indicator set. Choose one of: %(versions)s.") % {"versions": ", ".join(INDICATOR_SETS)}
        )
    cohorts = selectors.flashcoop_cohorts(request.user).filter(edition__year=year)
    rows = selectors.esf_rows(cohorts)
    indicator_set = INDICATOR_SETS[version]
    if file_format == "csv":
        response = HttpResponse(exports.esf_csv(rows, indicator_set), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.esf_xlsx(rows, indicator_set),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="flashcoop-{year}-{version}.{file_format}"'
    audit.record(
        actor=request.user,
        action="export.esf",
        format=file_format,
        version=version,
        edition=year,
        rows=len(rows),
    )
    return response


@never_cache
@role_required(*MANAGER_ROLES)
def esf_export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@never_cache
@role_required(*MANAGER_ROLES)
def esf_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


# --- The participant's personal follow-up page (no login) ---------------------------------------------

LINK_PROBLEMS = {"unknown": 404, "expired": 410, "answered": 410}


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the address: never send it to another site as a referrer (same-origin, since
    `no-referrer` would make browsers send `Origin: null` and fail the CSRF check), never index it."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@throttle("personal_link")
def follow_up_answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        follow_up = services.check_follow_up_link(token)
    except services.FollowUpLinkError as error:
        return _private(
            render(
                request,
                "flashcoop/follow_up_closed.html",
                {"reason": error.reason},
                status=LINK_PROBLEMS[error.reason],
            )
        )
    form = flashcoop_forms.FollowUpAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_follow_up(
                token=token, situation=form.cleaned_data["situation"], note=form.cleaned_data["note"]
            )
        except services.FollowUpLinkError as error:
            return _private(
                render(request, "flashcoop/follow_up_closed.html", {"reason": error.reason}, status=410)
            )
        return _private(redirect("flashcoop:follow_up_thanks"))
    return _private(
        render(request, "flashcoop/follow_up_answer.html", {"form": form, "wave": follow_up.wave})
    )


@never_cache
def follow_up_thanks(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "flashcoop/follow_up_thanks.html"))
