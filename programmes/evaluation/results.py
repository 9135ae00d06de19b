"""Results of a questionnaire from its raw responses: counts per option, means, rankings, and the paired
change between two waves. Reads only; the caller chooses (and scopes) the responses.

Definitions (they are the API's and the impact reports'):
- only submitted responses count; answers are matched across questionnaire versions by item code, laid
  out as in the latest published version;
- `respondents`: the responses counted; `n` of an item: those who answered it, no-opinion included;
- `counts`: option code -> how many answers hold it (`nsp` for no opinion, always present); a multiple-
  choice answer counts once per ticked option, a ranking once per option ranked;
- `mean` (Likert only): options scored 1..N in their order, no-opinion left out;
- `ranks` (ranking only): option code -> how many put it 1st, 2nd, ...;
- paired change: the same person (or respondent identifier) at two waves, see `analysis`.
"""

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from programmes import access
from programmes.choices import NO, NO_OPINION, YES, ItemKind, QuestionnaireStatus
from programmes.evaluation.analysis import (
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    McNemarResult,
    PairedChange,
    mcnemar,
    paired_change,
    scale_score,
)
from programmes.models import Answer, Campaign, Cohort, Item, Option, Questionnaire, Response

YES_NO_OPTIONS = [(YES, _("Yes")), (NO, _("No"))]
# Item kinds whose answers hold exactly one option (their counts add up to n).
SINGLE_ANSWER_KINDS = {ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.YESNO}


@dataclasses.dataclass
class ItemResult:
    """The distribution of one item's answers."""

    code: str
    kind: str
    text: str
    options: list[tuple[str, str]]
    allow_no_opinion: bool = True
    is_required: bool = False
    n: int = 0
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    mean: float | None = None
    scored: int = 0
    ranks: dict[str, list[int]] | None = None

    @property
    def is_additive(self) -> bool:
        """One answer per person: the counts (no-opinion included) add up to n."""
        return self.kind in SINGLE_ANSWER_KINDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "type": self.kind,
            "text": self.text,
            "n": self.n,
            "counts": dict(self.counts),
            "mean": self.mean,
            "ranks": {code: list(places) for code, places in self.ranks.items()} if self.ranks else None,
        }


@dataclasses.dataclass
class Results:
    questionnaire: Questionnaire
    respondents: int
    items: list[ItemResult]

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire.slug,
            "version": self.questionnaire.version,
            "respondents": self.respondents,
            "items": [item.to_dict() for item in self.items],
        }


def layout_questionnaire(slug: str) -> Questionnaire | None:
    """The version whose items lay results out: the latest published one, else the latest draft."""
    items = Item.objects.prefetch_related(Prefetch("options", queryset=Option.objects.order_by("sort_order")))
    questionnaire: Questionnaire | None = (
        Questionnaire.objects.filter(slug=slug)
        .prefetch_related(Prefetch("items", queryset=items.order_by("sort_order")))
        .order_by(
            Case(When(status=QuestionnaireStatus.PUBLISHED, then=Value(0)), default=Value(1)), "-version"
        )
        .first()
    )
    return questionnaire


def submitted_responses(slug: str) -> QuerySet[Response]:
    """Submitted responses to any version of a questionnaire (a response saved partway never counts)."""
    return Response.objects.filter(questionnaire__slug=slug, submitted_at__isnull=False)


def scoped_responses(user: Any, responses: QuerySet[Response]) -> QuerySet[Response]:
    """The responses of cohorts this user works on (DESIGN §4: a facilitator sees their cohorts' responses,
    a coordinator their scope's); the national team sees them all, those without a cohort included."""
    if access.sees_everything(user):
        return responses
    return responses.filter(cohort__in=access.staffed_cohorts(user))


def campaign_responses(campaign: Campaign, *, wave: str) -> QuerySet[Response]:
    """Submitted responses of a campaign's wave, and imported ones of its cohorts that name no campaign."""
    return submitted_responses(campaign.questionnaire.slug).filter(
        Q(campaign=campaign) | Q(campaign__isnull=True, cohort__in=campaign.cohorts.all()),
        wave=wave,
    )


def filter_responses(
    responses: QuerySet[Response],
    *,
    wave: str | None = None,
    programme: str | None = None,
    edition: int | None = None,
    cohort: Cohort | None = None,
) -> QuerySet[Response]:
    if wave:
        responses = responses.filter(wave=wave)
    if programme:
        responses = responses.filter(cohort__edition__programme__slug=programme)
    if edition:
        responses = responses.filter(cohort__edition__year=edition)
    if cohort is not None:
        responses = responses.filter(cohort=cohort)
    return responses


def _layout_items(questionnaire: Questionnaire, item_codes: Sequence[str] | None) -> list[Item]:
    items = list(questionnaire.items.all())
    if item_codes is None:
        return items
    by_code = {item.code: item for item in items}
    return [by_code[code] for code in item_codes if code in by_code]


def _options(item: Item) -> list[tuple[str, str]]:
    if item.kind == ItemKind.YESNO:
        return [(code, str(label)) for code, label in YES_NO_OPTIONS]
    return [(option.code, option.label) for option in item.options.all()]


def questionnaire_results(
    *, questionnaire: Questionnaire, responses: QuerySet[Response], item_codes: Sequence[str] | None = None
) -> Results:
    """Counts, means and rankings of the items (all, or those named) over the given responses.

    Two queries whatever the number of responses: the respondents, then every answer.
    """
    items = _layout_items(questionnaire, item_codes)
    results = {item.code: _empty_result(item) for item in items}
    respondents = responses.count()
    rows = (
        Answer.objects.filter(
            response__in=responses.values("pk"), is_retrospective=False, item__code__in=list(results)
        )
        .values_list("item__code", "option_codes", "is_no_opinion")
        .order_by()
    )
    score_sums: dict[str, int] = defaultdict(int)
    for code, option_codes, is_no_opinion in rows.iterator(chunk_size=2000):
        result = results[code]
        result.n += 1
        if is_no_opinion:
            result.counts[NO_OPINION] += 1
            continue
        for place, option_code in enumerate(option_codes or []):
            result.counts[option_code] = result.counts.get(option_code, 0) + 1
            if result.ranks is not None and option_code in result.ranks:
                places = result.ranks[option_code]
                if place < len(places):
                    places[place] += 1
        if result.kind == ItemKind.LIKERT and option_codes:
            position = _position(result, option_codes[0])
            if position is not None:
                score_sums[code] += position
                result.scored += 1
    for code, result in results.items():
        if result.kind == ItemKind.LIKERT and result.scored:
            result.mean = round(score_sums[code] / result.scored, 4)
        # The no-opinion count comes last, after any option code found only in older versions.
        result.counts[NO_OPINION] = result.counts.pop(NO_OPINION)
    return Results(questionnaire=questionnaire, respondents=respondents, items=list(results.values()))


def _empty_result(item: Item) -> ItemResult:
    options = _options(item)
    result = ItemResult(
        code=item.code,
        kind=item.kind,
        text=item.text,
        options=options,
        allow_no_opinion=item.allow_no_opinion,
        is_required=item.is_required,
    )
    result.counts = {code: 0 for code, _label in options}
    result.counts[NO_OPINION] = 0
    if item.kind == ItemKind.RANKING:
        result.ranks = {code: [0] * len(options) for code, _label in options}
    return result


def _position(result: ItemResult, option_code: str) -> int | None:
    for position, (code, _label) in enumerate(result.options, start=1):
        if code == option_code:
            return position
    return None


# Paired change between two waves


@dataclasses.dataclass
class PairedResult:
    """The declared change of one Likert item or scale (a PairedChange) or yes/no item (a McNemarResult)."""

    code: str
    kind: str  # likert, scale or yesno
    label: str
    change: PairedChange | McNemarResult

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "type": self.kind, "label": self.label, "change": self.change.to_dict()}


Scores = dict[str, dict[str, int | None]]  # respondent key -> item code -> score (None: no opinion)


def _respondent_key(person_id: int | None, respondent_ref: str, response_id: int) -> str:
    if person_id is not None:
        return f"person:{person_id}"
    if respondent_ref:
        return f"ref:{respondent_ref}"
    return f"response:{response_id}"  # cannot be paired with another wave


def _scores(
    responses: QuerySet[Response], items: Iterable[Item], *, retrospective: bool
) -> dict[str, dict[str, str | int | None]]:
    """respondent key -> item code -> Likert position (1..N), "yes"/"no", or None for no opinion."""
    by_code = {item.code: item for item in items}
    positions = {item.code: _option_positions(item) for item in by_code.values()}
    rows = (
        Answer.objects.filter(
            response__in=responses.values("pk"), is_retrospective=retrospective, item__code__in=list(by_code)
        )
        .values_list(
            "response__person_id",
            "response__respondent_ref",
            "response_id",
            "item__code",
            "option_codes",
            "is_no_opinion",
        )
        .order_by()
    )
    scores: dict[str, dict[str, str | int | None]] = defaultdict(dict)
    for person_id, respondent_ref, response_id, code, option_codes, is_no_opinion in rows.iterator(
        chunk_size=2000
    ):
        key = _respondent_key(person_id, respondent_ref, response_id)
        item = by_code[code]
        if is_no_opinion or not option_codes:
            scores[key][code] = None
        elif item.kind == ItemKind.YESNO:
            scores[key][code] = option_codes[0]
        else:
            scores[key][code] = positions[code].get(option_codes[0])
    return scores


def _option_positions(item: Item) -> dict[str, int]:
    """Option code -> its score 1..N (read once per item, not per answer)."""
    return {option.code: position for position, option in enumerate(item.options.all(), start=1)}


def paired_results(
    *,
    questionnaire: Questionnaire,
    before: QuerySet[Response],
    after: QuerySet[Response],
    item_codes: Sequence[str] | None = None,
    scales: Sequence[str] | None = None,
    retrospective: bool = False,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> list[PairedResult]:
    """The declared change of each Likert and yes/no item (all, or those named) and of each scale (all, or
    those named) between the `before` and `after` responses of the same respondents.

    With `retrospective`, "before" is what respondents said at exit about how they were before (the
    retrospective answers of the `after` responses), and `before` is ignored.
    """
    items = [
        item
        for item in _layout_items(questionnaire, item_codes)
        if item.kind in (ItemKind.LIKERT, ItemKind.YESNO) and (item.is_retrospective or not retrospective)
    ]
    scale_items: dict[str, list[Item]] = defaultdict(list)
    for item in questionnaire.items.all():
        wanted_scale = item.scale and (scales is None or item.scale in scales)
        if wanted_scale and (item.is_retrospective or not retrospective):
            scale_items[item.scale].append(item)
    wanted = {item.code: item for item in items}
    for members in scale_items.values():
        wanted.update({item.code: item for item in members})
    start = _scores(after if retrospective else before, wanted.values(), retrospective=retrospective)
    end = _scores(after, wanted.values(), retrospective=False)
    common = sorted(start.keys() & end.keys())
    results: list[PairedResult] = []
    for item in items:
        pairs = [
            (start[key][item.code], end[key][item.code])
            for key in common
            if start[key].get(item.code) is not None and end[key].get(item.code) is not None
        ]
        change: PairedChange | McNemarResult
        if item.kind == ItemKind.YESNO:
            change = mcnemar([(first == YES, second == YES) for first, second in pairs])
        else:
            change = paired_change(
                [float(first) for first, _second in pairs],  # type: ignore[arg-type]
                [float(second) for _first, second in pairs],  # type: ignore[arg-type]
                resamples=resamples,
                seed=seed,
            )
        results.append(PairedResult(code=item.code, kind=item.kind, label=item.text, change=change))
    for scale, members in scale_items.items():
        before_scores, after_scores = [], []
        shape = [(item.code, len(item.options.all()), item.is_reversed) for item in members]
        for key in common:
            first = _scale_score(start[key], shape)
            second = _scale_score(end[key], shape)
            if first is not None and second is not None:
                before_scores.append(first)
                after_scores.append(second)
        results.append(
            PairedResult(
                code=scale,
                kind="scale",
                label=scale.replace("_", " ").replace("-", " ").capitalize(),
                change=paired_change(before_scores, after_scores, resamples=resamples, seed=seed),
            )
        )
    return results


def _scale_score(
    answers: dict[str, str | int | None], members: Sequence[tuple[str, int, bool]]
) -> float | None:
    return scale_score(
        [
            (value if isinstance(value := answers.get(code), int) else None, points, is_reversed)
            for code, points, is_reversed in members
        ]
    )
