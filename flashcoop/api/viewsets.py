"""Flashcoop API: plans, agenda, mentors and meetings, production, entry profiles, exits and
follow-ups, each scoped to the Flashcoops the caller runs (others answer 404)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet

from drf_spectacular.utils import extend_schema
from rest_framework import decorators, mixins, response, serializers, status, viewsets
from rest_framework.request import Request

from flashcoop import selectors, services
from flashcoop.api import serializers as flashcoop_serializers
from flashcoop.models import (
    AgendaItem,
    EntryProfile,
    Exit,
    FlashcoopPlan,
    FollowUp,
    Mentor,
    MentoringMeeting,
    Production,
)
from programmes import audit


def _service_errors(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


class CohortFilterMixin:
    """`?cohort=<id>` narrows a list to one Flashcoop."""

    cohort_lookup = "cohort_id"
    request: Request

    def filter_cohort(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        cohort = self.request.query_params.get("cohort", "")
        return queryset.filter(**{self.cohort_lookup: cohort}) if cohort.isdigit() else queryset


class FlashcoopPlanViewSet(CohortFilterMixin, viewsets.ModelViewSet[FlashcoopPlan]):
    """Theme and place of each Flashcoop the caller runs."""

    serializer_class = flashcoop_serializers.FlashcoopPlanSerializer

    def get_queryset(self) -> QuerySet[FlashcoopPlan]:
        queryset = FlashcoopPlan.objects.filter(cohort__in=selectors.flashcoop_cohorts(self.request.user))
        return self.filter_cohort(queryset).order_by("cohort_id")


class AgendaItemViewSet(CohortFilterMixin, viewsets.ModelViewSet[AgendaItem]):
    """The day-by-day agenda: time slots, activities and who leads them."""

    serializer_class = flashcoop_serializers.AgendaItemSerializer

    def get_queryset(self) -> QuerySet[AgendaItem]:
        queryset = AgendaItem.objects.filter(cohort__in=selectors.flashcoop_cohorts(self.request.user))
        return self.filter_cohort(queryset).order_by("cohort_id", "date", "start_time", "pk")


class MentorViewSet(CohortFilterMixin, viewsets.ModelViewSet[Mentor]):
    """Mentors (people or organisations) with the enrolment ids of their mentees."""

    serializer_class = flashcoop_serializers.MentorSerializer

    def get_queryset(self) -> QuerySet[Mentor]:
        queryset = (
            Mentor.objects.filter(cohort__in=selectors.flashcoop_cohorts(self.request.user))
            .select_related("organisation")
            .prefetch_related("mentees")
        )
        return self.filter_cohort(queryset).order_by("cohort_id", "name", "pk")


class MentoringMeetingViewSet(CohortFilterMixin, viewsets.ModelViewSet[MentoringMeeting]):
    """The log of mentoring meetings (notes are personal data)."""

    serializer_class = flashcoop_serializers.MentoringMeetingSerializer
    cohort_lookup = "mentor__cohort_id"

    def get_queryset(self) -> QuerySet[MentoringMeeting]:
        queryset = MentoringMeeting.objects.filter(
            mentor__cohort__in=selectors.flashcoop_cohorts(self.request.user)
        )
        return self.filter_cohort(queryset).order_by("-meeting_date", "-pk")

    def perform_create(self, serializer: serializers.BaseSerializer[MentoringMeeting]) -> None:
        try:
            serializer.instance = services.record_mentoring_meeting(
                **serializer.validated_data, by=self.request.user
            )
        except DjangoValidationError as error:
            raise _service_errors(error) from error


class ProductionViewSet(CohortFilterMixin, viewsets.ModelViewSet[Production]):
    """What each ephemeral cooperative produced and sold."""

    serializer_class = flashcoop_serializers.ProductionSerializer

    def get_queryset(self) -> QuerySet[Production]:
        queryset = Production.objects.filter(cohort__in=selectors.flashcoop_cohorts(self.request.user))
        return self.filter_cohort(queryset).order_by("cohort_id", "pk")


class EntryProfileViewSet(
    CohortFilterMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet[EntryProfile],
):
    """Participants' entry profiles in the ESF categories ("refused" is an answer, never blank)."""

    serializer_class = flashcoop_serializers.EntryProfileSerializer
    cohort_lookup = "enrolment__cohort_id"

    def get_queryset(self) -> QuerySet[EntryProfile]:
        queryset = EntryProfile.objects.filter(
            enrolment__in=selectors.flashcoop_enrolments(self.request.user)
        )
        return self.filter_cohort(queryset).order_by("enrolment_id")

    def perform_create(self, serializer: serializers.BaseSerializer[EntryProfile]) -> None:
        self._save(serializer)

    def perform_update(self, serializer: serializers.BaseSerializer[EntryProfile]) -> None:
        self._save(serializer)

    def _save(self, serializer: serializers.BaseSerializer[EntryProfile]) -> None:
        data = dict(serializer.validated_data)
        enrolment = data.pop("enrolment", None) or serializer.instance.enrolment  # type: ignore[union-attr]
        current = serializer.instance
        fields = flashcoop_serializers.EntryProfileSerializer.Meta.fields[2:-1]
        values = {name: data.get(name, getattr(current, name, "")) for name in fields}
        values["disability_consent_date"] = data.get(
            "disability_consent_date", getattr(current, "disability_consent_date", None)
        )
        try:
            serializer.instance = services.save_entry_profile(
                enrolment=enrolment, **values, by=self.request.user
            )
        except DjangoValidationError as error:
            raise _service_errors(error) from error


class ExitViewSet(
    CohortFilterMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet[Exit],
):
    """Exits: recording one also completes or withdraws the enrolment."""

    serializer_class = flashcoop_serializers.ExitSerializer
    cohort_lookup = "enrolment__cohort_id"

    def get_queryset(self) -> QuerySet[Exit]:
        queryset = Exit.objects.filter(enrolment__in=selectors.flashcoop_enrolments(self.request.user))
        return self.filter_cohort(queryset).order_by("enrolment_id")

    def perform_create(self, serializer: serializers.BaseSerializer[Exit]) -> None:
        self._save(serializer)

    def perform_update(self, serializer: serializers.BaseSerializer[Exit]) -> None:
        self._save(serializer)

    def _save(self, serializer: serializers.BaseSerializer[Exit]) -> None:
        data = dict(serializer.validated_data)
        current = serializer.instance
        enrolment = data.pop("enrolment", None) or current.enrolment  # type: ignore[union-attr]
        values = {
            name: data.get(name, getattr(current, name, default))
            for name, default in [
                ("exit_date", None),
                ("is_completed", True),
                ("early_reason", ""),
                ("situation", ""),
                ("note", ""),
            ]
        }
        try:
            serializer.instance = services.record_exit(enrolment=enrolment, **values, by=self.request.user)
        except DjangoValidationError as error:
            raise _service_errors(error) from error


class FollowUpViewSet(CohortFilterMixin, viewsets.ReadOnlyModelViewSet[FollowUp]):
    """Follow-ups at +3 and +6 months (staff): status and answers, never the link itself."""

    serializer_class = flashcoop_serializers.FollowUpSerializer
    cohort_lookup = "enrolment__cohort_id"

    def get_queryset(self) -> QuerySet[FollowUp]:
        queryset = FollowUp.objects.filter(enrolment__in=selectors.flashcoop_enrolments(self.request.user))
        status_filter = self.request.query_params.get("status", "")
        if status_filter:
            queryset = queryset.filter(status=status_filter)
        return self.filter_cohort(queryset).order_by("due_date", "pk")

    @extend_schema(
        request=flashcoop_serializers.PhoneFollowUpSerializer,
        responses={201: flashcoop_serializers.FollowUpSerializer},
    )
    @decorators.action(detail=False, methods=["post"])
    def phone(self, request: Request) -> response.Response:
        """Record a follow-up answered by phone (instead of the e-mailed link)."""
        payload = flashcoop_serializers.PhoneFollowUpSerializer(
            data=request.data, context={"request": request}
        )
        payload.is_valid(raise_exception=True)
        try:
            follow_up = services.record_phone_follow_up(**payload.validated_data, by=request.user)
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        audit.record(actor=request.user, action="flashcoop.follow_up.api", target=follow_up)
        return response.Response(
            flashcoop_serializers.FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED
        )
