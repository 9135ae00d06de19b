"""The learner's space, the facilitator's progress table of a cohort, staff reports per course and a
learner's time for staff."""

import csv
import hashlib
import io
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.forms.models import ModelChoiceIterator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lms import activity, downloads, open_badges, selectors, services, structure_cache, xapi
from lms.models import CoursePage
from programmes import access, audit, figures
from programmes.evaluation import selectors as evaluation_selectors
from programmes.forms import LongSelect
from programmes.models import Cohort, Enrolment
from programmes.permissions import has_any_role, role_required
from programmes.roles import Role

STAFF_ROLES = (Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)


@never_cache
@login_required
def learner_home(request: HttpRequest) -> HttpResponse:
    cohorts = list(selectors.cohorts_to_follow(request.user)[:20])
    courses = selectors.my_courses(request.user)
    times = selectors.time_summaries(request.user, courses)
    return render(
        request,
        "lms/learner_home.html",
        {
            "courses": [(progress, times[progress.course.pk]) for progress in courses],
            "catalogue": selectors.open_courses_to_join(request.user),
            "cohorts": cohorts,
            "invitations": list(evaluation_selectors.open_invitations(request.user)),
            "certificates": list(selectors.my_certificates(request.user)),
            "open_badges_available": open_badges.is_available(),
            "sessions": selectors.learner_sessions(request.user, limit=10),
            "is_staff_member": has_any_role(request.user, *STAFF_ROLES),
            "xapi_identifier": xapi.pseudonym(request.user.pk),
        },
    )


@never_cache
@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = downloads.downloadable_certificate(request.user, code)
    return downloads.certificate_file_response(request.user, certificate)


@never_cache
@login_required
def certificate_open_badge(request: HttpRequest, code: str) -> HttpResponse:
    certificate = downloads.downloadable_certificate(request.user, code)
    return downloads.open_badge_response(request.user, certificate)


class LiveCourseChoiceIterator(ModelChoiceIterator):
    """The live courses as (id, title) pairs from the cache (selectors.live_course_choices), rather
    than a page object per course; validation still reads the chosen one from the field's queryset."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from selectors.live_course_choices()


class CourseChoiceField(forms.ModelChoiceField):
    iterator = LiveCourseChoiceIterator
    widget = LongSelect


class CohortEnrolForm(forms.Form):
    course = CourseChoiceField(
        label=gettext_lazy("Course"),
        queryset=CoursePage.objects.none(),
        empty_label=gettext_lazy("Choose a course"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:  # the options come from the cache; the queryset only validates an answer
            course_field = self.fields["course"]
            assert isinstance(course_field, forms.ModelChoiceField)  # type narrowing  # nosec B101
            course_field.queryset = selectors.live_courses()


def _staffed_cohort_or_404(request: HttpRequest, pk: int) -> Cohort:
    return get_object_or_404(access.staffed_cohorts(request.user).select_related("edition"), pk=pk)


PROGRESS_TABLE = "lms/includes/progress_table.html"


def _rendered_progress_table(cohort: Cohort) -> str:
    """A cohort's progress table, rendered once for each state of what it shows: the cohort's members
    (data generation, programmes.figures), the courses (structure generation, lms.structure_cache) and
    each member's learning data (activity versions, lms.activity). Whoever may see the cohort (checked by
    the caller) sees the same table. While this connection holds uncommitted changes of any of those, the
    table is rendered afresh and not stored."""

    members: list[Enrolment] | None = None

    def render_table() -> str:
        table = selectors.cohort_progress_table(cohort, members=members)
        return render_to_string(PROGRESS_TABLE, {"cohort": cohort, "table": table})

    def load_accounts() -> list[int]:
        # The accounts are renewed with the members, so the table is rendered too: read the members once.
        nonlocal members
        members = selectors.progress_table_members(cohort)
        return sorted({member.person.user_id for member in members if member.person.user_id is not None})

    scope = f"cohort:{cohort.pk}"
    members_key = figures.key(("progress_table", scope, get_language()))
    structures = structure_cache.generation()
    if members_key is None or structures is None or activity.has_uncommitted_changes():
        return render_table()
    accounts = figures.cached(("progress_accounts", scope), load_accounts)
    # Read before rendering: a change committed meanwhile leaves this entry behind.
    versions = sorted(activity.versions(accounts).items())
    digest = hashlib.sha256(repr((members_key, structures, versions)).encode()).hexdigest()
    key = f"lms:progress_table:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_table()
        cache.set(key, html, figures.timeout())
    return str(html)


def _render_progress(request: HttpRequest, cohort: Cohort, form: CohortEnrolForm) -> HttpResponse:
    table_html = mark_safe(_rendered_progress_table(cohort))  # rendered by a template  # nosec B308 B703
    return render(
        request, "lms/cohort_progress.html", {"cohort": cohort, "table_html": table_html, "form": form}
    )


@never_cache
@role_required(*STAFF_ROLES)
def cohort_progress(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _staffed_cohort_or_404(request, pk)
    audit.record(actor=request.user, action="lms.cohort_progress.view", target=cohort)
    return _render_progress(request, cohort, CohortEnrolForm())


@never_cache
@role_required(*STAFF_ROLES)
def cohort_progress_csv(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _staffed_cohort_or_404(request, pk)
    table = selectors.cohort_progress_table(cohort)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    headers = [_("Last name"), _("First name"), *[course.title for course in table.courses]]
    for course in table.courses:
        headers.append(
            _("%(course)s: estimated time of completed activities (minutes)") % {"course": course.title}
        )
        headers.append(_("%(course)s: connected time (minutes)") % {"course": course.title})
    writer.writerow(headers)
    for row in table.rows:
        times: list[str] = []
        for cell in row.cells:
            times += (
                ["", ""]
                if cell is None
                else [str(cell.time.estimated_minutes), str(cell.time.connected_minutes)]
            )
        writer.writerow(
            [
                row.member.person.last_name,
                row.member.person.first_name,
                *["" if cell is None else f"{cell.progress:.2f}" for cell in row.cells],
                *times,
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="progress-cohort-{cohort.pk}.csv"'
    audit.record(actor=request.user, action="export.lms_progress", target=cohort, rows=len(table.rows))
    return response


@never_cache
@require_POST
@role_required(*STAFF_ROLES)
def cohort_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _staffed_cohort_or_404(request, pk)
    form = CohortEnrolForm(request.POST)
    if not form.is_valid():
        return _render_progress(request, cohort, form)
    created = services.enrol_cohort(course=form.cleaned_data["course"], cohort=cohort, by=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s member enrolled in %(course)s.",
            "%(count)s members enrolled in %(course)s.",
            len(created),
        )
        % {"count": len(created), "course": form.cleaned_data["course"].title},
    )
    return redirect("lms:cohort_progress", pk=cohort.pk)


# --- Staff reports and a learner's time ---------------------------------------------------------------


def _reportable_course_or_404(request: HttpRequest, pk: int) -> tuple[CoursePage, selectors.CourseReport]:
    course = get_object_or_404(selectors.reportable_courses(request.user), pk=pk)
    report = selectors.course_report(request.user, course)
    if report is None:
        raise Http404
    return course, report


@never_cache
@login_required
def course_reports(request: HttpRequest) -> HttpResponse:
    courses = list(selectors.reportable_courses(request.user))
    if not courses and not has_any_role(request.user, *STAFF_ROLES):
        raise Http404
    return render(request, "lms/reports/index.html", {"courses": courses})


@never_cache
@login_required
def course_report(request: HttpRequest, pk: int) -> HttpResponse:
    course, report = _reportable_course_or_404(request, pk)
    return render(
        request,
        "lms/reports/course.html",
        {"course": course, "report": report, "can_export_xapi": xapi.can_export_course(request.user, course)},
    )


def _report_cells(row: selectors.ReportRow) -> list[str]:
    rate = row.completion_rate
    return [
        str(row.enrolled),
        str(row.started),
        str(row.completed),
        "" if rate is None else f"{rate:.2f}",
        "" if row.median_connected_minutes is None else str(row.median_connected_minutes),
        "" if row.median_estimated_minutes is None else str(row.median_estimated_minutes),
    ]


@never_cache
@login_required
def course_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    course, report = _reportable_course_or_404(request, pk)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Cohort"),
            _("Edition"),
            _("Enrolled"),
            _("Started"),
            _("Completed"),
            _("Completion rate"),
            _("Median connected time (minutes)"),
            _("Median estimated time of completed activities (minutes)"),
        ]
    )
    for row in report.cohorts:
        assert row.cohort is not None  # type narrowing  # nosec B101
        writer.writerow([row.cohort.name, row.cohort.edition.year, *_report_cells(row)])
    if report.without_cohort is not None:
        writer.writerow([_("No cohort"), "", *_report_cells(report.without_cohort)])
    writer.writerow([_("All learners"), "", *_report_cells(report.total)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="course-report-{course.pk}.csv"'
    audit.record(
        actor=request.user,
        action="export.lms_course_report",
        target=course,
        rows=len(report.cohorts),
        whole_course=report.is_whole_course,
    )
    return response


@never_cache
@role_required(*STAFF_ROLES)
def learner_time(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner's time (estimated and connected), live sessions and connection log, for staff in scope."""
    person = get_object_or_404(
        access.visible_people(request.user).filter(user__isnull=False).select_related("user"), pk=pk
    )
    audit.record(actor=request.user, action="lms.learner_time.view", target=person)
    return render(
        request,
        "lms/learner_time.html",
        {
            "person": person,
            "detail": selectors.learner_time(person.user),
            "xapi_identifier": xapi.pseudonym(person.user.pk),
        },
    )
