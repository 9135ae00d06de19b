"""Back-office screens (Wagtail admin) of the Flashcoop app, every one scoped by the access policy:
a facilitator or coordinator sees the Flashcoops they run, nothing else, even by typing a URL."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wagtail.admin.viewsets.model import ModelViewSetGroup

from flashcoop import selectors
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
from programmes.viewsets import ScopedModelViewSet


class FlashcoopPlanAdmin(ScopedModelViewSet):
    model = FlashcoopPlan
    name = "flashcoop-plans"
    icon = "clipboard-list"
    menu_label = _("Plans")
    list_display = ["cohort", "theme", "place"]
    search_fields = ["cohort__name", "theme", "place"]
    form_fields = ["cohort", "theme", "place"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return FlashcoopPlan.objects.filter(cohort__in=selectors.flashcoop_cohorts(user))


class AgendaItemAdmin(ScopedModelViewSet):
    model = AgendaItem
    name = "flashcoop-agenda"
    icon = "date"
    menu_label = _("Agenda")
    list_display = ["title", "cohort", "date", "start_time", "end_time", "led_by"]
    list_filter = ["date"]
    search_fields = ["title", "led_by", "cohort__name"]
    form_fields = ["cohort", "date", "start_time", "end_time", "title", "description", "led_by"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return AgendaItem.objects.filter(cohort__in=selectors.flashcoop_cohorts(user))


class MentorAdmin(ScopedModelViewSet):
    model = Mentor
    name = "flashcoop-mentors"
    icon = "user"
    menu_label = _("Mentors")
    list_display = ["__str__", "cohort", "contact"]
    search_fields = ["name", "organisation__name", "cohort__name"]
    form_fields = ["cohort", "name", "organisation", "contact"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return Mentor.objects.filter(cohort__in=selectors.flashcoop_cohorts(user))


class MentoringMeetingAdmin(ScopedModelViewSet):
    model = MentoringMeeting
    name = "flashcoop-meetings"
    icon = "group"
    menu_label = _("Mentoring meetings")
    list_display = ["mentor", "enrolment", "meeting_date"]
    form_fields = ["mentor", "enrolment", "meeting_date", "notes"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return MentoringMeeting.objects.filter(mentor__cohort__in=selectors.flashcoop_cohorts(user))


class ProductionAdmin(ScopedModelViewSet):
    model = Production
    name = "flashcoop-productions"
    icon = "tasks"
    menu_label = _("Production")
    list_display = ["label", "cohort", "quantity", "amount_eur"]
    form_fields = ["cohort", "label", "quantity", "amount_eur"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return Production.objects.filter(cohort__in=selectors.flashcoop_cohorts(user))


class EntryProfileAdmin(ScopedModelViewSet):
    model = EntryProfile
    name = "flashcoop-entry-profiles"
    icon = "form"
    menu_label = _("Entry profiles")
    list_display = ["enrolment", "employment_status", "education_level", "referrer"]
    list_filter = ["employment_status", "education_level", "referrer"]
    search_fields = ["enrolment__person__first_name", "enrolment__person__last_name"]
    form_fields = [
        "enrolment",
        "employment_status",
        "minimum_income",
        "education_level",
        "qpv_resident",
        "rural",
        "disability",
        "disability_consent_date",
        "referrer",
    ]

    def scope(self, user: Any) -> QuerySet[Any]:
        return EntryProfile.objects.filter(enrolment__in=selectors.flashcoop_enrolments(user))


class ExitAdmin(ScopedModelViewSet):
    """Exits recorded here do not move the enrolment: the participant page and the API do."""

    model = Exit
    name = "flashcoop-exits"
    icon = "logout"
    menu_label = _("Exits")
    list_display = ["enrolment", "exit_date", "is_completed", "situation"]
    list_filter = ["is_completed", "situation"]
    search_fields = ["enrolment__person__first_name", "enrolment__person__last_name"]
    form_fields = ["enrolment", "exit_date", "is_completed", "early_reason", "situation", "note"]

    def scope(self, user: Any) -> QuerySet[Any]:
        return Exit.objects.filter(enrolment__in=selectors.flashcoop_enrolments(user))


class FollowUpAdmin(ScopedModelViewSet):
    """Read and correct follow-ups; the link is never shown (only its hash is stored)."""

    model = FollowUp
    name = "flashcoop-follow-ups"
    icon = "mail"
    menu_label = _("Follow-ups")
    inspect_view_enabled = True
    list_display = ["enrolment", "wave", "due_date", "status", "situation"]
    list_filter = ["wave", "status", "situation"]
    search_fields = ["enrolment__person__first_name", "enrolment__person__last_name"]
    form_fields = ["status", "situation", "situation_note"]
    inspect_view_fields = [
        "enrolment",
        "wave",
        "due_date",
        "status",
        "sent_at",
        "reminded_at",
        "answered_at",
        "expires_at",
        "situation",
        "situation_note",
        "recorded_by",
    ]

    def scope(self, user: Any) -> QuerySet[Any]:
        return FollowUp.objects.filter(enrolment__in=selectors.flashcoop_enrolments(user))


class FlashcoopAdminGroup(ModelViewSetGroup):
    menu_label = _("Flashcoop")
    menu_icon = "pick"
    menu_order = 230
    items = [
        FlashcoopPlanAdmin,
        AgendaItemAdmin,
        MentorAdmin,
        MentoringMeetingAdmin,
        ProductionAdmin,
        EntryProfileAdmin,
        ExitAdmin,
        FollowUpAdmin,
    ]
