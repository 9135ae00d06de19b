"""The core's purposes, the classification of its models and its provider (people, guardians,
consents, enrolments, attendance, accounts, privacy requests, audit log, evaluation questionnaires)."""

import datetime
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import (
    Answer,
    Attendance,
    AuditEntry,
    Campaign,
    CampaignWave,
    Cohort,
    Commune,
    Consent,
    CoordinatorScope,
    Department,
    Edition,
    Enrolment,
    EnrolmentStatusChange,
    FacilitatorAssignment,
    Guardian,
    Invitation,
    Item,
    Option,
    Organisation,
    OutboxMessage,
    PartnerContact,
    Partnership,
    Person,
    PrivacyRequest,
    Programme,
    Questionnaire,
    Region,
    Response,
    Session,
    User,
)
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

PURPOSES = [
    Purpose(
        "programme_follow_up",
        _("Follow-up of participants"),
        _(
            "Enrolling young people and adults in a CJS or a Flashcoop, following their attendance, "
            "statuses and exits, and computing the network's anonymous statistics."
        ),
        _("Legitimate interest of the network and the public-interest missions it is funded for"),
        "cohort",
    ),
    Purpose(
        "minor_protection",
        _("Protection of minors"),
        _("Contacting a minor's parent or guardian and keeping their dated authorisations and consents."),
        _("Legal obligation (minors) and consent"),
        "cohort",
    ),
    Purpose(
        "funders_evidence",
        _("Evidence for funders"),
        _(
            "The participant file, entry profiles, exits and follow-ups at 3 and 6 months that the "
            "European Social Fund and other funders require."
        ),
        _("Legal obligation of operations funded by the European Social Fund"),
        "cohort",
    ),
    Purpose(
        "accounts",
        _("User accounts"),
        _("Logging in to the learner, facilitator, coordinator and partner spaces; roles and scopes."),
        _("Performance of the service"),
        "account",
    ),
    Purpose(
        "privacy_requests",
        _("Exercising your rights"),
        _("Requests to access, rectify or erase data, and their answers."),
        _("Legal obligation (GDPR)"),
        "privacy_requests",
    ),
    Purpose(
        "evaluation",
        _("Evaluation of the programmes"),
        _(
            "Questionnaires answered by participants when they start, when they leave and 3 and 6 months "
            "later, to measure what the programmes change; published only as anonymous group results."
        ),
        _("Legitimate interest of the network and the evaluations its funders require"),
        "cohort",
    ),
    Purpose(
        "audit",
        _("Audit log"),
        _("Who opened a person's file, exported, imported, erased or changed a role or a scope, and when."),
        _("Legal obligation (security of processing, GDPR article 32)"),
        "audit",
    ),
]

PERSON_FIELDS = [
    "first_name",
    "last_name",
    "birth_date",
    "gender",
    "email",
    "phone",
    "is_qpv_resident",
    "education_level",
    "employment_status",
]


def declare() -> None:
    for purpose in PURPOSES:
        register_purpose(purpose)
    classify(
        Person,
        purpose="programme_follow_up",
        fields=[*PERSON_FIELDS, "user"],
        subjects=["pk", "user__person"],
    )
    classify(
        User,
        purpose="accounts",
        fields=["username", "first_name", "last_name", "email", "password", "last_login"],
        subjects=["person"],
    )
    classify(Guardian, purpose="minor_protection", fields=["name", "email", "phone"], subjects=["person"])
    classify(Consent, purpose="minor_protection", fields=["given_by"], subjects=["person"])
    classify(Enrolment, purpose="programme_follow_up", fields=["exit_note"], subjects=["person"])
    classify(
        EnrolmentStatusChange,
        purpose="programme_follow_up",
        subjects=["enrolment__person"],
        staff=["changed_by"],
    )
    classify(Attendance, purpose="programme_follow_up", subjects=["enrolment__person"])
    classify(FacilitatorAssignment, purpose="accounts", fields=["user"], subjects=["user__person"])
    classify(CoordinatorScope, purpose="accounts", fields=["user"], subjects=["user__person"])
    classify(PartnerContact, purpose="accounts", fields=["user"], subjects=["user__person"])
    classify(
        PrivacyRequest,
        purpose="privacy_requests",
        fields=["requester_name", "notes"],
        subjects=["person"],
        staff=["handled_by"],
    )
    register_purpose(
        Purpose(
            "task_delivery",
            _("Delivery of e-mails and background tasks"),
            _(
                "Tasks written with the change that needs them (an e-mail to send, a certificate to "
                "issue) and handed to the workers, so that none is lost when a service restarts; their "
                "arguments may hold an e-mail address or a name."
            ),
            _("Legitimate interest of the network (security of processing)"),
            "outbox",
        )
    )
    classify(
        OutboxMessage,
        purpose="task_delivery",
        fields=["args", "kwargs"],
        note=_("Deleted a few days after the task was handed to the workers (outbox sweep)."),
    )
    classify(
        AuditEntry,
        purpose="audit",
        fields=["actor", "target_id"],
        staff=["actor"],
        note=_("People appear by their internal number only; details never repeat a name."),
    )
    classify(
        Invitation,
        purpose="evaluation",
        fields=["enrolment", "token_hash", "sent_at", "reminded_at", "submitted_at"],
        subjects=["enrolment__person"],
    )
    classify(
        Response,
        purpose="evaluation",
        fields=["person", "respondent_ref"],
        subjects=["person"],
        note=_("Kept on the anonymised person on erasure: statistics and published reports count them."),
    )
    classify(Answer, purpose="evaluation", fields=["text"], subjects=["response__person"])
    not_personal(Campaign, staff=["created_by"])
    questionnaire_content: list[type[Model]] = [Questionnaire, Item, Option, CampaignWave]
    for model in questionnaire_content:
        not_personal(model, note=_("Questionnaire content."))
    not_personal(Cohort, staff=["facilitators"])
    for model in [Region, Department, Commune, Organisation, Programme, Edition, Partnership, Session]:
        not_personal(model)
    register_provider(CoreProvider())


class CoreProvider(BaseProvider):
    """People, their guardians and consents, enrolments, attendance and their account."""

    app_label = "programmes"
    label = _("Person, enrolments and account")
    models = (
        Person,
        User,
        Guardian,
        Consent,
        Enrolment,
        EnrolmentStatusChange,
        Attendance,
        FacilitatorAssignment,
        CoordinatorScope,
        PartnerContact,
        PrivacyRequest,
        Invitation,
        Response,
        Answer,
    )

    def export(self, person: Any) -> dict[str, list[dict[str, Any]]]:
        user = person.user
        enrolments = person.enrolments.select_related("cohort__edition__programme").order_by("pk")
        data = {
            "programmes.person": export_rows([person], PERSON_FIELDS, created_at=person.created_at),
            "programmes.user": export_rows(
                [user] if user else [],
                [
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "date_joined",
                    "last_login",
                    "is_active",
                    "groups",
                ],
            ),
            "programmes.guardian": export_rows(person.guardians.order_by("pk"), ["name", "email", "phone"]),
            "programmes.consent": export_rows(
                person.consents.order_by("given_date", "pk"),
                ["kind", "given_by", "given_date", "withdrawn_date"],
            ),
            "programmes.enrolment": export_rows(
                enrolments, ["cohort", "role", "status", "status_date", "exit_reason", "exit_note"]
            ),
            "programmes.enrolmentstatuschange": export_rows(
                EnrolmentStatusChange.objects.filter(enrolment__person=person)
                .select_related("enrolment__cohort__edition__programme", "enrolment__person")
                .order_by("changed_date", "pk"),
                ["enrolment", "from_status", "to_status", "changed_date"],
            ),
            "programmes.attendance": export_rows(
                Attendance.objects.filter(enrolment__person=person)
                .select_related("session")
                .order_by("session__date", "pk"),
                ["session", "status"],
            ),
            "programmes.facilitatorassignment": export_rows(
                FacilitatorAssignment.objects.filter(user=user).select_related("cohort__edition")
                if user
                else [],
                ["cohort"],
            ),
            "programmes.coordinatorscope": export_rows(
                CoordinatorScope.objects.filter(user=user).select_related("programme") if user else [],
                ["programme", "regions"],
            ),
            "programmes.partnercontact": export_rows(
                PartnerContact.objects.filter(user=user).select_related("organisation") if user else [],
                ["organisation"],
            ),
            "programmes.privacyrequest": export_rows(
                person.privacy_requests.order_by("received_date", "pk"),
                ["kind", "requested_by", "requester_name", "received_date", "completed_date"],
            ),
            # Who opened or exported the file, and when (the staff member's name is not disclosed).
            "programmes.auditentry": export_rows(
                AuditEntry.objects.filter(target_type="programmes.person", target_id=str(person.pk)).order_by(
                    "at", "pk"
                ),
                ["at", "action"],
            ),
            "programmes.invitation": export_rows(
                Invitation.objects.filter(enrolment__person=person)
                .select_related("campaign", "enrolment__cohort", "enrolment__person")
                .order_by("due_date", "pk"),
                ["campaign", "wave", "due_date", "expires_at", "sent_at", "reminded_at", "submitted_at"],
            ),
            "programmes.response": export_rows(
                person.evaluation_responses.select_related("questionnaire", "campaign", "cohort").order_by(
                    "started_at", "pk"
                ),
                ["questionnaire", "wave", "campaign", "cohort", "respondent_ref", "source", "submitted_at"],
            ),
            "programmes.answer": export_rows(
                Answer.objects.filter(response__person=person)
                .select_related("item", "response__questionnaire")
                .order_by("response__started_at", "response_id", "item__sort_order", "is_retrospective"),
                [
                    "response",
                    "item",
                    "is_retrospective",
                    "option_codes",
                    "score",
                    "number",
                    "text",
                    "is_no_opinion",
                ],
            ),
        }
        return data

    def expire(self, today: datetime.date) -> dict[str, int]:
        """Answered privacy requests are kept as proof for their own retention, then deleted."""
        answered_before = retention.add_years(today, -retention.purpose_years("privacy_requests"))
        deleted, _by_model = PrivacyRequest.objects.filter(completed_date__lt=answered_before).delete()
        return {"privacy_requests": deleted}

    def erase(self, person: Any) -> None:
        person.first_name = anonymise.ANONYMOUS
        person.last_name = f"#{person.pk}"
        person.email = person.phone = ""
        person.birth_date = anonymise.coarsened_birth_date(person)
        person.erased_at = timezone.now()
        person.save(
            update_fields=[
                "first_name",
                "last_name",
                "email",
                "phone",
                "birth_date",
                "erased_at",
                "updated_at",
            ]
        )
        person.guardians.update(name=anonymise.ANONYMOUS, email="", phone="")
        person.consents.update(given_by="")
        person.enrolments.exclude(exit_note="").update(exit_note="")
        person.privacy_requests.update(requester_name="", notes="")
        # Evaluation: responses and answers stay on the anonymised person (statistics and report
        # snapshots count them), without the respondent's identifier, their own words or a live link.
        Invitation.objects.filter(enrolment__person=person, token_hash__isnull=False).update(token_hash=None)
        person.evaluation_responses.exclude(respondent_ref="").update(respondent_ref="")
        Answer.objects.filter(response__person=person).exclude(text="").update(text="")
        user = person.user
        if user is not None:
            FacilitatorAssignment.objects.filter(user=user).delete()
            CoordinatorScope.objects.filter(user=user).delete()
            PartnerContact.objects.filter(user=user).delete()
            anonymise.anonymise_user(user)
