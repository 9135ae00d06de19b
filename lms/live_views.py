"""Live sessions: the learner's page, join, sign-in and calendar; the facilitator's schedule, sign-in sheet
and attendance confirmation. Sessions outside the caller's reach answer 404."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lms import calendar, selectors, services
from lms.choices import LiveAttendanceStatus
from lms.forms import LiveSessionForm
from lms.models import LiveAttendance, LiveSession
from programmes.models import Cohort
from programmes.permissions import role_required
from programmes.roles import Role
from programmes.security import throttle

STAFF_ROLES = (Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)


def _sessions() -> Any:
    return LiveSession.objects.select_related("course", "cohort__edition", "facilitator", "lesson")


def _reachable_or_404(request: HttpRequest, pk: int) -> tuple[LiveSession, bool, bool]:
    """(session, may join as a learner, runs it)."""
    user = request.user
    reachable = Q(pk__in=selectors.eligible_sessions(user).values("pk")) | Q(
        pk__in=selectors.managed_sessions(user).values("pk")
    )
    session = get_object_or_404(_sessions().filter(reachable), pk=pk)
    is_learner = selectors.eligible_sessions(user).filter(pk=pk).exists()
    return session, is_learner, selectors.can_manage_session(user, session)


def _managed_or_404(request: HttpRequest, pk: int) -> LiveSession:
    return get_object_or_404(
        _sessions().filter(pk__in=selectors.managed_sessions(request.user).values("pk")), pk=pk
    )


def _page_url(request: HttpRequest, session: LiveSession) -> str:
    return request.build_absolute_uri(reverse("lms:live_session", args=[session.pk]))


@never_cache
@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session, is_learner, runs_it = _reachable_or_404(request, pk)
    attendance = (
        LiveAttendance.objects.filter(session=session, user=request.user).first() if is_learner else None
    )
    entry = selectors.SessionEntry(session, attendance, timezone.now())
    return render(
        request,
        "lms/live/session_detail.html",
        {"session": session, "entry": entry, "is_learner": is_learner, "runs_it": runs_it},
    )


@never_cache
@require_POST
@login_required
def session_join(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the learner's arrival, then send them to the virtual class."""
    session = get_object_or_404(
        _sessions().filter(pk__in=selectors.eligible_sessions(request.user).values("pk")), pk=pk
    )
    try:
        services.join_live_session(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("lms:live_session", pk=session.pk)
    return HttpResponseRedirect(session.join_url)


@never_cache
@require_POST
@login_required
def session_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner signs the sheet of the in-person workshop they are at."""
    session = get_object_or_404(
        _sessions().filter(pk__in=selectors.eligible_sessions(request.user).values("pk")), pk=pk
    )
    try:
        services.sign_in(session=session, user=request.user, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You are signed in. Have a good workshop!"))
    return redirect("lms:live_session", pk=session.pk)


@never_cache
@login_required
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    session, _is_learner, _runs_it = _reachable_or_404(request, pk)
    body = calendar.calendar_bytes(
        [session], page_url=lambda item: _page_url(request, item), name=session.course.title
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


@never_cache
@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The personal calendar address: shown once when created; creating a new one stops the old one."""
    feed_url = ""
    if request.method == "POST":
        token = services.new_calendar_token(user=request.user)
        feed_url = request.build_absolute_uri(reverse("lms:calendar_feed", args=[token]))
    has_feed = hasattr(request.user, "calendar_feed")
    return render(request, "lms/live/calendar.html", {"feed_url": feed_url, "has_feed": has_feed})


@never_cache
@throttle("personal_link")
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribed calendar: no login, the unguessable address is the key."""
    user = selectors.calendar_feed_user(token)
    if user is None:
        raise Http404
    body = calendar.calendar_bytes(
        selectors.calendar_sessions(user), page_url=lambda item: _page_url(request, item), name="Essaim"
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- Facilitators ----------------------------------------------------------------------------------


@never_cache
@role_required(*STAFF_ROLES)
def run_sessions(request: HttpRequest) -> HttpResponse:
    entries = selectors.run_sessions(request.user)
    return render(
        request,
        "lms/live/run_sessions.html",
        {
            "upcoming": [entry for entry in entries if not entry.is_over],
            "past": list(reversed([entry for entry in entries if entry.is_over])),
        },
    )


def _schedule_fields(form: LiveSessionForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("course"), data.pop("cohort")
    return data


@never_cache
@role_required(*STAFF_ROLES)
def session_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if request.GET.get("cohort", "").isdigit():
        initial["cohort"] = int(request.GET["cohort"])
    form = LiveSessionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.schedule_live_session(
                course=form.cleaned_data["course"],
                cohort=form.cleaned_data["cohort"],
                by=request.user,
                **_schedule_fields(form),
            )
        except PermissionDenied as error:
            form.add_error("cohort", str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Session scheduled."))
            return redirect("lms:live_session", pk=session.pk)
    return render(request, "lms/live/session_form.html", {"form": form, "session": None})


@never_cache
@role_required(*STAFF_ROLES)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _managed_or_404(request, pk)
    form = LiveSessionForm(request.POST or None, user=request.user, instance=session)
    # Course and cohort stay as scheduled: the learners invited depend on them.
    form.fields["course"].disabled = form.fields["cohort"].disabled = True
    form.fields["cohort"].required = False
    form.fields["cohort"].queryset = Cohort.objects.filter(pk=session.cohort_id)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            # A fresh copy: the form has already written the posted values on `session`.
            services.update_live_session(
                session=_managed_or_404(request, pk), by=request.user, **_schedule_fields(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Session updated."))
            return redirect("lms:live_session", pk=session.pk)
    return render(request, "lms/live/session_form.html", {"form": form, "session": session})


@never_cache
@role_required(*STAFF_ROLES)
def sign_in_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The electronic sign-in sheet on the facilitator's phone: one big button per learner."""
    session = _managed_or_404(request, pk)
    if request.method == "POST":
        user_id = request.POST.get("user", "")
        learner = (
            selectors.roster_users(session).filter(pk=int(user_id)).first() if user_id.isdigit() else None
        )
        if learner is None:
            raise Http404
        try:
            if request.POST.get("action") == "cancel":
                services.cancel_signature(session=session, user=learner, by=request.user)
            else:
                services.sign_in(session=session, user=learner, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('lms:live_sign_in_sheet', args=[session.pk])}#learner-{learner.pk}")
    roster = selectors.session_roster(session)
    return render(
        request,
        "lms/live/sign_in_sheet.html",
        {"session": session, "roster": roster, "signed": sum(1 for row in roster if row.has_signed)},
    )


@never_cache
@role_required(*STAFF_ROLES)
def confirm_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """After the session: who was there and for how long, and the minutes."""
    session = _managed_or_404(request, pk)
    roster = selectors.session_roster(session)
    errors: list[str] = []
    posted: dict[int, dict[str, str]] = {}
    if request.method == "POST":
        marks: dict[int, services.AttendanceMark] = {}
        for row in roster:
            status = request.POST.get(f"status-{row.user.pk}", "")
            minutes_text = request.POST.get(f"minutes-{row.user.pk}", "").strip()
            posted[row.user.pk] = {"status": status, "minutes": minutes_text}
            if status not in LiveAttendanceStatus.values:
                errors.append(_("Choose present or absent for %(name)s.") % {"name": row.user})
                continue
            minutes = None
            if status == LiveAttendanceStatus.PRESENT and minutes_text:
                if not minutes_text.isdigit():
                    errors.append(_("Minutes attended by %(name)s: a whole number.") % {"name": row.user})
                    continue
                minutes = int(minutes_text)
            marks[row.user.pk] = services.AttendanceMark(status=status, minutes=minutes)
        if not errors:
            try:
                services.confirm_attendance(
                    session=session, marks=marks, notes=request.POST.get("notes", ""), by=request.user
                )
            except ValidationError as error:
                errors = error.messages
            else:
                present = sum(1 for mark in marks.values() if mark.status == LiveAttendanceStatus.PRESENT)
                messages.success(
                    request,
                    _("Attendance confirmed: %(present)s present, %(absent)s absent.")
                    % {"present": present, "absent": len(marks) - present},
                )
                return redirect("lms:live_confirm", pk=session.pk)
    rows = []
    for row in roster:
        previous = posted.get(row.user.pk)
        attendance = row.attendance
        confirmed_minutes = (
            attendance.minutes_attended if attendance is not None and attendance.confirmed_at else None
        )
        rows.append(
            {
                "row": row,
                "status": previous["status"]
                if previous
                else (
                    LiveAttendanceStatus.PRESENT if row.is_present_by_default else LiveAttendanceStatus.ABSENT
                ),
                "minutes": previous["minutes"]
                if previous
                else (confirmed_minutes or session.duration_minutes),
            }
        )
    return render(
        request,
        "lms/live/confirm.html",
        {
            "session": session,
            "rows": rows,
            "errors": errors,
            "notes": request.POST.get("notes", session.notes) if request.method == "POST" else session.notes,
            "is_started": timezone.now() >= session.starts_at,
            "buttons": LiveAttendanceStatus.choices,
        },
    )
