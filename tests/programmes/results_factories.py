"""Questionnaires and raw responses for the results, paired-analysis and impact-report tests."""

import itertools
from collections.abc import Sequence

from django.utils import timezone

from programmes.choices import NO_OPINION, ItemKind, QuestionnaireStatus, ResponseSource, SurveySubject
from programmes.models import (
    Answer,
    Campaign,
    CampaignWave,
    Cohort,
    Item,
    Option,
    Person,
    Questionnaire,
    Response,
)

_counter = itertools.count(1)

LIKERT_4 = [
    ("pas-du-tout", "Non, pas du tout"),
    ("plutot-non", "Non, pas vraiment"),
    ("plutot-oui", "Oui, plutôt"),
    ("tout-a-fait", "Oui, tout à fait"),
]


def questionnaire(
    items: Sequence[dict],
    *,
    slug: str | None = None,
    title: str = "Questionnaire",
    subject: str = SurveySubject.PEOPLE,
    disclosure_threshold: int | None = None,
    version: int = 1,
    published: bool = True,
) -> Questionnaire:
    """A questionnaire with items given as dicts: code, kind, text, options [(code, label)], scale,
    is_reversed, allow_no_opinion, is_retrospective."""
    row = Questionnaire.objects.create(
        slug=slug or f"questionnaire-{next(_counter)}",
        title=title,
        subject=subject,
        disclosure_threshold=disclosure_threshold,
        version=version,
    )
    for order, spec in enumerate(items):
        item = Item.objects.create(
            questionnaire=row,
            sort_order=order,
            code=spec["code"],
            text=spec.get("text", spec["code"]),
            kind=spec.get("kind", ItemKind.LIKERT),
            allow_no_opinion=spec.get("allow_no_opinion", True),
            scale=spec.get("scale", ""),
            is_reversed=spec.get("is_reversed", False),
            is_retrospective=spec.get("is_retrospective", False),
        )
        options = spec.get("options", LIKERT_4 if item.kind == ItemKind.LIKERT else [])
        for position, (code, label) in enumerate(options):
            Option.objects.create(item=item, sort_order=position, code=code, label=label)
    if published:
        Questionnaire.objects.filter(pk=row.pk).update(
            status=QuestionnaireStatus.PUBLISHED, published_at=timezone.now()
        )
    return Questionnaire.objects.get(pk=row.pk)


def respond(
    questionnaire: Questionnaire,
    answers: dict[str, object],
    *,
    wave: str = "T0",
    cohort: Cohort | None = None,
    person: Person | None = None,
    respondent_ref: str = "",
    campaign: Campaign | None = None,
    submitted: bool = True,
    retrospective: dict[str, object] | None = None,
) -> Response:
    """One response: item code -> option code, list of codes (multiple, ranking), NO_OPINION, a number or
    text; an item left out is not answered."""
    response = Response.objects.create(
        questionnaire=questionnaire,
        wave=wave,
        cohort=cohort,
        person=person,
        respondent_ref=respondent_ref,
        campaign=campaign,
        source=ResponseSource.IMPORT,
        submitted_at=timezone.now() if submitted else None,
    )
    items = {item.code: item for item in questionnaire.items.prefetch_related("options")}
    rows = [
        _answer(response, items[code], value, is_retrospective=False)
        for code, value in answers.items()
        if value is not None
    ]
    rows += [
        _answer(response, items[code], value, is_retrospective=True)
        for code, value in (retrospective or {}).items()
        if value is not None
    ]
    Answer.objects.bulk_create(rows)
    return response


def _answer(response: Response, item: Item, value: object, *, is_retrospective: bool) -> Answer:
    answer = Answer(response=response, item=item, is_retrospective=is_retrospective)
    if value == NO_OPINION:
        answer.is_no_opinion = True
    elif item.kind in (ItemKind.MULTIPLE, ItemKind.RANKING):
        answer.option_codes = list(value)
    elif item.kind == ItemKind.NUMBER:
        answer.number = value
    elif item.kind == ItemKind.TEXT:
        answer.text = str(value)
    else:
        answer.option_codes = [value]
        if item.kind == ItemKind.LIKERT:
            codes = [option.code for option in item.options.all()]
            answer.score = codes.index(value) + 1
    return answer


def campaign(
    questionnaire: Questionnaire, cohorts: Sequence[Cohort], *, waves: Sequence[str] = ("T0", "T1"), name=""
) -> Campaign:
    row = Campaign.objects.create(
        name=name or f"Campagne {questionnaire.slug}",
        questionnaire=questionnaire,
        edition=cohorts[0].edition,
    )
    row.cohorts.set(cohorts)
    row.save()  # a ParentalManyToManyField is written when its model is saved
    for order, wave in enumerate(waves):
        CampaignWave.objects.create(campaign=row, wave=wave, sort_order=order)
    return row
