"""Serializers of the Flashcoop API. Relations only accept what the caller runs, and every write is
validated by the model's rules (full_clean) or goes through a service."""

import copy
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from rest_framework import serializers

from flashcoop import selectors
from flashcoop.choices import Situation, Wave
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
from programmes.models import Enrolment


def scoped_relations(serializer: serializers.Serializer[Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Limit the cohort, enrolment and mentor choices to what the caller runs (others are 'not found')."""
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    scopes: dict[str, models.QuerySet[Any]] = {
        "cohort": selectors.flashcoop_cohorts(user),
        "enrolment": selectors.flashcoop_enrolments(user),
        "mentor": Mentor.objects.filter(cohort__in=selectors.flashcoop_cohorts(user)),
    }
    for name, queryset in scopes.items():
        field = fields.get(name)
        if isinstance(field, serializers.PrimaryKeyRelatedField) and not field.read_only:
            field.queryset = queryset
    return fields


class ScopedModelSerializer(serializers.ModelSerializer[Any]):
    """Relations scoped to the caller; the model's own rules checked before saving."""

    def get_fields(self) -> dict[str, Any]:
        return scoped_relations(self, super().get_fields())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(validate_unique=False)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        return attrs


class FlashcoopPlanSerializer(ScopedModelSerializer):
    class Meta:
        model = FlashcoopPlan
        fields = ["id", "cohort", "theme", "place"]


class AgendaItemSerializer(ScopedModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "cohort", "date", "start_time", "end_time", "title", "description", "led_by"]


class MentorSerializer(ScopedModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default=None)
    mentees = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Enrolment ids.")

    class Meta:
        model = Mentor
        fields = ["id", "cohort", "name", "organisation", "organisation_name", "contact", "mentees"]


class MentoringMeetingSerializer(ScopedModelSerializer):
    class Meta:
        model = MentoringMeeting
        fields = ["id", "mentor", "enrolment", "meeting_date", "notes"]


class ProductionSerializer(ScopedModelSerializer):
    class Meta:
        model = Production
        fields = ["id", "cohort", "label", "quantity", "amount_eur"]


class EntryProfileSerializer(ScopedModelSerializer):
    class Meta:
        model = EntryProfile
        fields = [
            "id",
            "enrolment",
            "employment_status",
            "minimum_income",
            "education_level",
            "qpv_resident",
            "rural",
            "disability",
            "disability_consent_date",
            "referrer",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class ExitSerializer(ScopedModelSerializer):
    class Meta:
        model = Exit
        fields = [
            "id",
            "enrolment",
            "exit_date",
            "is_completed",
            "early_reason",
            "situation",
            "note",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "enrolment",
            "wave",
            "due_date",
            "status",
            "expires_at",
            "sent_at",
            "reminded_at",
            "answered_at",
            "situation",
            "situation_note",
            "recorded_by",
        ]
        read_only_fields = fields


class PhoneFollowUpSerializer(serializers.Serializer[Any]):
    enrolment = serializers.PrimaryKeyRelatedField(queryset=Enrolment.objects.none())
    wave = serializers.ChoiceField(choices=Wave.choices)
    situation = serializers.ChoiceField(choices=Situation.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def get_fields(self) -> dict[str, Any]:
        return scoped_relations(self, super().get_fields())
