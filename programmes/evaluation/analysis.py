"""Paired analysis of two waves of a questionnaire: what respondents declare has changed between them.

Pure functions on numbers (no database): the selectors pair the answers, these compute. The results are
a *declared change* of the same people between two waves, never a causal impact (no control group).

- Differences are `after - before` for each pair (a person who answered the item at both waves with a
  score, no-opinion answers left out).
- Wilcoxon signed-rank test, two-sided. Zero differences are dropped before ranking (Wilcoxon's own
  method, `zero_method="wilcox"` in scipy); tied absolute differences get their mean rank. With at most
  `EXACT_LIMIT` non-zero differences the p-value is exact: the null distribution of the positive rank
  sum is counted over every sign assignment of the observed (mid)ranks, so it stays exact with ties.
  Above, scipy's normal approximation with the tie correction.
- Matched-pairs rank-biserial correlation (Kerby 2014): `(T+ - T-) / (T+ + T-)` on the same ranks, in
  -1..1 (positive: more and larger improvements than declines).
- Hodges-Lehmann estimate: the median of the Walsh averages `(d_i + d_j) / 2`, i <= j, zeros included,
  with a percentile bootstrap interval (pairs resampled with a fixed seed, so a report gives the same
  interval every time it is computed).
- McNemar test for yes/no items: exact binomial on the discordant pairs when there are fewer than
  `MCNEMAR_EXACT_BELOW`, else chi-square with continuity correction.
"""

import dataclasses
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal

import numpy
from scipy import stats

EXACT_LIMIT = 50
MCNEMAR_EXACT_BELOW = 25
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 2018
CONFIDENCE = 0.95


@dataclasses.dataclass(frozen=True)
class WilcoxonResult:
    """Signed-rank test on the non-zero differences: rank sums, p-value and how it was computed."""

    non_zero: int
    rank_sum_positive: float
    rank_sum_negative: float
    p_value: float
    method: Literal["exact", "normal"]


@dataclasses.dataclass(frozen=True)
class PairedChange:
    """The declared change between two waves on one item or scale."""

    pairs: int
    median_change: float | None
    improved: int
    same: int
    worse: int
    wilcoxon: WilcoxonResult | None
    rank_biserial: float | None
    hodges_lehmann: float | None
    interval: tuple[float, float] | None
    confidence: float = CONFIDENCE
    resamples: int = BOOTSTRAP_RESAMPLES
    seed: int = BOOTSTRAP_SEED

    @property
    def share_improved(self) -> float | None:
        return _share(self.improved, self.pairs)

    @property
    def share_same(self) -> float | None:
        return _share(self.same, self.pairs)

    @property
    def share_worse(self) -> float | None:
        return _share(self.worse, self.pairs)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["interval"] = list(self.interval) if self.interval else None
        data.update(
            share_improved=self.share_improved, share_same=self.share_same, share_worse=self.share_worse
        )
        return data


@dataclasses.dataclass(frozen=True)
class McNemarResult:
    """Yes/no answers of the same people at two waves: the four cells and the test on the discordant ones."""

    pairs: int
    yes_yes: int
    yes_no: int
    no_yes: int
    no_no: int
    statistic: float | None
    p_value: float | None
    method: Literal["exact", "chi-square"] | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def mid_ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n of the values, ties given the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        mean_rank = (start + end + 2) / 2
        for position in range(start, end + 1):
            ranks[order[position]] = mean_rank
        start = end + 1
    return ranks


def wilcoxon_signed_rank(differences: Sequence[float]) -> WilcoxonResult | None:
    """Two-sided Wilcoxon signed-rank test; None when every difference is zero (nothing to test)."""
    non_zero = [float(d) for d in differences if d != 0]
    if not non_zero:
        return None
    ranks = mid_ranks([abs(d) for d in non_zero])
    positive = sum(rank for rank, d in zip(ranks, non_zero, strict=True) if d > 0)
    negative = sum(rank for rank, d in zip(ranks, non_zero, strict=True) if d < 0)
    if len(non_zero) <= EXACT_LIMIT:
        p_value = _exact_signed_rank_p(ranks, positive)
        method: Literal["exact", "normal"] = "exact"
    else:
        result = stats.wilcoxon(non_zero, zero_method="wilcox", method="asymptotic", correction=False)
        p_value = float(result.pvalue)
        method = "normal"
    return WilcoxonResult(
        non_zero=len(non_zero),
        rank_sum_positive=positive,
        rank_sum_negative=negative,
        p_value=p_value,
        method=method,
    )


def _exact_signed_rank_p(ranks: Sequence[float], positive: float) -> float:
    """Two-sided exact p-value: 2 x the smaller tail of the positive rank sum over the 2^n sign choices.

    Mid-ranks are halves at worst, so doubled ranks are whole and the distribution is counted by
    dynamic programming over their sums.
    """
    doubled = [round(rank * 2) for rank in ranks]
    total = sum(doubled)
    ways = [0] * (total + 1)
    ways[0] = 1
    reach = 0
    for rank in doubled:
        reach += rank
        for value in range(reach, rank - 1, -1):
            ways[value] += ways[value - rank]
    observed = round(positive * 2)
    count: int = 2 ** len(doubled)
    lower = sum(ways[: observed + 1]) / count
    upper = sum(ways[observed:]) / count
    return min(1.0, 2 * min(lower, upper))


def rank_biserial(wilcoxon: WilcoxonResult | None) -> float | None:
    """Matched-pairs rank-biserial correlation from the signed-rank sums (zeros left out, like the test)."""
    if wilcoxon is None:
        return None
    total = wilcoxon.rank_sum_positive + wilcoxon.rank_sum_negative
    return (wilcoxon.rank_sum_positive - wilcoxon.rank_sum_negative) / total


def hodges_lehmann(differences: Sequence[float]) -> float | None:
    """The median of the Walsh averages (d_i + d_j) / 2 over i <= j."""
    if not differences:
        return None
    return _hodges_lehmann_from_counts(Counter(float(d) for d in differences))


def _hodges_lehmann_from_counts(counts: Counter[float] | dict[float, int]) -> float:
    """The Hodges-Lehmann estimate from how many times each distinct difference occurs.

    Answers on a scale take few distinct values: the Walsh averages are counted per pair of values rather
    than listed, which keeps the bootstrap fast for hundreds of respondents.
    """
    values = sorted(value for value, count in counts.items() if count)
    weights: Counter[float] = Counter()
    for position, first in enumerate(values):
        first_count = counts[first]
        weights[first] += first_count * (first_count + 1) // 2
        for second in values[position + 1 :]:
            weights[(first + second) / 2] += first_count * counts[second]
    ordered = sorted(weights.items())
    total = sum(weight for _value, weight in ordered)
    middle = [(total + 1) // 2, total // 2 + 1]  # 1-based positions; equal when total is odd
    found: list[float] = []
    seen = 0
    for value, weight in ordered:
        seen += weight
        while len(found) < 2 and middle[len(found)] <= seen:
            found.append(value)
    return (found[0] + found[1]) / 2


def _hodges_lehmann_of_draws(values: Any, draws: Any) -> Any:
    """The Hodges-Lehmann estimate of each resample at once (rows of `draws`: counts of each value).

    The Walsh averages of the distinct values are the same in every resample, only their weights change:
    they are sorted once, and each resample's median is found on its cumulated weights.
    """
    size = len(values)
    first, second = numpy.triu_indices(size)
    averages = (values[first] + values[second]) / 2
    order = numpy.argsort(averages, kind="stable")
    averages, first, second = averages[order], first[order], second[order]
    counts = draws.astype(numpy.int64)
    weights = counts[:, first] * counts[:, second]
    diagonal = first == second
    weights[:, diagonal] = counts[:, first[diagonal]] * (counts[:, first[diagonal]] + 1) // 2
    cumulated = numpy.cumsum(weights, axis=1)
    total = cumulated[:, -1]
    low_position = (total + 1) // 2  # 1-based; the same as high_position when the total is odd
    high_position = total // 2 + 1
    low = averages[(cumulated < low_position[:, None]).sum(axis=1)]
    high = averages[(cumulated < high_position[:, None]).sum(axis=1)]
    return (low + high) / 2


def bootstrap_interval(
    differences: Sequence[float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> tuple[float, float] | None:
    """Percentile bootstrap interval of the Hodges-Lehmann estimate, pairs resampled with replacement."""
    if not differences:
        return None
    counts = Counter(float(d) for d in differences)
    values = sorted(counts)
    probabilities = numpy.array([counts[value] for value in values], dtype=float) / len(differences)
    generator = numpy.random.default_rng(seed)
    draws = generator.multinomial(len(differences), probabilities, size=resamples)
    estimates = _hodges_lehmann_of_draws(numpy.array(values), draws)
    tail = (1 - confidence) / 2
    low, high = numpy.quantile(estimates, [tail, 1 - tail], method="linear")
    return float(low), float(high)


def paired_change(
    before: Sequence[float],
    after: Sequence[float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> PairedChange:
    """Every figure of the declared change between two waves, the i-th `before` paired with the i-th `after`."""
    if len(before) != len(after):
        raise ValueError("Each score before needs its score after.")
    differences = [float(b) - float(a) for a, b in zip(before, after, strict=True)]
    test = wilcoxon_signed_rank(differences)
    return PairedChange(
        pairs=len(differences),
        median_change=float(numpy.median(differences)) if differences else None,
        improved=sum(1 for d in differences if d > 0),
        same=sum(1 for d in differences if d == 0),
        worse=sum(1 for d in differences if d < 0),
        wilcoxon=test,
        rank_biserial=rank_biserial(test),
        hodges_lehmann=hodges_lehmann(differences),
        interval=bootstrap_interval(differences, resamples=resamples, seed=seed),
        resamples=resamples,
        seed=seed,
    )


def mcnemar(pairs: Sequence[tuple[bool, bool]]) -> McNemarResult:
    """McNemar test on yes/no answers (before, after) of the same people."""
    cells = Counter((bool(a), bool(b)) for a, b in pairs)
    yes_no, no_yes = cells[(True, False)], cells[(False, True)]
    discordant = yes_no + no_yes
    statistic: float | None
    p_value: float | None
    method: Literal["exact", "chi-square"] | None
    if discordant == 0:
        statistic = p_value = method = None
    elif discordant < MCNEMAR_EXACT_BELOW:
        statistic = float(min(yes_no, no_yes))
        p_value = float(stats.binomtest(min(yes_no, no_yes), discordant, 0.5).pvalue)
        method = "exact"
    else:
        statistic = (abs(yes_no - no_yes) - 1) ** 2 / discordant
        p_value = float(stats.chi2.sf(statistic, 1))
        method = "chi-square"
    return McNemarResult(
        pairs=len(pairs),
        yes_yes=cells[(True, True)],
        yes_no=yes_no,
        no_yes=no_yes,
        no_no=cells[(False, False)],
        statistic=statistic,
        p_value=p_value,
        method=method,
    )


def scale_score(scores: Sequence[tuple[int | None, int, bool]]) -> float | None:
    """A person's score on a scale: the mean of their item scores, `(score, points, is_reversed)` each,
    reversed items scored `points + 1 - score`; unanswered and no-opinion items (score None) left out."""
    values = [
        (points + 1 - score) if is_reversed else score
        for score, points, is_reversed in scores
        if score is not None
    ]
    if not values:
        return None
    return sum(values) / len(values)
