"""Learning records as xAPI statement files (JSON): a learner's own, a learner's for staff in scope, and a
course's for staff (the learners of the cohorts they follow). Every download is audit-logged."""

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from lms import selectors, xapi
from lms.models import CoursePage
from programmes import access, audit
from programmes.models import Person


def statements_response(statements: list[xapi.Statement], filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(statements, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def exportable_course_or_404(user: Any, pk: int) -> CoursePage:
    """A course whose records the user may export (for the learners in their scope), or 404."""
    if not 0 < pk < 2**63:  # a page id beyond the database's integers is no course (SQLite would raise)
        raise Http404
    course = get_object_or_404(selectors.reportable_courses(user), pk=pk)
    if not xapi.can_export_course(user, course):
        raise Http404
    return course


def visible_learner_or_404(user: Any, pk: int) -> Person:
    return get_object_or_404(
        access.visible_people(user).filter(user__isnull=False).select_related("user"), pk=pk
    )


@never_cache
@login_required
def my_statements(request: HttpRequest) -> HttpResponse:
    statements = xapi.learner_export(learner=request.user)  # type: ignore[arg-type]
    audit.record(actor=request.user, action="export.lms_xapi", scope="self", rows=len(statements))
    return statements_response(statements, "xapi-my-learning-records.json")


@never_cache
@login_required
def course_statements(request: HttpRequest, pk: int) -> HttpResponse:
    course = exportable_course_or_404(request.user, pk)
    statements = xapi.course_export(viewer=request.user, course=course)
    audit.record(
        actor=request.user, action="export.lms_xapi", target=course, scope="course", rows=len(statements)
    )
    return statements_response(statements, f"xapi-course-{course.pk}.json")


@never_cache
@login_required
def person_statements(request: HttpRequest, pk: int) -> HttpResponse:
    person = visible_learner_or_404(request.user, pk)
    statements = xapi.learner_export(learner=person.user)  # type: ignore[arg-type]
    audit.record(
        actor=request.user, action="export.lms_xapi", target=person, scope="learner", rows=len(statements)
    )
    return statements_response(statements, f"xapi-person-{person.pk}.json")
