"""Front-office spaces of the core roles. Each space shows only what the access policy allows."""

import dataclasses
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from programmes import access, audit, exports, figures, fragments, selectors, services
from programmes.choices import AttendanceStatus, CohortStatus, EnrolmentStatus, ExitReason
from programmes.models import Cohort, Enrolment, Organisation, Session, User
from programmes.models.enrolments import EXIT_STATUSES, TRANSITIONS
from programmes.permissions import role_required
from programmes.privacy import export as privacy_export
from programmes.privacy import services as privacy_services
from programmes.roles import Role
from programmes.statistics import scoped_edition_statistics

STAFF_ROLES = (Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)
# Short labels for the attendance sheet's segmented buttons (the full labels do not fit a phone row).
ATTENDANCE_BUTTONS = [
    (AttendanceStatus.PRESENT, gettext_lazy("Present")),
    (AttendanceStatus.EXCUSED, gettext_lazy("Excused")),
    (AttendanceStatus.UNEXCUSED, gettext_lazy("Unexcused")),
]
# Geometry of the dashboard's bar chart, in SVG user units.
CHART_WIDTH, CHART_ROW, CHART_LABEL_WIDTH, CHART_BAR_SPACE = 640, 28, 220, 360


@login_required
def account(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    return render(request, "programmes/account.html", {"person": person})


@never_cache
@require_POST
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Subject access by the person themself: everything about them, as a ZIP (audited)."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    content = privacy_services.export_person(person=person, by=request.user, via="self")
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{privacy_export.zip_name(person)}"'
    return response


# --- Coordinator space --------------------------------------------------------------------------------


def percent(value: float | None) -> str:
    """A share in 0..1 as a rounded percentage for people ("—" when unknown)."""
    if value is None:
        return "—"
    return _("%(value)s%%") % {"value": formats.number_format(round(value * 100), 0)}


def _dashboard_scope(request: HttpRequest) -> selectors.DashboardScope:
    return selectors.dashboard_scope(
        request.user,
        programme_slug=request.GET.get("programme", ""),
        year=request.GET.get("year", ""),
        region_code=request.GET.get("region", ""),
    )


def _key_figures(user: Any, scope: selectors.DashboardScope) -> list[tuple[str, str]]:
    if scope.programme is None or scope.year is None:
        return []
    figures = scoped_edition_statistics(
        user, programme=scope.programme, edition_year=scope.year, region=scope.region
    )
    return [
        (_("Cohorts"), formats.number_format(figures["cohorts"])),
        (_("Participants"), formats.number_format(figures["participants"])),
        (_("Completion rate"), percent(figures["completion_rate"])),
        (_("Drop-out rate"), percent(figures["dropout_rate"])),
        (_("Attendance rate"), percent(figures["attendance_rate"])),
        (_("Girls"), percent(figures["girls_share"])),
        (_("Communes"), formats.number_format(figures["communes"])),
        (_("Local partners"), formats.number_format(figures["local_partners"])),
    ]


def _members_chart(rows: list[selectors.CohortRow]) -> dict[str, Any] | None:
    """Horizontal bars of started members per cohort, drawn by the template as inline SVG."""
    if not rows:
        return None
    top = max(row.members for row in rows) or 1
    bars = []
    for index, row in enumerate(rows):
        width = row.members / top * CHART_BAR_SPACE
        bars.append(
            {
                "label": Truncator(row.cohort.name).chars(30),
                "value": row.members,
                # Strings, so that the template never localises a decimal point into a comma.
                "y": str(index * CHART_ROW),
                "width": f"{width:.1f}",
                "value_x": f"{CHART_LABEL_WIDTH + width + 6:.1f}",
            }
        )
    description = "; ".join(
        ngettext("%(name)s: %(count)s member", "%(name)s: %(count)s members", row.members)
        % {"name": row.cohort.name, "count": row.members}
        for row in rows
    )
    return {
        "bars": bars,
        "width": str(CHART_WIDTH),
        "height": str(len(rows) * CHART_ROW),
        "label_x": str(CHART_LABEL_WIDTH - 8),
        "bar_x": str(CHART_LABEL_WIDTH),
        "description": description,
    }


@never_cache
@role_required(Role.COORDINATOR, Role.FABRIQUE)
def coordinator_home(request: HttpRequest) -> HttpResponse:
    scope = _dashboard_scope(request)
    query = urlencode(scope.query)
    return render(
        request,
        "programmes/coordinator_home.html",
        {
            "scope": scope,
            "cohorts": _rendered_cohorts(request.user, scope),
            "key_figures": _key_figures(request.user, scope),
            "export_csv_url": f"{reverse('programmes:coordinator_export_csv')}?{query}",
            "export_xlsx_url": f"{reverse('programmes:coordinator_export_xlsx')}?{query}",
        },
    )


@dataclasses.dataclass(frozen=True)
class RenderedCohorts:
    """The dashboard's cohort table and chart, rendered once per data generation, scope and language."""

    count: int
    table: str
    chart: str


def _rendered_cohorts(user: Any, scope: selectors.DashboardScope) -> RenderedCohorts:
    """A national edition is a table of hundreds of cohorts: the cache keeps its HTML, so that a request
    reads one string instead of rebuilding (or unpickling) hundreds of rows (programmes.figures)."""

    def render_cohorts() -> RenderedCohorts:
        rows = selectors.cohort_table(selectors.dashboard_cohorts(user, scope))
        table = [
            {"row": row, "retention": percent(row.retention), "attendance": percent(row.attendance_rate)}
            for row in rows
        ]
        return RenderedCohorts(
            count=len(rows),
            table=render_to_string(
                "programmes/includes/dashboard_table.html", {"rows": rows, "table": table}
            ),
            chart=render_to_string(
                "programmes/includes/dashboard_chart.html", {"chart": _members_chart(rows)}
            ),
        )

    parts = ("dashboard_cohorts", figures.scope_key(user), tuple(sorted(scope.query.items())), get_language())
    return figures.cached(parts, render_cohorts)


def _export_filename(scope: selectors.DashboardScope, extension: str) -> str:
    parts = ["cohorts", *scope.query.values()]
    return "-".join(parts) + "." + extension


def _export(request: HttpRequest, file_format: str) -> HttpResponse:
    scope = _dashboard_scope(request)
    rows = selectors.cohort_table(selectors.dashboard_cohorts(request.user, scope))
    if file_format == "csv":
        response = HttpResponse(exports.cohorts_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.cohorts_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(scope, file_format)}"'
    audit.record(
        actor=request.user, action="export.cohorts", format=file_format, rows=len(rows), filters=scope.query
    )
    return response


@never_cache
@role_required(Role.COORDINATOR, Role.FABRIQUE)
def coordinator_export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@never_cache
@role_required(Role.COORDINATOR, Role.FABRIQUE)
def coordinator_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


# --- Facilitator space --------------------------------------------------------------------------------


class StatusChangeForm(forms.Form):
    """Move one member along the enrolment lifecycle: only the statuses that may follow are offered."""

    status = forms.ChoiceField(
        label=gettext_lazy("New status"),
        error_messages={"invalid_choice": gettext_lazy("This member cannot move to that status.")},
    )
    on = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Today if left empty."),
    )
    exit_reason = forms.ChoiceField(
        label=gettext_lazy("Reason for leaving"),
        required=False,
        choices=[("", gettext_lazy("Choose a reason")), *ExitReason.choices],
        help_text=gettext_lazy("Required when the member leaves (withdrawn or excluded)."),
    )
    exit_note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required when the reason is “Other”."),
    )

    def __init__(self, *args: Any, enrolment: Enrolment, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"enrolment-{enrolment.pk}")
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        allowed = TRANSITIONS[enrolment.status]
        status_field = cast(forms.ChoiceField, self.fields["status"])
        status_field.choices = [
            (value, label) for value, label in EnrolmentStatus.choices if value in allowed
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in EXIT_STATUSES:
            if not data.get("exit_reason"):
                self.add_error("exit_reason", _("Give the reason why this person left."))
            elif data["exit_reason"] == ExitReason.OTHER and not data.get("exit_note", "").strip():
                self.add_error("exit_note", _("Explain the reason in a short note."))
        return data


class StatusFieldsCache:
    """The fields of the members' status forms, rendered once per current status.

    An unbound form differs from member to member only by its prefix, so it is rendered with the
    placeholder prefix that Django's formsets use for their empty form, then given each member's."""

    PLACEHOLDER = "__prefix__"

    def __init__(self) -> None:
        self._by_status: dict[str, str] = {}

    def html_for(self, enrolment: Enrolment) -> SafeString:
        html = self._by_status.get(enrolment.status)
        if html is None:
            form = StatusChangeForm(enrolment=enrolment, prefix=f"enrolment-{self.PLACEHOLDER}")
            html = render_to_string("programmes/includes/status_fields.html", {"form": form})
            self._by_status[enrolment.status] = html
        fields = html.replace(self.PLACEHOLDER, str(int(enrolment.pk)))
        return mark_safe(fields)  # escaped by the template, an integer put in  # nosec B308 B703


class SessionForm(forms.ModelForm[Session]):
    class Meta:
        model = Session
        fields = ["date", "start_time", "end_time", "kind", "title"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


def _staffed_cohort_or_404(user: Any, pk: int) -> Cohort:
    cohorts = access.staffed_cohorts(user).select_related(
        "edition__programme", "department__region", "commune", "host"
    )
    return get_object_or_404(cohorts, pk=pk)


@never_cache
@role_required(*STAFF_ROLES)
def facilitator_home(request: HttpRequest) -> HttpResponse:
    rows = selectors.cohort_table(selectors.staffed_cohort_list(request.user))
    current = [row for row in rows if row.cohort.status in (CohortStatus.PLANNED, CohortStatus.RUNNING)]
    past = [row for row in rows if row not in current]
    return render(
        request, "programmes/facilitator_home.html", {"rows": rows, "current": current, "past": past}
    )


def _add_service_error(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def _cohort_context(
    cohort: Cohort,
    *,
    failed_form: StatusChangeForm | None = None,
    session_form: SessionForm | None = None,
) -> dict[str, Any]:
    enrolments = list(selectors.members_of(cohort).order_by("person__last_name", "person__first_name", "pk"))
    streaks = selectors.consecutive_absences([enrolment.pk for enrolment in enrolments], cohort=cohort)
    status_fields = StatusFieldsCache()
    members = []
    for enrolment in enrolments:
        # The member whose change failed gets the bound form with its errors; the others, with a status
        # to move to, the fields rendered once per status (no form object each).
        form: StatusChangeForm | None = None
        fields_html = None
        if failed_form is not None and failed_form.enrolment.pk == enrolment.pk:
            form = failed_form
        elif TRANSITIONS[enrolment.status]:
            fields_html = status_fields.html_for(enrolment)
        absences = streaks.get(enrolment.pk, 0)
        members.append(
            {
                "enrolment": enrolment,
                "form": form,
                "fields_html": fields_html,
                "guardian_problems": enrolment.guardian_problems()
                if enrolment.status not in {*EXIT_STATUSES, EnrolmentStatus.COMPLETED}
                else [],
                "absences": absences if absences >= selectors.ABSENCE_ALERT_STREAK else 0,
            }
        )
    return {
        "cohort": cohort,
        "members": members,
        "failed_form": failed_form,
        "sessions": list(selectors.cohort_sessions(cohort)),
        "session_form": session_form or SessionForm(initial={"date": timezone.localdate()}),
        "partnerships": list(
            cohort.partnerships.select_related("organisation").order_by("organisation__name", "role")
        ),
    }


COHORT_BODY = "programmes/includes/cohort_body.html"


def _render_cohort(
    request: HttpRequest,
    cohort: Cohort,
    *,
    failed_form: StatusChangeForm | None = None,
    session_form: SessionForm | None = None,
) -> HttpResponse:
    if failed_form is not None or session_form is not None:  # a form's errors: drawn for this request
        context = _cohort_context(cohort, failed_form=failed_form, session_form=session_form)
        return render(request, "programmes/cohort_detail.html", context)
    # The page as it stands is the same for everyone who may see the cohort (checked by the caller), so
    # it is cached per cohort, language and day (ages, the new session's date) under the data
    # generation, which any change of programme data moves on (programmes.figures).
    parts = ("cohort_page", f"cohort:{cohort.pk}", get_language(), timezone.localdate().isoformat())
    body = figures.cached(parts, lambda: fragments.render_fragment(COHORT_BODY, _cohort_context(cohort)))
    return render(
        request,
        "programmes/cohort_detail.html",
        {"cohort": cohort, "body": fragments.for_request(request, body)},
    )


@never_cache
@role_required(*STAFF_ROLES)
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _staffed_cohort_or_404(request.user, pk)
    audit.record(actor=request.user, action="cohort.members.view", target=cohort)
    return _render_cohort(request, cohort)


@never_cache
@require_POST
@role_required(*STAFF_ROLES)
def enrolment_status(request: HttpRequest, pk: int) -> HttpResponse:
    enrolments = Enrolment.objects.select_related(
        "person",
        "cohort__edition__programme",
        "cohort__department__region",
        "cohort__commune",
        "cohort__host",
    ).filter(cohort__in=access.staffed_cohorts(request.user))
    enrolment = get_object_or_404(enrolments, pk=pk)
    cohort = enrolment.cohort
    form = StatusChangeForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_enrolment_status(
                enrolment=enrolment,
                status=data["status"],
                on=data["on"] or timezone.localdate(),
                exit_reason=data["exit_reason"] if data["status"] in EXIT_STATUSES else "",
                exit_note=data["exit_note"] if data["status"] in EXIT_STATUSES else "",
                by=request.user,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(status)s.")
                % {"name": enrolment.person, "status": EnrolmentStatus(data["status"]).label.lower()},
            )
            return redirect(reverse("programmes:cohort_detail", args=[cohort.pk]) + f"#member-{enrolment.pk}")
    return _render_cohort(request, cohort, failed_form=form)


@never_cache
@require_POST
@role_required(*STAFF_ROLES)
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _staffed_cohort_or_404(request.user, pk)
    form = SessionForm(request.POST, instance=Session(cohort=cohort))
    if form.is_valid():
        session = form.save()
        messages.success(request, _("Session added. You can take attendance now."))
        return redirect("programmes:attendance_sheet", pk=session.pk)
    return _render_cohort(request, cohort, session_form=form)


@never_cache
@role_required(*STAFF_ROLES)
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    sessions = Session.objects.select_related(
        "cohort__edition__programme", "cohort__department__region", "cohort__commune"
    ).filter(cohort__in=access.staffed_cohorts(request.user))
    session = get_object_or_404(sessions, pk=pk)
    members = list(selectors.current_members(session.cohort))
    chosen: dict[int, str] = dict(session.attendances.values_list("enrolment_id", "status"))
    is_recorded = bool(chosen)
    missing: list[Enrolment] = []
    errors: list[str] = []
    if request.method == "POST":
        marks = {}
        for enrolment in members:
            value = request.POST.get(f"mark-{enrolment.pk}", "")
            if value in AttendanceStatus.values:
                marks[enrolment.pk] = value
            else:
                missing.append(enrolment)
        chosen.update(marks)
        if missing:
            errors = [
                _("Choose present, excused or unexcused for %(name)s.") % {"name": enrolment.person}
                for enrolment in missing
            ]
        else:
            try:
                services.record_attendance(session=session, marks=marks, by=request.user)
            except ValidationError as error:
                errors = error.messages
            else:
                present = sum(1 for status in marks.values() if status == AttendanceStatus.PRESENT)
                messages.success(
                    request,
                    _("Attendance saved: %(present)s present, %(absent)s absent.")
                    % {"present": present, "absent": len(marks) - present},
                )
                return redirect("programmes:attendance_sheet", pk=session.pk)
    rows = [
        {
            "enrolment": enrolment,
            "value": chosen.get(enrolment.pk, AttendanceStatus.PRESENT),
            "is_missing": enrolment in missing,
        }
        for enrolment in members
    ]
    return render(
        request,
        "programmes/attendance_sheet.html",
        {
            "session": session,
            "cohort": session.cohort,
            "rows": rows,
            "buttons": ATTENDANCE_BUTTONS,
            "errors": errors,
            "is_recorded": is_recorded,
        },
    )


# --- Partner space ------------------------------------------------------------------------------------


@role_required(Role.PARTNER, Role.FABRIQUE)
def partner_home(request: HttpRequest) -> HttpResponse:
    """Aggregates only: this page must never show a person's name."""
    user = cast(User, request.user)  # role_required lets only authenticated users in
    cohorts = selectors.cohort_list(user).order_by("-edition__year", "name")
    organisations = Organisation.objects.filter(contacts__user=user).order_by("name")
    return render(
        request,
        "programmes/partner_home.html",
        {"cohorts": cohorts, "organisations": organisations},
    )
