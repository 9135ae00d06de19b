"""Scoped read API of cohorts, people and enrolments, and the enrolment lifecycle as an action."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet

from drf_spectacular.utils import extend_schema
from rest_framework import decorators, mixins, response, serializers, viewsets
from rest_framework.request import Request

from programmes import access, audit, selectors, services
from programmes.api.serializers import (
    AttendanceSheetSerializer,
    CohortSerializer,
    EnrolmentSerializer,
    EnrolmentTransitionSerializer,
    PartnershipSerializer,
    PersonDetailSerializer,
    PersonSerializer,
    SessionSerializer,
)
from programmes.models import Cohort, Enrolment, Partnership, Person, Session


class CohortViewSet(viewsets.ReadOnlyModelViewSet[Cohort]):
    """Cohorts the caller may see (DESIGN §4); others answer 404."""

    serializer_class = CohortSerializer

    def get_queryset(self) -> QuerySet[Cohort]:
        queryset = selectors.cohort_list(self.request.user)  # type: ignore[arg-type]
        params = self.request.query_params
        if params.get("programme"):
            queryset = queryset.filter(edition__programme__slug=params["programme"])
        if params.get("edition"):
            queryset = queryset.filter(edition__year=params["edition"])
        if params.get("region"):
            queryset = queryset.filter(department__region__code=params["region"])
        return queryset.order_by("-edition__year", "name")


class PersonViewSet(viewsets.ReadOnlyModelViewSet[Person]):
    """People whose file the caller may open; reading one file is written to the audit log."""

    def get_queryset(self) -> QuerySet[Person]:
        user = self.request.user
        enrolments = access.visible_enrolments(user).select_related("cohort__edition__programme")
        return (
            access.visible_people(user)
            .prefetch_related(Prefetch("enrolments", queryset=enrolments, to_attr="visible_enrolments"))
            .order_by("last_name", "first_name", "pk")
        )

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return PersonDetailSerializer if self.action == "retrieve" else PersonSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> response.Response:
        person = self.get_object()
        audit.record(actor=request.user, action="person.view", target=person, via="api")
        return response.Response(self.get_serializer(person).data)


class EnrolmentViewSet(viewsets.ReadOnlyModelViewSet[Enrolment]):
    """Enrolments of the cohorts the caller runs (and their own)."""

    serializer_class = EnrolmentSerializer

    def get_queryset(self) -> QuerySet[Enrolment]:
        queryset = access.visible_enrolments(self.request.user).select_related(
            "person", "cohort__edition__programme"
        )
        if self.request.query_params.get("cohort"):
            queryset = queryset.filter(cohort_id=self.request.query_params["cohort"])
        return queryset.order_by("cohort_id", "person__last_name", "person__first_name", "pk")

    @extend_schema(request=EnrolmentTransitionSerializer, responses=EnrolmentSerializer)
    @decorators.action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> response.Response:
        """Move the enrolment to another status (withdrawn and excluded need an exit reason)."""
        enrolment = self.get_object()
        payload = EnrolmentTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.change_enrolment_status(enrolment=enrolment, by=request.user, **payload.validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        return response.Response(EnrolmentSerializer(enrolment).data)


class SessionViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet[Session],
):
    """Sessions of the cohorts the caller runs, with their attendance sheet."""

    serializer_class = SessionSerializer

    def get_queryset(self) -> QuerySet[Session]:
        queryset = Session.objects.filter(
            cohort__in=access.staffed_cohorts(self.request.user)
        ).prefetch_related("attendances")
        if self.request.query_params.get("cohort"):
            queryset = queryset.filter(cohort_id=self.request.query_params["cohort"])
        return queryset.order_by("-date", "-start_time", "pk")

    @extend_schema(request=AttendanceSheetSerializer, responses=SessionSerializer)
    @decorators.action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str | None = None) -> response.Response:
        """Record the attendance sheet: `{"marks": [{"enrolment": 12, "status": "present"}, ...]}`."""
        session = self.get_object()
        payload = AttendanceSheetSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        marks = {mark["enrolment_id"]: mark["status"] for mark in payload.validated_data["marks"]}
        try:
            services.record_attendance(session=session, marks=marks, by=request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        return response.Response(
            SessionSerializer(self.get_queryset().get(pk=session.pk), context={"request": request}).data
        )


class PartnershipViewSet(viewsets.ReadOnlyModelViewSet[Partnership]):
    """Partners of the cohorts the caller may see (organisations, not people)."""

    serializer_class = PartnershipSerializer

    def get_queryset(self) -> QuerySet[Partnership]:
        queryset = Partnership.objects.filter(
            cohort__in=access.visible_cohorts(self.request.user)
        ).select_related("organisation")
        if self.request.query_params.get("cohort"):
            queryset = queryset.filter(cohort_id=self.request.query_params["cohort"])
        return queryset.order_by("cohort_id", "organisation__name", "pk")
