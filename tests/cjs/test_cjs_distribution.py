"""The surplus is shared to the cent: the shares add up exactly, never negative, proportional within a cent."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjs.services import split_largest_remainder

amounts = st.integers(min_value=0, max_value=10_000_000).map(lambda cents: Decimal(cents) / 100)
hours = st.decimals(min_value=Decimal("0.25"), max_value=Decimal("400"), places=2)
weights = st.dictionaries(st.integers(min_value=1, max_value=10_000), hours, min_size=1, max_size=40)


@settings(max_examples=400, deadline=None)
@given(amount=amounts, weights=weights)
def test_shares_add_up_exactly_and_follow_the_hours(amount, weights):
    shares = split_largest_remainder(amount, weights)

    assert set(shares) == set(weights)
    assert sum(shares.values()) == amount
    total = sum(weights.values())
    for key, share in shares.items():
        assert share >= 0
        assert share == share.quantize(Decimal("0.01"))
        exact = Fraction(amount) * Fraction(weights[key]) / Fraction(total)
        assert abs(Fraction(share) - exact) < Fraction(1, 100)


@settings(max_examples=200, deadline=None)
@given(amount=amounts, members=st.integers(min_value=1, max_value=30))
def test_equal_shares_differ_by_one_cent_at_most(amount, members):
    shares = split_largest_remainder(amount, dict.fromkeys(range(members), Decimal(1)))

    assert sum(shares.values()) == amount
    assert max(shares.values()) - min(shares.values()) <= Decimal("0.01")


@given(amount=amounts, weights=weights)
def test_the_split_is_deterministic(amount, weights):
    reordered = dict(reversed(list(weights.items())))

    assert split_largest_remainder(amount, weights) == split_largest_remainder(amount, reordered)


def test_ties_go_to_the_smaller_key():
    assert split_largest_remainder(Decimal("0.02"), {7: Decimal(1), 3: Decimal(1), 5: Decimal(1)}) == {
        3: Decimal("0.01"),
        5: Decimal("0.01"),
        7: Decimal("0.00"),
    }


@pytest.mark.parametrize(
    ("amount", "weights"),
    [(Decimal("-1"), {1: Decimal(1)}), (Decimal("1.001"), {1: Decimal(1)}), (Decimal("1"), {1: Decimal(0)})],
)
def test_impossible_splits_are_refused(amount, weights):
    with pytest.raises(ValueError):
        split_largest_remainder(amount, weights)
