"""GET /api/v1/evaluation/questionnaires/{slug}/results/: the distribution of every item, over the caller's
scope.

Staff only: a facilitator gets their cohorts' responses, a coordinator their scope's, the national team
every response. These are people who may read each response of their scope, so counts are exact here;
whatever is published (impact reports) goes through `programmes.disclosure` instead.
"""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import permissions, serializers, views
from rest_framework.request import Request
from rest_framework.response import Response

from programmes import access, figures
from programmes.choices import Wave
from programmes.evaluation.results import (
    filter_responses,
    layout_questionnaire,
    questionnaire_results,
    scoped_responses,
    submitted_responses,
)
from programmes.permissions import has_any_role
from programmes.roles import Role


class IsEvaluationStaff(permissions.BasePermission):
    message = _("Only facilitators, coordinators and the national team may see questionnaire results.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_any_role(request.user, Role.FACILITATOR, Role.COORDINATOR, Role.FABRIQUE)


class ResultsQuerySerializer(serializers.Serializer[Any]):
    wave = serializers.ChoiceField(choices=Wave.choices, required=False)
    programme = serializers.SlugField(required=False)
    edition = serializers.IntegerField(
        required=False, error_messages={"invalid": _("The edition is a year, for example edition=2018.")}
    )
    cohort = serializers.IntegerField(required=False)


ItemResultSerializer = inline_serializer(
    "QuestionnaireItemResult",
    {
        "code": serializers.CharField(help_text="The item's stable code."),
        "type": serializers.ChoiceField(
            choices=["likert", "single", "multiple", "yesno", "number", "text", "ranking"]
        ),
        "text": serializers.CharField(),
        "n": serializers.IntegerField(help_text="People who answered the item, no-opinion included."),
        "counts": serializers.DictField(
            child=serializers.IntegerField(),
            help_text="Option code -> answers holding it; `nsp` counts no-opinion answers. A multiple-choice "
            "answer counts once per ticked option.",
        ),
        "mean": serializers.FloatField(
            allow_null=True,
            help_text="Likert only: options scored 1..N in their order, no-opinion left out.",
        ),
        "ranks": serializers.DictField(
            child=serializers.ListField(child=serializers.IntegerField()),
            allow_null=True,
            help_text="Ranking only: option code -> how many put it 1st, 2nd, ...",
        ),
    },
    many=True,
)

ResultsSerializer = inline_serializer(
    "QuestionnaireResults",
    {
        "questionnaire": serializers.CharField(),
        "version": serializers.IntegerField(help_text="The version whose items lay the results out."),
        "wave": serializers.CharField(allow_null=True),
        "respondents": serializers.IntegerField(help_text="Submitted responses counted."),
        "items": ItemResultSerializer,
    },
)

EXAMPLE = {
    "questionnaire": "cjs-parcours",
    "version": 1,
    "wave": "T1",
    "respondents": 20,
    "items": [
        {
            "code": "confiance",
            "type": "likert",
            "text": "J'ai confiance en moi pour prendre la parole en groupe.",
            "n": 20,
            "counts": {"pas-du-tout": 0, "plutot-non": 2, "plutot-oui": 8, "tout-a-fait": 9, "nsp": 1},
            "mean": 3.3684,
            "ranks": None,
        },
        {
            "code": "priorites",
            "type": "ranking",
            "text": "Classez ce que la CJS vous a le plus apporté.",
            "n": 18,
            "counts": {"argent": 18, "amis": 18, "experience": 18, "nsp": 0},
            "mean": None,
            "ranks": {"argent": [4, 6, 8], "amis": [5, 7, 6], "experience": [9, 5, 4]},
        },
    ],
}


class QuestionnaireResultsView(views.APIView):
    """Counts per option, means and rankings of a questionnaire's items over the caller's cohorts."""

    permission_classes = [permissions.IsAuthenticated, IsEvaluationStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("wave", OpenApiTypes.STR, enum=Wave.values, description="T0, T1, M3 or M6."),
            OpenApiParameter("programme", OpenApiTypes.STR, description="Programme code, e.g. cjs."),
            OpenApiParameter("edition", OpenApiTypes.INT, description="Edition year."),
            OpenApiParameter("cohort", OpenApiTypes.INT, description="One cohort of the caller's scope."),
        ],
        responses={
            200: OpenApiResponse(ResultsSerializer),
            400: OpenApiResponse(description="A filter is malformed: the message says which."),
            403: OpenApiResponse(description="Only facilitators, coordinators and the national team."),
            404: OpenApiResponse(
                description="No such questionnaire, or a cohort outside the caller's scope."
            ),
        },
        examples=[OpenApiExample("End of a CJS season", value=EXAMPLE, response_only=True)],
        tags=["evaluation"],
    )
    def get(self, request: Request, slug: str) -> Response:
        questionnaire = layout_questionnaire(slug)
        if questionnaire is None:
            raise Http404
        query = ResultsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        cohort = None
        if "cohort" in filters:
            cohort = access.staffed_cohorts(request.user).filter(pk=filters["cohort"]).first()
            if cohort is None:
                raise Http404

        def compute() -> dict[str, Any]:
            responses = filter_responses(
                scoped_responses(request.user, submitted_responses(slug)),
                wave=filters.get("wave"),
                programme=filters.get("programme"),
                edition=filters.get("edition"),
                cohort=cohort,
            )
            return questionnaire_results(questionnaire=questionnaire, responses=responses).to_dict()

        key = (
            "evaluation_results",
            figures.scope_key(request.user),
            slug,
            tuple(sorted((name, str(getattr(value, "pk", value))) for name, value in filters.items())),
        )
        return Response({**figures.cached(key, compute), "wave": filters.get("wave")})
