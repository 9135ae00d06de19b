"""Writes of the evaluation: questionnaire versions (import, publish, new version), campaigns, the daily
invitation round (create, e-mail, remind: each step claimed by a conditional update so a retried task
never sends twice) and answers (partial saves, submission, imports)."""

import datetime
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from programmes import access, audit, outbox, tasks
from programmes.choices import (
    NO,
    NO_OPINION,
    YES,
    CohortStatus,
    EnrolmentStatus,
    ItemKind,
    QuestionnaireStatus,
    ResponseSource,
    Wave,
)
from programmes.evaluation import questionnaire_json, selectors
from programmes.evaluation.questionnaire_json import QuestionnaireSpec
from programmes.models import (
    Answer,
    Campaign,
    CampaignWave,
    Cohort,
    Enrolment,
    Invitation,
    Item,
    Option,
    Person,
    Questionnaire,
    Response,
)
from programmes.privacy.consents import may_contact

# Who is invited at each wave: people who started (T0) or went through the programme (later waves).
INVITED_STATUSES: dict[str, list[str]] = {
    Wave.T0: [EnrolmentStatus.ENROLLED, EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED],
    Wave.T1: [EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED],
    Wave.M3: [EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED],
    Wave.M6: [EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED],
}
MAX_TEXT_LENGTH = 2000
MAX_NUMBER = Decimal("1e10")
TRUE_WORDS = {"yes", "oui", "o", "y", "true", "vrai", "1"}
FALSE_WORDS = {"no", "non", "n", "false", "faux", "0"}


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _actor(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


# --- Questionnaires -----------------------------------------------------------------------------------


def _create_version(spec: QuestionnaireSpec, *, version: int) -> Questionnaire:
    questionnaire = Questionnaire(
        slug=spec.slug,
        version=version,
        title=spec.title,
        description=spec.description,
        subject=spec.subject,
        disclosure_threshold=spec.disclosure_threshold,
    )
    questionnaire.full_clean()
    questionnaire.save()
    _write_items(questionnaire, spec)
    return questionnaire


def _write_items(questionnaire: Questionnaire, spec: QuestionnaireSpec) -> None:
    items = Item.objects.bulk_create(
        [
            Item(
                questionnaire=questionnaire,
                sort_order=index,
                code=item.code,
                text=item.text,
                kind=item.kind,
                allow_no_opinion=item.allow_no_opinion,
                is_required=item.is_required,
                scale=item.scale,
                is_reversed=item.is_reversed,
                is_retrospective=item.is_retrospective,
            )
            for index, item in enumerate(spec.items)
        ]
    )
    Option.objects.bulk_create(
        [
            Option(item=item, sort_order=index, code=option.code, label=option.label)
            for item, item_spec in zip(items, spec.items, strict=True)
            for index, option in enumerate(item_spec.options)
        ]
    )


@transaction.atomic
def publish_questionnaire(*, questionnaire: Questionnaire, by: Any = None) -> Questionnaire:
    """Freeze a draft: checked like an imported file, then never changed again."""
    stored = selectors.questionnaire_with_items(questionnaire.pk)
    if stored.is_published:
        return stored
    try:
        questionnaire_json.parse(questionnaire_json.to_json(questionnaire_json.spec_of(stored)))
    except questionnaire_json.QuestionnaireFormatError as error:
        raise ValidationError(error.errors) from error
    claimed = Questionnaire.objects.filter(pk=stored.pk, status=QuestionnaireStatus.DRAFT).update(
        status=QuestionnaireStatus.PUBLISHED, published_at=timezone.now()
    )
    stored.refresh_from_db()
    if claimed:
        audit.record(actor=_actor(by), action="evaluation.questionnaire.publish", target=stored)
    return stored


@transaction.atomic
def new_version(*, questionnaire: Questionnaire, by: Any = None) -> Questionnaire:
    """The draft in which to change a questionnaire: the existing draft of that slug, else a copy of
    the latest version numbered one more (the published versions stay as they are)."""
    latest = selectors.latest_version(questionnaire.slug)
    if latest is None:  # the questionnaire itself is a version of its slug
        raise ValueError(f"No version of the questionnaire {questionnaire.slug!r}.")
    if not latest.is_published:
        return latest
    spec = questionnaire_json.spec_of(selectors.questionnaire_with_items(latest.pk))
    draft = _create_version(spec, version=latest.version + 1)
    audit.record(actor=_actor(by), action="evaluation.questionnaire.new_version", target=draft)
    return draft


@transaction.atomic
def replace_draft_content(*, questionnaire: Questionnaire, spec: QuestionnaireSpec) -> Questionnaire:
    """Rewrite a draft's fields, items and options from a spec (published versions refuse)."""
    if questionnaire.is_published:
        raise ValidationError(_("A published questionnaire cannot change: create a new version."))
    questionnaire.title, questionnaire.description = spec.title, spec.description
    questionnaire.subject, questionnaire.disclosure_threshold = spec.subject, spec.disclosure_threshold
    questionnaire.full_clean()
    questionnaire.save()
    Option.objects.filter(item__questionnaire=questionnaire).delete()
    Item.objects.filter(questionnaire=questionnaire).delete()
    _write_items(questionnaire, spec)
    return questionnaire


@dataclass(frozen=True)
class ImportOutcome:
    questionnaire: Questionnaire
    # created (first version) | unchanged | updated (the draft rewritten) | new_version
    action: str


@transaction.atomic
def import_questionnaire(*, data: Any, publish: bool = False, by: Any = None) -> ImportOutcome:
    """Read a questionnaire in the exchange format. The same content again changes nothing; different
    content rewrites the latest draft, or becomes a new version when the latest one is published."""
    spec = questionnaire_json.parse(data)
    latest = selectors.latest_version(spec.slug)
    if latest is None:
        questionnaire, action = _create_version(spec, version=1), "created"
    elif questionnaire_json.spec_of(selectors.questionnaire_with_items(latest.pk)) == spec:
        questionnaire, action = latest, "unchanged"
    elif latest.is_published:
        questionnaire, action = _create_version(spec, version=latest.version + 1), "new_version"
    else:
        questionnaire, action = replace_draft_content(questionnaire=latest, spec=spec), "updated"
    if publish and not questionnaire.is_published:
        questionnaire = publish_questionnaire(questionnaire=questionnaire, by=by)
    if action != "unchanged":
        audit.record(actor=_actor(by), action="evaluation.questionnaire.import", target=questionnaire)
    return ImportOutcome(questionnaire=questionnaire, action=action)


# --- Campaigns ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaveSetting:
    wave: str
    offset_days: int = 0
    answer_days: int = 30
    remind_after_days: int = 7
    has_retrospective: bool = False


@transaction.atomic
def create_campaign(
    *,
    name: str,
    questionnaire: Questionnaire,
    cohorts: Sequence[Cohort],
    waves: Sequence[WaveSetting],
    by: Any = None,
) -> Campaign:
    """Give a published questionnaire to cohorts of one edition, which `by` runs, at some waves."""
    if not questionnaire.is_published:
        raise ValidationError({"questionnaire": _("Publish the questionnaire before giving it to cohorts.")})
    if not cohorts:
        raise ValidationError({"cohorts": _("Choose at least one cohort.")})
    editions = {cohort.edition_id for cohort in cohorts}
    if len(editions) > 1:
        raise ValidationError({"cohorts": _("The cohorts of a campaign belong to one edition.")})
    for cohort in cohorts:
        access.require_can_manage(
            by, cohort, message=_("You can only give questionnaires to the cohorts you run.")
        )
    if not waves:
        raise ValidationError({"waves": _("Choose at least one wave.")})
    if len({setting.wave for setting in waves}) != len(waves):
        raise ValidationError({"waves": _("Each wave once.")})
    campaign = Campaign(
        name=name, questionnaire=questionnaire, edition_id=editions.pop(), created_by=_actor(by)
    )
    campaign.full_clean()
    campaign.save()
    campaign.cohorts.set(cohorts)
    campaign.save()  # a ParentalManyToManyField is written when its parent is saved
    order = list(Wave.values)
    for setting in sorted(waves, key=lambda setting: order.index(setting.wave)):
        wave = CampaignWave(
            campaign=campaign,
            sort_order=order.index(setting.wave),
            wave=setting.wave,
            offset_days=setting.offset_days,
            answer_days=setting.answer_days,
            remind_after_days=setting.remind_after_days,
            has_retrospective=setting.has_retrospective,
        )
        wave.full_clean()
        wave.save()
    audit.record(actor=_actor(by), action="evaluation.campaign.create", target=campaign)
    return campaign


def _closing_time(due_date: datetime.date, answer_days: int) -> datetime.datetime:
    """Invitations close at the start of the day `answer_days` after they open."""
    return timezone.make_aware(
        datetime.datetime.combine(due_date + datetime.timedelta(days=answer_days), datetime.time.min)
    )


@transaction.atomic
def schedule_invitations(*, today: datetime.date) -> int:
    """Create the invitations of every wave open today (due, not closed) that do not exist yet;
    running it twice creates nothing more."""
    waves = CampaignWave.objects.filter(campaign__is_active=True).select_related("campaign")
    cohorts_by_campaign: dict[int, list[Cohort]] = {}
    for link in (
        Campaign.cohorts.through.objects.filter(campaign__is_active=True, cohort__start_date__isnull=False)
        .exclude(cohort__status=CohortStatus.CANCELLED)
        .select_related("cohort")
    ):
        cohorts_by_campaign.setdefault(link.campaign_id, []).append(link.cohort)
    to_create: list[Invitation] = []
    for wave in waves:
        for cohort in cohorts_by_campaign.get(wave.campaign_id, []):
            due = wave.due_date_for(cohort)
            if due is None or not due <= today < due + datetime.timedelta(days=wave.answer_days):
                continue
            existing = Invitation.objects.filter(
                campaign_id=wave.campaign_id, wave=wave.wave, enrolment_id=OuterRef("pk")
            )
            enrolments = Enrolment.objects.filter(
                cohort=cohort, status__in=INVITED_STATUSES[wave.wave]
            ).exclude(Exists(existing))
            expires_at = _closing_time(due, wave.answer_days)
            to_create.extend(
                Invitation(
                    campaign_id=wave.campaign_id,
                    wave=wave.wave,
                    enrolment=enrolment,
                    due_date=due,
                    expires_at=expires_at,
                )
                for enrolment in enrolments
            )
    # A concurrent run may have created some already: the unique constraint keeps one of each.
    Invitation.objects.bulk_create(to_create, ignore_conflicts=True)
    return len(to_create)


def answer_url(token: str) -> str:
    """The absolute address of a personal link (the site's configured base URL)."""
    base_url: str = settings.WAGTAILADMIN_BASE_URL
    return base_url.rstrip("/") + reverse("evaluation:answer_link", args=[token])


def _queue_invitation_email(invitation: Invitation, token: str, *, is_reminder: bool) -> None:
    person = invitation.enrolment.person
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "first_name": person.first_name,
            "title": invitation.campaign.questionnaire.title,
            "cohort": invitation.enrolment.cohort.name,
            "wave": invitation.wave,
            "url": answer_url(token),
            "expires_at": invitation.expires_at,
            "is_reminder": is_reminder,
        }
        subject = (
            _("Reminder: your questionnaire “%(title)s”")
            if is_reminder
            else _("Your questionnaire “%(title)s”")
        ) % {"title": invitation.campaign.questionnaire.title}
        body = render_to_string("programmes/evaluation/emails/invitation.txt", context)
    email = person.email
    outbox.enqueue(tasks.send_email, subject=subject, body=body, to=[email])


def _submitted_elsewhere() -> Exists:
    """A submitted response of the invited person at that wave (answered logged in, or imported)."""
    return Exists(
        Response.objects.filter(
            questionnaire_id=OuterRef("campaign__questionnaire_id"),
            wave=OuterRef("wave"),
            person_id=OuterRef("enrolment__person_id"),
            submitted_at__isnull=False,
        )
    )


@transaction.atomic
def send_invitation(*, invitation_id: int, now: datetime.datetime | None = None) -> bool:
    """E-mail the personal link of an invitation; False when another run already did (a retried task
    never sends twice), when it is answered or closed, when there is no address to write to, or when
    the person may not be contacted (erased, or objecting to the processing: privacy.consents)."""
    now = _now(now)
    invitation = Invitation.objects.select_related(
        "enrolment__person", "enrolment__cohort", "campaign__questionnaire"
    ).get(pk=invitation_id)
    if not invitation.enrolment.person.email or not may_contact(invitation.enrolment.person):
        return False
    token = secrets.token_urlsafe(32)
    claimed = (
        Invitation.objects.filter(
            pk=invitation.pk, sent_at__isnull=True, submitted_at__isnull=True, expires_at__gt=now
        )
        .exclude(_submitted_elsewhere())
        .update(sent_at=now, token_hash=selectors.hash_token(token))
    )
    if not claimed:
        return False
    invitation.refresh_from_db()
    _queue_invitation_email(invitation, token, is_reminder=False)
    return True


@transaction.atomic
def remind_invitation(*, invitation_id: int, now: datetime.datetime | None = None) -> bool:
    """Send the one reminder with a fresh link (the first link stops working; saved answers stay)."""
    now = _now(now)
    invitation = Invitation.objects.select_related(
        "enrolment__person", "enrolment__cohort", "campaign__questionnaire"
    ).get(pk=invitation_id)
    wave = CampaignWave.objects.filter(campaign_id=invitation.campaign_id, wave=invitation.wave).first()
    if wave is None or not invitation.enrolment.person.email or not may_contact(invitation.enrolment.person):
        return False
    token = secrets.token_urlsafe(32)
    claimed = (
        Invitation.objects.filter(
            pk=invitation.pk,
            sent_at__lte=now - datetime.timedelta(days=wave.remind_after_days),
            reminded_at__isnull=True,
            submitted_at__isnull=True,
            expires_at__gt=now,
        )
        .exclude(_submitted_elsewhere())
        .update(reminded_at=now, token_hash=selectors.hash_token(token))
    )
    if not claimed:
        return False
    invitation.refresh_from_db()
    _queue_invitation_email(invitation, token, is_reminder=True)
    return True


def run_campaigns(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The daily round: create the invitations of the open waves, e-mail new links, remind once."""
    now = _now(now)
    created = schedule_invitations(today=timezone.localdate(now))
    pending = Invitation.objects.filter(
        campaign__is_active=True,
        submitted_at__isnull=True,
        expires_at__gt=now,
        enrolment__person__email__gt="",
    ).exclude(_submitted_elsewhere())
    to_send = list(pending.filter(sent_at__isnull=True).values_list("pk", flat=True))
    sent = sum(send_invitation(invitation_id=pk, now=now) for pk in to_send)
    to_remind = list(
        pending.filter(sent_at__isnull=False, reminded_at__isnull=True).values_list("pk", flat=True)
    )
    reminded = sum(remind_invitation(invitation_id=pk, now=now) for pk in to_remind)
    return {"created": created, "sent": sent, "reminded": reminded}


# --- Answers ------------------------------------------------------------------------------------------

AnswerKey = tuple[str, bool]  # (item code, is_retrospective)
AnswerInput = str | Sequence[str] | Decimal | int | None


@dataclass(frozen=True)
class AnswerValue:
    """One answer, typed as stored (see Answer)."""

    option_codes: tuple[str, ...] = ()
    score: int | None = None
    number: Decimal | None = None
    text: str = ""
    is_no_opinion: bool = False


NO_OPINION_VALUE = AnswerValue(is_no_opinion=True)


class LinkError(Exception):
    """A personal link that cannot be used: unknown, expired, or used (already submitted)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _is_empty(value: AnswerInput) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Decimal | int):
        return False
    return not [code for code in value if code.strip()]


def _codes_of(item: Item) -> dict[str, str]:
    """The item's option codes by lower case (typed codes match whatever their case)."""
    return {option.code.lower(): option.code for option in item.options.all()}


def _one_code(item: Item, value: str) -> str:
    codes = _codes_of(item)
    code = codes.get(value.strip().lower())
    if code is None:
        raise ValidationError(
            _("“%(value)s” is not one of: %(codes)s.")
            % {"value": value.strip(), "codes": ", ".join(codes.values())}
        )
    return code


def _to_number(value: AnswerInput) -> Decimal:
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, str):
        cleaned = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation as error:
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from error
    else:
        raise ValidationError(_("Give one number."))
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value})
    if number != number.quantize(Decimal("0.0001")):
        raise ValidationError(_("At most four decimals."))
    return number


def clean_answer(item: Item, value: AnswerInput) -> AnswerValue | None:
    """The typed answer to an item (options prefetched), None when left empty; ValidationError with a
    message for the respondent when the value does not fit the item."""
    if _is_empty(value):
        return None
    assert value is not None  # type narrowing  # nosec B101
    raw: list[str | Decimal | int] = [value] if isinstance(value, str | Decimal | int) else list(value)
    as_list = [code.strip() if isinstance(code, str) else code for code in raw]
    as_list = [code for code in as_list if code != ""]
    if [str(code).lower() for code in as_list] == [NO_OPINION]:
        if not item.allow_no_opinion:
            raise ValidationError(_("“No opinion” is not offered for this question."))
        return NO_OPINION_VALUE
    if any(str(code).lower() == NO_OPINION for code in as_list):
        raise ValidationError(_("“No opinion” cannot go with another answer."))
    kind = item.kind
    if kind == ItemKind.NUMBER:
        if len(as_list) != 1:
            raise ValidationError(_("Give one number."))
        return AnswerValue(number=_to_number(as_list[0]))
    texts = [str(code) for code in as_list]
    if kind == ItemKind.TEXT:
        text = " ".join(texts).strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise ValidationError(_("At most %(count)s characters.") % {"count": MAX_TEXT_LENGTH})
        return AnswerValue(text=text)
    if kind == ItemKind.YESNO:
        if len(texts) != 1 or texts[0].lower() not in TRUE_WORDS | FALSE_WORDS:
            raise ValidationError(_("Answer yes or no."))
        return AnswerValue(option_codes=(YES if texts[0].lower() in TRUE_WORDS else NO,))
    if kind in (ItemKind.LIKERT, ItemKind.SINGLE):
        if len(texts) != 1:
            raise ValidationError(_("Choose one answer."))
        code = _one_code(item, texts[0])
        score = [option.code for option in item.options.all()].index(code) + 1
        return AnswerValue(option_codes=(code,), score=score if kind == ItemKind.LIKERT else None)
    order = [option.code for option in item.options.all()]
    chosen = [_one_code(item, text) for text in texts]
    if len(set(chosen)) != len(chosen):
        raise ValidationError(_("Each option only once."))
    if kind == ItemKind.MULTIPLE:
        return AnswerValue(option_codes=tuple(sorted(chosen, key=order.index)))
    if sorted(chosen, key=order.index) != order:
        raise ValidationError(_("Rank every option, each with a different rank."))
    return AnswerValue(option_codes=tuple(chosen))


def clean_answers(
    layout: selectors.FormLayout, values: Mapping[AnswerKey, AnswerInput], *, submit: bool
) -> dict[AnswerKey, AnswerValue]:
    """Every answer of a form or file row checked; ValidationError keyed by field name otherwise.
    On submission, required questions must be answered."""
    cleaned: dict[AnswerKey, AnswerValue] = {}
    errors: dict[str, list[str]] = {}
    for asked in layout.asked:
        try:
            value = clean_answer(asked.item, values.get(asked.key))
        except ValidationError as error:
            errors[asked.field_name] = list(error.messages)
            continue
        if value is not None:
            cleaned[asked.key] = value
        elif submit and asked.item.is_required:
            errors[asked.field_name] = [_("This question needs an answer.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _write_answers(
    response: Response, layout: selectors.FormLayout, values: dict[AnswerKey, AnswerValue]
) -> None:
    """Replace a response's answers (an empty answer is no row)."""
    response.answers.all().delete()
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                item=asked.item,
                is_retrospective=asked.is_retrospective,
                option_codes=list(value.option_codes),
                score=value.score,
                number=value.number,
                text=value.text,
                is_no_opinion=value.is_no_opinion,
            )
            for asked in layout.asked
            if (value := values.get(asked.key)) is not None
        ]
    )


def check_open(invitation: Invitation, *, now: datetime.datetime | None = None) -> Invitation:
    """The invitation if it can still be answered, else LinkError: used (submitted) or expired."""
    if invitation.submitted_at is not None:
        raise LinkError("used")
    if invitation.expires_at <= _now(now) or not invitation.campaign.is_active:
        raise LinkError("expired")
    return invitation


def check_link(token: str, *, now: datetime.datetime | None = None) -> Invitation:
    """The invitation a personal link may answer, or LinkError saying why not."""
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        raise LinkError("unknown")
    return check_open(invitation, now=now)


def layout_for(invitation: Invitation) -> selectors.FormLayout:
    wave = selectors.wave_settings(invitation)
    questionnaire = selectors.questionnaire_with_items(invitation.campaign.questionnaire_id)
    return selectors.form_layout(
        questionnaire, invitation.wave, has_retrospective=bool(wave and wave.has_retrospective)
    )


@transaction.atomic
def answer_invitation(
    *,
    invitation: Invitation,
    values: Mapping[AnswerKey, AnswerInput],
    submit: bool,
    source: str,
    now: datetime.datetime | None = None,
) -> Response:
    """Save a person's answers to an invitation: partway (to come back later) or submitted, after
    which nothing changes any more and the personal link stops working."""
    now = _now(now)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.submitted_at is not None:
        raise LinkError("used")
    if locked.expires_at <= now:
        raise LinkError("expired")
    layout = layout_for(invitation)
    cleaned = clean_answers(layout, values, submit=submit)
    person = invitation.enrolment.person
    response, _created = Response.objects.get_or_create(
        questionnaire_id=invitation.campaign.questionnaire_id,
        wave=invitation.wave,
        person=person,
        defaults={"campaign": invitation.campaign, "cohort": invitation.enrolment.cohort, "source": source},
    )
    if response.submitted_at is not None:
        Invitation.objects.filter(pk=locked.pk, submitted_at__isnull=True).update(
            submitted_at=response.submitted_at
        )
        raise LinkError("used")
    _write_answers(response, layout, cleaned)
    response.source = source
    response.campaign, response.cohort = invitation.campaign, invitation.enrolment.cohort
    if submit:
        response.submitted_at = now
        Invitation.objects.filter(pk=locked.pk, submitted_at__isnull=True).update(submitted_at=now)
    response.save()
    return response


# --- Imported responses (`import_csv responses`) -------------------------------------------------------


@dataclass(frozen=True)
class ImportedRespondent:
    """Who answered in a file: a participant (person, and their cohort when known) or an identifier."""

    person: Person | None = None
    respondent_ref: str = ""
    cohort: Cohort | None = None
    campaign: Campaign | None = None


def save_imported_response(
    *,
    questionnaire: Questionnaire,
    wave: str,
    respondent: ImportedRespondent,
    layout: selectors.FormLayout,
    values: dict[AnswerKey, AnswerValue],
    now: datetime.datetime | None = None,
) -> tuple[Response, bool, bool]:
    """Write one row of a response file as a submitted response, replacing the answers of an earlier
    import of the same respondent and wave. Returns (response, created, changed)."""
    now = _now(now)
    lookup: dict[str, Any] = {"questionnaire": questionnaire, "wave": wave}
    if respondent.person is not None:
        lookup["person"] = respondent.person
    else:
        lookup["respondent_ref"] = respondent.respondent_ref
    response = Response.objects.filter(**lookup).first()
    created = response is None
    if response is None:
        response = Response(
            **lookup,
            source=ResponseSource.IMPORT,
            cohort=respondent.cohort,
            campaign=respondent.campaign,
        )
    elif response.source != ResponseSource.IMPORT and response.submitted_at is not None:
        raise ValidationError(_("This respondent already answered this wave online."))
    existing = (
        {}
        if created
        else {
            (answer.item.code, answer.is_retrospective): AnswerValue(
                option_codes=tuple(answer.option_codes),
                score=answer.score,
                number=answer.number,
                text=answer.text,
                is_no_opinion=answer.is_no_opinion,
            )
            for answer in response.answers.select_related("item")
        }
    )
    changed = created or existing != values or response.submitted_at is None
    if respondent.cohort is not None and response.cohort_id != respondent.cohort.pk:
        response.cohort, changed = respondent.cohort, True
    if respondent.campaign is not None and response.campaign_id != respondent.campaign.pk:
        response.campaign, changed = respondent.campaign, True
    if not changed:
        return response, False, False
    response.source = ResponseSource.IMPORT
    response.submitted_at = response.submitted_at or now
    response.save()
    _write_answers(response, layout, values)
    if respondent.person is not None:
        Invitation.objects.filter(
            campaign__questionnaire=questionnaire,
            wave=wave,
            enrolment__person=respondent.person,
            submitted_at__isnull=True,
        ).update(submitted_at=response.submitted_at)
    return response, created, True
