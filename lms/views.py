"""The learner's space and the facilitator's progress table of a cohort."""

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lms import selectors, services
from lms.models import CoursePage
from programmes import access, audit
from programmes.evaluation import selectors as evaluation_selectors
from programmes.models import Cohort
from programmes.permissions import role_required
from programmes.roles import Role

STAFF_ROLES = (Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)


@never_cache
@login_required
def learner_home(request: HttpRequest) -> HttpResponse:
    cohorts = list(selectors.cohorts_to_follow(request.user)[:20])
    return render(
        request,
        "lms/learner_home.html",
        {
            "courses": selectors.my_courses(request.user),
            "catalogue": selectors.open_courses_to_join(request.user),
            "cohorts": cohorts,
            "invitations": list(evaluation_selectors.open_invitations(request.user)),
        },
    )


class CohortEnrolForm(forms.Form):
    course = forms.ModelChoiceField(
        label=gettext_lazy("Course"),
        queryset=CoursePage.objects.none(),
        empty_label=gettext_lazy("Choose a course"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        course_field = self.fields["course"]
        assert isinstance(course_field, forms.ModelChoiceField)
        course_field.queryset = selectors.live_courses()


def _staffed_cohort_or_404(request: HttpRequest, pk: int) -> Cohort:
    return get_object_or_404(access.staffed_cohorts(request.user).select_related("edition"), pk=pk)


def _render_progress(request: HttpRequest, cohort: Cohort, form: CohortEnrolForm) -> HttpResponse:
    table = selectors.cohort_progress_table(cohort)
    return render(request, "lms/cohort_progress.html", {"cohort": cohort, "table": table, "form": form})


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
    writer.writerow([_("Last name"), _("First name"), *[course.title for course in table.courses]])
    for row in table.rows:
        writer.writerow(
            [
                row.member.person.last_name,
                row.member.person.first_name,
                *["" if cell is None else f"{cell.progress:.2f}" for cell in row.cells],
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
