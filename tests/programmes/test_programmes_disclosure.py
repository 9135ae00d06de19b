"""The disclosure rule shared by the public site and the programme apps' group results."""

import pytest

from programmes.disclosure import disclosed_count, is_disclosable, reveals_small_group


@pytest.mark.parametrize(("count", "shown"), [(0, False), (10, False), (11, True), (250, True)])
def test_counts_below_the_threshold_are_not_disclosable(count, shown):
    assert is_disclosable(count) is shown
    assert (disclosed_count(count) == "< 11") is not shown


def test_a_total_reveals_a_small_group_when_the_rest_after_its_shown_parts_is_small():
    total = set(range(20))

    assert reveals_small_group(total, [set(range(15))])  # 5 left
    assert not reveals_small_group(total, [set(range(9))])  # 11 left
    assert not reveals_small_group(total, [total])  # nothing left
    assert not reveals_small_group(total, [])  # nothing shown beside it


def test_the_threshold_is_a_setting(settings):
    settings.ESSAIM_DISCLOSURE_THRESHOLD = 5

    assert is_disclosable(5) and not is_disclosable(4)
    assert reveals_small_group(set(range(8)), [set(range(4))])
    assert not reveals_small_group(set(range(9)), [set(range(4))])
