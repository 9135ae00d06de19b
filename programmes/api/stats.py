"""GET /api/v1/stats/: the figures of a programme edition, over the caller's scope."""

from typing import Any

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

from programmes import access
from programmes.models import Edition, Programme, Region
from programmes.statistics import scoped_edition_statistics


class CanSeeProgrammeStatistics(permissions.BasePermission):
    message = _("Only coordinators and the national team may see programme statistics.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.can_see_programme_statistics(request.user)


class StatsQuerySerializer(serializers.Serializer[Any]):
    programme = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Programme.objects.all(),
        error_messages={
            "required": _("Give the programme's code, for example programme=cjs."),
            "does_not_exist": _("No programme has the code “{value}”."),
        },
    )
    edition = serializers.IntegerField(
        error_messages={
            "required": _("Give the edition's year, for example edition=2018."),
            "invalid": _("The edition is a year, for example edition=2018."),
        }
    )
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        error_messages={"does_not_exist": _("No region has the INSEE code “{value}”.")},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not Edition.objects.filter(programme=attrs["programme"], year=attrs["edition"]).exists():
            raise serializers.ValidationError(
                {
                    "edition": _("%(programme)s has no %(year)s edition.")
                    % {"programme": attrs["programme"], "year": attrs["edition"]}
                }
            )
        return attrs


def _share() -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, min_value=0, max_value=1)


StatsResponse = inline_serializer(
    "EditionStatistics",
    {
        "programme": serializers.CharField(help_text="Programme code, as asked."),
        "edition": serializers.IntegerField(help_text="Edition year, as asked."),
        "region": serializers.CharField(allow_null=True, help_text="Region INSEE code, as asked, or null."),
        "cohorts": serializers.IntegerField(help_text="Cohorts of the edition, cancelled ones excluded."),
        "regions": serializers.IntegerField(),
        "departments": serializers.IntegerField(),
        "communes": serializers.IntegerField(),
        "new_communes": serializers.IntegerField(
            help_text="Communes with no cohort of the programme in an earlier edition."
        ),
        "cohorts_in_qpv": serializers.IntegerField(),
        "host_cae_share": _share(),
        "local_partners": serializers.IntegerField(help_text="Distinct organisations, hosts included."),
        "participants": serializers.IntegerField(
            help_text="Distinct people who started (enrolled or beyond)."
        ),
        "girls_share": _share(),
        "qpv_residents_share": _share(),
        "mean_age": serializers.FloatField(allow_null=True),
        "completion_rate": _share(),
        "dropout_rate": _share(),
        "attendance_rate": _share(),
    },
)

CJS_2018_EXAMPLE = {
    "programme": "cjs",
    "edition": 2018,
    "region": None,
    "cohorts": 54,
    "regions": 10,
    "departments": 31,
    "communes": 52,
    "new_communes": 16,
    "cohorts_in_qpv": 40,
    "host_cae_share": 0.83,
    "local_partners": 600,
    "participants": 702,
    "girls_share": 0.5214,
    "qpv_residents_share": 0.4103,
    "mean_age": 16.2,
    "completion_rate": 0.8917,
    "dropout_rate": 0.1083,
    "attendance_rate": 0.8741,
}


class EditionStatisticsView(views.APIView):
    """Figures of a programme edition: coordinators get their scope, the national team everything."""

    permission_classes = [permissions.IsAuthenticated, CanSeeProgrammeStatistics]

    @extend_schema(
        parameters=[
            OpenApiParameter("programme", OpenApiTypes.STR, required=True, description="Programme code."),
            OpenApiParameter("edition", OpenApiTypes.INT, required=True, description="Edition year."),
            OpenApiParameter(
                "region", OpenApiTypes.STR, required=False, description="Region INSEE code, to narrow."
            ),
        ],
        responses={
            200: OpenApiResponse(
                StatsResponse,
                description="The core figures; programme apps add their own keys (CJS: turnover, contracts, hours).",
            ),
            400: OpenApiResponse(description="A parameter is missing or unknown: the message says which."),
            403: OpenApiResponse(description="Only coordinators (their scope) and the national team."),
        },
        examples=[
            OpenApiExample(
                "CJS 2018 national",
                value=CJS_2018_EXAMPLE,
                response_only=True,
                status_codes=["200"],
                description="Cohort, place and partner figures of the 2018 CJS season; "
                "the participant figures are illustrative.",
            )
        ],
        tags=["statistics"],
    )
    def get(self, request: Request) -> Response:
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        programme: Programme = query.validated_data["programme"]
        year: int = query.validated_data["edition"]
        region: Region | None = query.validated_data.get("region")
        figures = scoped_edition_statistics(
            request.user, programme=programme, edition_year=year, region=region
        )
        return Response(
            {
                "programme": programme.slug,
                "edition": year,
                "region": region.code if region else None,
                **figures,
            }
        )
