"""Personal data of the Flashcoop app (registry in programmes.privacy): ESF entry profiles (a sensitive
disability field, with explicit consent), exits and follow-ups, mentors and mentoring notes."""

import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from flashcoop.models import (
    AgendaItem,
    EntryProfile,
    Exit,
    FlashcoopPlan,
    FollowUp,
    Mentee,
    Mentor,
    MentoringMeeting,
    Production,
)
from programmes.models import Person
from programmes.privacy import anonymise, retention
from programmes.privacy.export import export_rows
from programmes.privacy.registry import (
    BaseProvider,
    Purpose,
    classify,
    not_personal,
    register_provider,
    register_purpose,
)

ENTRY_FIELDS = [
    "employment_status",
    "minimum_income",
    "education_level",
    "qpv_resident",
    "rural",
    "disability",
    "disability_consent_date",
    "referrer",
]


def declare() -> None:
    register_purpose(
        Purpose(
            "flashcoop_organisation",
            _("Organising a Flashcoop"),
            _(
                "Who leads each activity, the mentors' names and contacts, and the notes of mentoring meetings."
            ),
            _("Legitimate interest of the network"),
            "cohort",
        )
    )
    classify(
        EntryProfile,
        purpose="funders_evidence",
        fields=ENTRY_FIELDS,
        sensitive=["disability"],
        subjects=["enrolment__person"],
        staff=["recorded_by"],
    )
    classify(
        Exit,
        purpose="funders_evidence",
        fields=["exit_date", "situation", "note"],
        subjects=["enrolment__person"],
        staff=["recorded_by"],
    )
    classify(
        FollowUp,
        purpose="funders_evidence",
        fields=["situation", "situation_note", "token_hash"],
        subjects=["enrolment__person"],
        staff=["recorded_by"],
    )
    classify(
        Mentor, purpose="flashcoop_organisation", fields=["name", "contact"], subjects=["mentees__person"]
    )
    classify(Mentee, purpose="flashcoop_organisation", subjects=["enrolment__person"])
    classify(
        MentoringMeeting,
        purpose="flashcoop_organisation",
        fields=["notes"],
        subjects=["enrolment__person"],
        staff=["recorded_by"],
    )
    classify(AgendaItem, purpose="flashcoop_organisation", fields=["led_by"])
    not_personal(FlashcoopPlan)
    not_personal(Production)
    register_provider(FlashcoopProvider())


class FlashcoopProvider(BaseProvider):
    app_label = "flashcoop"
    label = _("Flashcoop")
    models = (EntryProfile, Exit, FollowUp, Mentor, Mentee, MentoringMeeting)

    def export(self, person: Any) -> dict[str, list[dict[str, Any]]]:
        mine = Q(enrolment__person=person)
        return {
            "flashcoop.entryprofile": export_rows(
                EntryProfile.objects.filter(mine).select_related(
                    "enrolment__cohort__edition", "enrolment__person"
                ),
                ["enrolment", *ENTRY_FIELDS, "updated_at"],
            ),
            "flashcoop.exit": export_rows(
                Exit.objects.filter(mine).select_related("enrolment__cohort__edition", "enrolment__person"),
                ["enrolment", "exit_date", "is_completed", "early_reason", "situation", "note"],
            ),
            "flashcoop.followup": export_rows(
                FollowUp.objects.filter(mine).order_by("due_date", "pk"),
                [
                    "wave",
                    "due_date",
                    "status",
                    "sent_at",
                    "reminded_at",
                    "answered_at",
                    "situation",
                    "situation_note",
                ],
            ),
            "flashcoop.mentor": export_rows(
                Mentor.objects.filter(mentees__person=person)
                .select_related("organisation")
                .distinct()
                .order_by("pk"),
                ["name", "organisation", "contact"],
            ),
            "flashcoop.mentee": export_rows(
                Mentee.objects.filter(mine).select_related("mentor__organisation").order_by("pk"), ["mentor"]
            ),
            "flashcoop.mentoringmeeting": export_rows(
                MentoringMeeting.objects.filter(mine)
                .select_related("mentor__organisation")
                .order_by("meeting_date"),
                ["mentor", "meeting_date", "notes"],
            ),
        }

    def erase(self, person: Person) -> None:
        """The ESF categories, exit situations and follow-up answers stay (the dashboard and the ESF
        file count them); notes in the person's words, and their personal links, go."""
        mine = Q(enrolment__person=person)
        FollowUp.objects.filter(mine).update(token_hash=None, expires_at=None, situation_note="")
        Exit.objects.filter(mine).exclude(note="").update(note="")
        MentoringMeeting.objects.filter(mine).exclude(notes="").update(notes="")
        names = anonymise.person_names(person)
        if names:
            for item in AgendaItem.objects.filter(cohort__enrolments__person=person).distinct():
                description = anonymise.redact(item.description, names)
                if description != item.description:
                    item.description = description
                    item.save(update_fields=["description"])

    def expire(self, today: datetime.date) -> dict[str, int]:
        """Mentors' names and contacts, and who led each activity, go with the cohort's retention."""
        expired, _kept = retention.expired_cohort_ids(today)
        mentors = Mentor.objects.filter(cohort_id__in=expired).filter(
            ~Q(contact="") | ~Q(name__in=["", anonymise.ANONYMOUS])
        )
        count = 0
        for mentor in mentors:
            mentor.name = "" if mentor.organisation_id else anonymise.ANONYMOUS
            mentor.contact = ""
            mentor.save(update_fields=["name", "contact"])
            count += 1
        agenda = AgendaItem.objects.filter(cohort_id__in=expired).exclude(led_by="").update(led_by="")
        return {"mentors": count, "agenda_items": agenda}
