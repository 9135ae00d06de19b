"""The paired statistics on cases whose answers are known: textbook examples and counts worked by hand."""

import itertools

import numpy
import pytest
from hypothesis import given, settings, strategies
from scipy import stats

from programmes.evaluation.analysis import (
    _hodges_lehmann_of_draws,
    bootstrap_interval,
    hodges_lehmann,
    mcnemar,
    mid_ranks,
    paired_change,
    rank_biserial,
    scale_score,
    wilcoxon_signed_rank,
)

# Hollander & Wolfe (1973), p. 29: Hamilton depression scale before (x) and after (y) a tranquilliser.
# R's wilcox.test(x, y, paired = TRUE, conf.int = TRUE) gives V = 40, p = 0.03906, (pseudo)median 0.46.
HW_FIRST = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
HW_SECOND = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


def test_the_hollander_wolfe_example_gives_the_textbook_figures():
    change = paired_change(HW_SECOND, HW_FIRST)

    assert change.pairs == 9
    assert change.wilcoxon.method == "exact"
    assert change.wilcoxon.rank_sum_positive == 40
    assert change.wilcoxon.rank_sum_negative == 5
    assert change.wilcoxon.p_value == pytest.approx(0.0390625)
    assert change.hodges_lehmann == pytest.approx(0.46)
    assert change.rank_biserial == pytest.approx(35 / 45)
    assert (change.improved, change.same, change.worse) == (7, 0, 2)
    assert change.median_change == pytest.approx(0.49)  # the fifth of the nine sorted differences
    low, high = change.interval
    assert low < change.hodges_lehmann < high


def test_the_direction_is_after_minus_before():
    change = paired_change(HW_FIRST, HW_SECOND)

    assert change.hodges_lehmann == pytest.approx(-0.46)
    assert change.rank_biserial == pytest.approx(-35 / 45)
    assert (change.improved, change.worse) == (2, 7)


def test_ties_and_zeros_worked_by_hand():
    # Differences 1, 1, 1, 1, 2, 2, -1 and two zeros. Zeros are dropped; |d| = 1 five times (mean rank 3),
    # |d| = 2 twice (mean rank 6.5). T+ = 4 x 3 + 2 x 6.5 = 25, T- = 3. Of the 2^7 = 128 sign choices,
    # T- <= 3 happens for no negative rank or one of the five 3s: 6 ways. Two-sided p = 2 x 6/128.
    before = [2, 2, 2, 2, 1, 1, 3, 4, 3]
    after = [3, 3, 3, 3, 3, 3, 2, 4, 3]

    change = paired_change(before, after)

    assert change.wilcoxon.non_zero == 7
    assert (change.wilcoxon.rank_sum_positive, change.wilcoxon.rank_sum_negative) == (25, 3)
    assert change.wilcoxon.p_value == pytest.approx(12 / 128)
    assert change.wilcoxon.method == "exact"
    assert change.rank_biserial == pytest.approx(22 / 28)
    assert (change.improved, change.same, change.worse) == (6, 2, 1)
    assert (change.share_improved, change.share_same, change.share_worse) == (0.6667, 0.2222, 0.1111)
    assert change.median_change == 1


@settings(max_examples=40, deadline=None)
@given(
    strategies.lists(
        strategies.integers(-1000, 1000).filter(lambda d: d != 0), min_size=1, max_size=25, unique_by=abs
    )
)
def test_without_ties_the_exact_p_value_is_scipys(differences):
    ours = wilcoxon_signed_rank(differences)
    theirs = stats.wilcoxon(differences, method="exact")

    assert ours.p_value == pytest.approx(float(theirs.pvalue))
    assert min(ours.rank_sum_positive, ours.rank_sum_negative) == float(theirs.statistic)


def test_above_fifty_non_zero_differences_the_normal_approximation_is_used():
    differences = [1] * 40 + [-1] * 15 + [2] * 5 + [0] * 10

    result = wilcoxon_signed_rank(differences)

    expected = stats.wilcoxon(differences, zero_method="wilcox", method="asymptotic")
    assert result.method == "normal"
    assert result.non_zero == 60
    assert result.p_value == pytest.approx(float(expected.pvalue))


def test_nothing_to_test_when_nobody_changed():
    change = paired_change([3, 3, 2], [3, 3, 2])

    assert change.wilcoxon is None
    assert change.rank_biserial is None
    assert rank_biserial(None) is None
    assert change.hodges_lehmann == 0
    assert change.interval == (0, 0)
    assert change.same == 3


def test_mid_ranks():
    assert mid_ranks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1]


@pytest.mark.parametrize(
    ("differences", "estimate"),
    [
        ([1, 2, 3], 2),  # Walsh averages 1, 1.5, 2, 2, 2.5, 3
        ([0, 0, 1], 0.25),  # 0, 0, 0, 0.5, 0.5, 1: the middle two are 0 and 0.5
        ([-1, 4], 1.5),  # -1, 1.5, 4
    ],
)
def test_hodges_lehmann_is_the_median_of_walsh_averages(differences, estimate):
    walsh = sorted((a + b) / 2 for a, b in itertools.combinations_with_replacement(differences, 2))
    middle = len(walsh) // 2
    brute = walsh[middle] if len(walsh) % 2 else (walsh[middle - 1] + walsh[middle]) / 2

    assert hodges_lehmann(differences) == estimate == brute


@settings(max_examples=50, deadline=None)
@given(strategies.lists(strategies.integers(-4, 4), min_size=1, max_size=40))
def test_the_counted_hodges_lehmann_equals_the_listed_one(differences):
    walsh = sorted((a + b) / 2 for a, b in itertools.combinations_with_replacement(differences, 2))
    middle = len(walsh) // 2
    brute = walsh[middle] if len(walsh) % 2 else (walsh[middle - 1] + walsh[middle]) / 2

    assert hodges_lehmann(differences) == pytest.approx(brute)


def test_the_bootstrap_interval_is_reproducible_and_narrows_with_more_pairs():
    differences = [1, 0, 2, -1, 1, 1, 0, 2, 1, 0, 1, -1]

    first = bootstrap_interval(differences, seed=7)
    again = bootstrap_interval(differences, seed=7)
    many = bootstrap_interval(differences * 20, seed=7)

    assert first == again
    assert first[0] <= hodges_lehmann(differences) <= first[1]
    assert many[1] - many[0] < first[1] - first[0]
    assert bootstrap_interval([2, 2, 2]) == (2, 2)
    assert bootstrap_interval([]) is None


def test_mcnemar_is_exact_for_few_discordant_pairs():
    # 3 said yes then no, 10 no then yes: p = 2 x P(X <= 3), X ~ Bin(13, 1/2) = 2 x 378 / 8192.
    pairs = [(True, False)] * 3 + [(False, True)] * 10 + [(True, True)] * 5 + [(False, False)] * 2

    result = mcnemar(pairs)

    assert (result.yes_yes, result.yes_no, result.no_yes, result.no_no) == (5, 3, 10, 2)
    assert result.method == "exact"
    assert result.p_value == pytest.approx(756 / 8192)


def test_mcnemar_uses_chi_square_with_continuity_for_many_discordant_pairs():
    # Agresti, An Introduction to Categorical Data Analysis: approval of the president at two surveys,
    # 794 / 150 / 86 / 570. With the continuity correction: (|150 - 86| - 1)^2 / 236 = 16.82.
    pairs = [(True, True)] * 794 + [(True, False)] * 150 + [(False, True)] * 86 + [(False, False)] * 570

    result = mcnemar(pairs)

    assert result.method == "chi-square"
    assert result.statistic == pytest.approx(3969 / 236)
    assert result.p_value == pytest.approx(4.1146e-05, rel=1e-3)


def test_mcnemar_without_discordant_pairs_has_no_test():
    result = mcnemar([(True, True), (False, False)])

    assert (result.statistic, result.p_value, result.method) == (None, None, None)


def test_a_scale_score_reverses_items_and_leaves_out_no_opinion():
    # 4-point items: 3, reversed 1 (-> 4), no opinion; mean of 3 and 4.
    assert scale_score([(3, 4, False), (1, 4, True), (None, 4, False)]) == 3.5
    assert scale_score([(None, 4, False)]) is None


def test_the_pairs_must_match():
    with pytest.raises(ValueError):
        paired_change([1, 2], [1])


def test_a_change_is_serialised_for_a_snapshot():
    data = paired_change([1, 2, 3], [2, 2, 4]).to_dict()

    assert data["pairs"] == 3
    assert data["share_improved"] == 0.6667
    assert data["wilcoxon"]["method"] == "exact"
    assert isinstance(data["interval"], list)


@settings(max_examples=40, deadline=None)
@given(
    strategies.lists(strategies.sampled_from([-2, -1, -0.5, 0, 0.25, 1, 1.5, 3]), min_size=1, max_size=30),
    strategies.integers(0, 1000),
)
def test_each_bootstrap_resample_gets_the_median_of_its_walsh_averages(differences, seed):
    values = sorted(set(differences))
    draws = numpy.random.default_rng(seed).multinomial(
        len(differences), [differences.count(value) / len(differences) for value in values], size=20
    )

    estimates = _hodges_lehmann_of_draws(numpy.array(values, dtype=float), draws)

    for estimate, row in zip(estimates, draws, strict=True):
        sample = [value for value, count in zip(values, row, strict=True) for _ in range(count)]
        assert estimate == pytest.approx(hodges_lehmann(sample))
