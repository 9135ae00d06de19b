"""Learning records as xAPI 1.0.3 statements through the API: the caller's own, a course's (the learners of
the cohorts the caller follows; everyone for the national team) and one learner's for staff in scope.
Anything outside the caller's scope answers 404; every call is audit-logged like the file downloads."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import permissions, response, serializers, views
from rest_framework.request import Request

from lms import xapi, xapi_views
from programmes import audit

F = TypeVar("F", bound=Callable[..., Any])

EXAMPLE = {
    "id": "3b0f3f5e-9a4e-5c0e-8f4d-2f6a9d7c1b21",
    "actor": {
        "objectType": "Agent",
        "account": {"homePage": "https://essaim.example.org/", "name": "5f2b9c0d8e7a6b5c4d3e2f1a0b9c8d7e"},
    },
    "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en": "passed", "fr": "a réussi"}},
    "object": {
        "objectType": "Activity",
        "id": "https://essaim.example.org/xapi/activities/quiz/12",
        "definition": {"name": {"fr": "Quiz"}, "type": "http://adlnet.gov/expapi/activities/assessment"},
    },
    "result": {
        "score": {"scaled": 0.8, "raw": 80.0, "min": 0, "max": 100},
        "success": True,
        "completion": True,
    },
    "context": {
        "platform": "Essaim",
        "language": "fr",
        "registration": "0c5e1d8a-7b7e-5f43-9a53-6f0b5e2d4c11",
        "contextActivities": {
            "parent": [
                {
                    "objectType": "Activity",
                    "id": "https://essaim.example.org/xapi/activities/lesson/31",
                    "definition": {
                        "name": {"fr": "Fixer un prix"},
                        "type": "http://adlnet.gov/expapi/activities/lesson",
                    },
                }
            ],
            "grouping": [
                {
                    "objectType": "Activity",
                    "id": "https://essaim.example.org/xapi/activities/course/7",
                    "definition": {
                        "name": {"fr": "Créer sa coopérative"},
                        "type": "http://adlnet.gov/expapi/activities/course",
                    },
                }
            ],
        },
    },
    "timestamp": "2026-03-02T14:05:12.000Z",
    "version": "1.0.0",
}


# Documentation only: statements are built in lms/xapi.py.
STATEMENT_SERIALIZER = inline_serializer(
    name="XapiStatement",
    fields={
        "id": serializers.UUIDField(help_text="Deterministic: the same record always gives the same id."),
        "actor": serializers.JSONField(help_text="Agent with a pseudonymous account, never an e-mail."),
        "verb": serializers.JSONField(help_text="ADL verb: completed, passed, failed or attended."),
        "object": serializers.JSONField(help_text="Activity: course, module, lesson, assessment or meeting."),
        "result": serializers.JSONField(required=False),
        "context": serializers.JSONField(required=False),
        "timestamp": serializers.DateTimeField(),
        "version": serializers.CharField(),
    },
    many=True,
)


def _schema(summary: str) -> Callable[[F], F]:
    return extend_schema(
        summary=summary,
        responses=STATEMENT_SERIALIZER,
        examples=[OpenApiExample("A quiz passed", value=[EXAMPLE], response_only=True)],
        tags=["xAPI"],
    )


@method_decorator(never_cache, name="dispatch")
class MyStatementsView(views.APIView):
    """The caller's own learning records as xAPI statements."""

    permission_classes = [permissions.IsAuthenticated]

    @_schema("My learning records (xAPI)")
    def get(self, request: Request) -> response.Response:
        statements = xapi.learner_export(learner=request.user)  # type: ignore[arg-type]
        audit.record(actor=request.user, action="export.lms_xapi", scope="self", rows=len(statements))
        return response.Response(statements)


@method_decorator(never_cache, name="dispatch")
class CourseStatementsView(views.APIView):
    """A course's learning records as xAPI statements, about the learners the caller may see."""

    permission_classes = [permissions.IsAuthenticated]

    @_schema("A course's learning records (xAPI)")
    def get(self, request: Request, pk: int) -> response.Response:
        course = xapi_views.exportable_course_or_404(request.user, pk)
        statements = xapi.course_export(viewer=request.user, course=course)
        audit.record(
            actor=request.user, action="export.lms_xapi", target=course, scope="course", rows=len(statements)
        )
        return response.Response(statements)


@method_decorator(never_cache, name="dispatch")
class PersonStatementsView(views.APIView):
    """One learner's learning records as xAPI statements, for staff who may open their file."""

    permission_classes = [permissions.IsAuthenticated]

    @_schema("A learner's learning records (xAPI)")
    def get(self, request: Request, pk: int) -> response.Response:
        person = xapi_views.visible_learner_or_404(request.user, pk)
        statements = xapi.learner_export(learner=person.user)  # type: ignore[arg-type]
        audit.record(
            actor=request.user, action="export.lms_xapi", target=person, scope="learner", rows=len(statements)
        )
        return response.Response(statements)
