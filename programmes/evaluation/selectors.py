"""Reads of the evaluation: scoped campaigns and responses, the personal links, the form layout of an
invitation, response rates (counts only) and the questionnaire export. Each read runs a fixed number of
queries whatever the row count."""

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from programmes import access
from programmes.choices import QuestionnaireStatus, Wave
from programmes.evaluation import questionnaire_json
from programmes.models import (
    Answer,
    Campaign,
    CampaignWave,
    Cohort,
    Invitation,
    Item,
    Option,
    Person,
    Questionnaire,
    Response,
)
from programmes.roles import Role, role_names

# A participant's reference in files (`respondent` column): P followed by their number, e.g. P42.
PARTICIPANT_REFERENCE = re.compile(r"^[Pp]-?0*(\d{1,12})$")
MAX_TOKEN_LENGTH = 100


def participant_reference(person: Person) -> str:
    """How a participant is named in response files: P and their number (the API's person id)."""
    return f"P{person.pk}"


def person_id_from_reference(value: str) -> int | None:
    """The person id in a participant reference, or None when the value is not one."""
    match = PARTICIPANT_REFERENCE.match(value.strip())
    return int(match.group(1)) if match else None


def hash_token(token: str) -> str:
    """What is stored of a personal link's token: its SHA-256, hex-encoded."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- Questionnaires -----------------------------------------------------------------------------------


def items_with_options() -> "Prefetch[Any]":
    return Prefetch(
        "items",
        queryset=Item.objects.order_by("sort_order", "pk").prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("sort_order", "pk"))
        ),
    )


def questionnaire_with_items(pk: int) -> Questionnaire:
    """A questionnaire with its items and their options (three queries)."""
    return cast(Questionnaire, Questionnaire.objects.prefetch_related(items_with_options()).get(pk=pk))


def latest_version(slug: str) -> Questionnaire | None:
    return cast(Questionnaire | None, Questionnaire.objects.filter(slug=slug).order_by("-version").first())


def published_questionnaires() -> QuerySet[Questionnaire]:
    return cast(
        QuerySet[Questionnaire],
        Questionnaire.objects.filter(status=QuestionnaireStatus.PUBLISHED).order_by("slug", "-version"),
    )


def exportable_questionnaires(user: Any) -> QuerySet[Questionnaire]:
    """Questionnaires hold no personal data: the national team and coordinators export any of them."""
    manager = cast(QuerySet[Questionnaire], Questionnaire.objects.all())
    return manager if can_create_campaigns(user) else manager.none()


def export_questionnaire(questionnaire: Questionnaire) -> dict[str, Any]:
    """The questionnaire in the exchange format that `import_questionnaire` reads back."""
    stored = questionnaire_with_items(questionnaire.pk)
    return questionnaire_json.to_json(questionnaire_json.spec_of(stored), version=stored.version)


# --- Scopes -------------------------------------------------------------------------------------------


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    """Campaigns touching a cohort this user runs (all of them for the national team)."""
    campaigns = cast(QuerySet[Campaign], Campaign.objects.all())
    if not getattr(user, "is_authenticated", False):
        return campaigns.none()
    if access.sees_everything(user):
        return campaigns
    links = Campaign.cohorts.through.objects.filter(cohort__in=access.staffed_cohorts(user))
    return campaigns.filter(pk__in=links.values("campaign_id"))


def can_create_campaigns(user: Any) -> bool:
    return access.sees_everything(user) or Role.COORDINATOR in role_names(user)


def visible_responses(user: Any) -> QuerySet[Response]:
    """Responses this user may read one by one: those of the cohorts they run, and their own.
    Responses without a cohort (anonymous surveys, organisations) are the national team's only."""
    if not getattr(user, "is_authenticated", False):
        return Response.objects.none()
    if access.sees_everything(user):
        return Response.objects.all()
    return Response.objects.filter(
        Q(cohort__in=access.staffed_cohorts(user)) | Q(person__user=user, person__isnull=False)
    )


# --- Invitations and answering ------------------------------------------------------------------------


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a personal link points to, or None for an unknown token."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        Invitation.objects.select_related("campaign__questionnaire", "enrolment__person", "enrolment__cohort")
        .filter(token_hash=hash_token(token))
        .first()
    )


def open_invitations(user: Any, *, now: datetime.datetime | None = None) -> QuerySet[Invitation]:
    """Questionnaires waiting for this person (logged in): open, not submitted yet."""
    if not getattr(user, "is_authenticated", False):
        return Invitation.objects.none()
    now = now or timezone.now()
    return (
        Invitation.objects.filter(
            enrolment__person__user=user,
            submitted_at__isnull=True,
            due_date__lte=timezone.localdate(now),
            expires_at__gt=now,
            campaign__is_active=True,
        )
        .select_related("campaign__questionnaire", "enrolment__cohort")
        .order_by("expires_at", "pk")
    )


def own_invitation(user: Any, pk: int) -> Invitation | None:
    """One of this person's invitations (None for anyone else's)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Invitation.objects.select_related("campaign__questionnaire", "enrolment__person", "enrolment__cohort")
        .filter(pk=pk, enrolment__person__user=user)
        .first()
    )


def wave_settings(invitation: Invitation) -> CampaignWave | None:
    return cast(
        CampaignWave | None,
        CampaignWave.objects.filter(campaign_id=invitation.campaign_id, wave=invitation.wave).first(),
    )


@dataclass
class AskedItem:
    """One question as the form shows it; retrospective items appear twice at T1 (before / now)."""

    item: Item
    is_retrospective: bool = False

    @property
    def key(self) -> tuple[str, bool]:
        return (self.item.code, self.is_retrospective)

    @property
    def field_name(self) -> str:
        return f"{self.item.code}__then" if self.is_retrospective else self.item.code


@dataclass
class FormLayout:
    questionnaire: Questionnaire
    wave: str
    has_retrospective: bool
    # The "before" block of a T1 questionnaire, then every question "now".
    retrospective: list[AskedItem] = field(default_factory=list)
    current: list[AskedItem] = field(default_factory=list)

    @property
    def asked(self) -> list[AskedItem]:
        return [*self.retrospective, *self.current]


def form_layout(questionnaire: Questionnaire, wave: str, *, has_retrospective: bool) -> FormLayout:
    """What a respondent answers at a wave (questionnaire with items and options prefetched)."""
    items = list(questionnaire.items.all())
    with_then = has_retrospective and wave == Wave.T1
    return FormLayout(
        questionnaire=questionnaire,
        wave=wave,
        has_retrospective=with_then,
        retrospective=[AskedItem(item, True) for item in items if with_then and item.is_retrospective],
        current=[AskedItem(item) for item in items],
    )


def response_of(questionnaire_id: int, wave: str, person_id: int) -> Response | None:
    return (
        Response.objects.filter(questionnaire_id=questionnaire_id, wave=wave, person_id=person_id)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("item")))
        .first()
    )


# --- Response rates (counts only, never an answer) ----------------------------------------------------


@dataclass
class RateRow:
    cohort: Cohort
    wave: str
    due_date: datetime.date | None
    invited: int = 0
    sent: int = 0
    started: int = 0
    submitted: int = 0

    @property
    def rate(self) -> float | None:
        return self.submitted / self.invited if self.invited else None


def response_rates(campaign: Campaign, user: Any) -> list[RateRow]:
    """Per cohort of the user's scope and wave: invitations, links sent, responses begun and submitted."""
    cohorts = list(
        campaign.cohorts.filter(pk__in=access.staffed_cohorts(user).values("pk"))
        .select_related("edition")
        .order_by("name")
    )
    waves = list(campaign.waves.all().order_by("sort_order", "pk"))
    invitations = {
        (row["enrolment__cohort_id"], row["wave"]): row
        for row in Invitation.objects.filter(campaign=campaign, enrolment__cohort__in=cohorts)
        .values("enrolment__cohort_id", "wave")
        .annotate(invited=Count("pk"), sent=Count("pk", filter=Q(sent_at__isnull=False)))
    }
    responses: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for row in (
        Response.objects.filter(campaign=campaign, cohort__in=cohorts)
        .values("cohort_id", "wave")
        .annotate(started=Count("pk"), submitted=Count("pk", filter=Q(submitted_at__isnull=False)))
    ):
        responses[(row["cohort_id"], row["wave"])] = row
    rows = []
    for cohort in cohorts:
        for wave in waves:
            counts = invitations.get((cohort.pk, wave.wave), {})
            answered = responses.get((cohort.pk, wave.wave), {})
            rows.append(
                RateRow(
                    cohort=cohort,
                    wave=wave.wave,
                    due_date=wave.due_date_for(cohort),
                    invited=counts.get("invited", 0),
                    sent=counts.get("sent", 0),
                    started=answered.get("started", 0),
                    submitted=answered.get("submitted", 0),
                )
            )
    return rows


def campaign_list(user: Any) -> QuerySet[Campaign]:
    """The campaigns of the user's scope with what the list shows (two queries)."""
    campaigns: QuerySet[Campaign] = (
        visible_campaigns(user)
        .select_related("questionnaire", "edition__programme")
        .prefetch_related(Prefetch("waves", queryset=CampaignWave.objects.order_by("sort_order", "pk")))
        .annotate(cohort_count=Count("cohorts", distinct=True))
        .order_by("-created_at", "pk")
    )
    return campaigns
