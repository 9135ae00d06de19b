"""Disclosure control: each rule on a case worked by hand, and a property test that no hidden cell of a
random table can be recomputed from what is published."""

from decimal import Decimal

import numpy
import pytest
from hypothesis import HealthCheck, given, settings, strategies

from programmes.disclosure import (
    RULES_VERSION,
    TOTAL,
    ProtectedTable,
    Rule,
    Rules,
    Table,
    count_display,
    money_rule,
    protect,
    publishable_share,
    share_rule,
)

RULES = Rules(threshold=11, small_group=30, min_contributors=3, dominance=0.85)


def rule_of(protected: ProtectedTable, row: str, column: str) -> Rule | None:
    return protected.cell(row, column).rule


def test_the_rules_come_from_the_settings(settings):
    settings.ESSAIM_DISCLOSURE_THRESHOLD = 5
    settings.ESSAIM_DISCLOSURE_SMALL_GROUP = 12
    settings.ESSAIM_DISCLOSURE_MIN_CONTRIBUTORS = 4
    settings.ESSAIM_DISCLOSURE_DOMINANCE = 0.7

    rules = Rules.from_settings()

    assert (rules.threshold, rules.small_group, rules.min_contributors, rules.dominance) == (5, 12, 4, 0.7)
    assert rules.version == RULES_VERSION == "disclosure-rules/1"
    assert count_display(4, rules) == "< 5"
    assert count_display(1234, rules).replace("\xa0", " ") in ("1,234", "1 234")


def test_counts_under_the_threshold_zero_included_are_hidden():
    assert count_display(0, RULES) == "< 11"
    assert count_display(10, RULES) == "< 11"
    assert count_display(11, RULES) == "11"


@pytest.mark.parametrize(
    ("share", "base", "rule"),
    [
        (0.5, 10, Rule.SHARE_BASE),
        (0.5, 11, None),
        (1.0, 29, Rule.EXTREME_SHARE),
        (0.0, 12, Rule.EXTREME_SHARE),
        (1.0, 30, None),
        (0.0, 400, None),
    ],
)
def test_shares_of_small_groups_and_all_or_none_of_a_small_group_are_hidden(share, base, rule):
    assert share_rule(share, base=base, rules=RULES) == rule
    assert (publishable_share(share, base=base, rules=RULES) is None) == (rule is not None)


def test_a_survey_of_organisations_lowers_the_threshold_explicitly_never_raises_it():
    rules = RULES.for_organisations(threshold=3)

    assert (rules.threshold, rules.unit) == (3, "organisations")
    assert count_display(3, rules) == "3"
    assert count_display(2, rules) == "< 3"
    with pytest.raises(ValueError):
        RULES.for_organisations(threshold=20)


def test_a_small_count_in_a_row_hides_the_next_smallest_cell_so_the_total_does_not_give_it_away():
    table = Table.two_way(["q1"], ["a", "b", "c"], {("q1", "a"): 4, ("q1", "b"): 30, ("q1", "c"): 18})

    protected = protect(table, RULES)

    assert rule_of(protected, "q1", "a") == Rule.THRESHOLD
    assert protected.cell("q1", "a").display == "< 11"
    assert rule_of(protected, "q1", "c") == Rule.SECONDARY
    assert protected.cell("q1", "c").display == "s"
    assert protected.cell("q1", "b").value == 30
    assert protected.cell("q1", TOTAL).value == 52
    secondary = [s for s in protected.suppressions if s.rule == Rule.SECONDARY]
    assert [(s.row, s.column, s.protects) for s in secondary] == [("q1", "c", ("q1", "a"))]


def test_zeros_are_hidden_and_cannot_be_inferred_from_a_full_row():
    # 0 + 0 + 45 = 45: publishing 45 would tell that both hidden cells are exactly 0.
    table = Table.two_way(["q1"], ["a", "b", "c"], {("q1", "a"): 0, ("q1", "b"): 0, ("q1", "c"): 45})

    protected = protect(table, RULES)

    assert [rule_of(protected, "q1", c) for c in "abc"] == [Rule.THRESHOLD, Rule.THRESHOLD, Rule.SECONDARY]
    assert protected.cell("q1", TOTAL).value == 45


def test_a_count_equal_to_its_small_group_is_hidden_as_all_of_a_small_group():
    table = Table.two_way(["q1"], ["a", "b"], {("q1", "a"): 0, ("q1", "b"): 20})

    protected = protect(table, RULES)

    assert rule_of(protected, "q1", "b") == Rule.EXTREME_SHARE


def test_two_small_cells_cannot_be_pinned_by_their_upper_bound():
    # Published: total 32, c = 12. Hidden a + b = 20 with both « < 11 » would force a = b = 10.
    table = Table.two_way(["q1"], ["a", "b", "c"], {("q1", "a"): 10, ("q1", "b"): 10, ("q1", "c"): 12})

    protected = protect(table, RULES)

    assert rule_of(protected, "q1", "c") == Rule.SECONDARY


def test_a_two_way_table_with_margins_gets_a_cycle_of_hidden_cells():
    values = {
        ("north", "yes"): 5,
        ("north", "no"): 40,
        ("south", "yes"): 25,
        ("south", "no"): 30,
    }
    table = Table.two_way(["north", "south"], ["yes", "no"], values, row_totals=True, column_totals=True)

    protected = protect(table, RULES)

    hidden = {(s.row, s.column) for s in protected.suppressions}
    assert hidden == {("north", "yes"), ("north", "no"), ("south", "yes"), ("south", "no")}
    assert protected.cell(TOTAL, TOTAL).value == 100
    assert protected.cell("north", TOTAL).value == 45
    assert protected.cell(TOTAL, "yes").value == 30


def test_a_multiple_choice_row_has_no_sum_so_only_primary_rules_apply():
    # One person may tick several options: the counts do not add up to the respondents.
    table = Table(
        rows=["q1"],
        columns=["a", "b", "n"],
        values={("q1", "a"): 12, ("q1", "b"): 40, ("q1", "n"): 40},
        bases={("q1", "a"): ("q1", "n"), ("q1", "b"): ("q1", "n")},
    )

    protected = protect(table, RULES)

    assert protected.suppressions == []
    small = Table(
        rows=["q1"],
        columns=["a", "b", "n"],
        values={("q1", "a"): 12, ("q1", "b"): 20, ("q1", "n"): 20},
        bases={("q1", "a"): ("q1", "n"), ("q1", "b"): ("q1", "n")},
    )
    assert [(s.column, s.rule) for s in protect(small, RULES).suppressions] == [("b", Rule.EXTREME_SHARE)]


@pytest.mark.parametrize(
    ("parts", "rule"),
    [
        ({"a": Decimal("100"), "b": Decimal("100")}, Rule.CONTRIBUTORS),
        ({"a": Decimal("860"), "b": Decimal("70"), "c": Decimal("70")}, Rule.DOMINANCE),
        ({"a": Decimal("850"), "b": Decimal("75"), "c": Decimal("75")}, None),
        ({"a": Decimal("500"), "b": Decimal("0"), "c": Decimal("0"), "d": Decimal("500")}, Rule.CONTRIBUTORS),
    ],
)
def test_money_needs_three_cohorts_and_none_above_85_percent(parts, rule):
    assert money_rule(parts, RULES) == rule


def test_a_money_table_merges_contributions_in_its_totals_and_protects_hidden_cells():
    contributions = {
        ("2018", "north"): {"cjs-1": Decimal("3000"), "cjs-2": Decimal("2500"), "cjs-3": Decimal("2000")},
        ("2018", "south"): {"cjs-4": Decimal("9000"), "cjs-5": Decimal("500")},
        ("2018", "west"): {"cjs-6": Decimal("4000"), "cjs-7": Decimal("3500"), "cjs-8": Decimal("3000")},
    }
    values = {key: sum(parts.values(), Decimal(0)) for key, parts in contributions.items()}
    table = Table.two_way(
        ["2018"], ["north", "south", "west"], values, kind="money", contributions=contributions
    )

    protected = protect(table, RULES)

    assert rule_of(protected, "2018", "south") == Rule.CONTRIBUTORS
    assert rule_of(protected, "2018", "north") == Rule.SECONDARY  # the smaller of the two others
    assert protected.cell("2018", "west").value == Decimal("10500")
    assert protected.cell("2018", TOTAL).value == Decimal("27500")
    assert protected.to_dict()["cells"][2]["value"] == "10500.00"


def test_the_record_names_every_hidden_cell_its_rule_and_the_rules_version():
    table = Table.two_way(["q1"], ["a", "b", "c"], {("q1", "a"): 4, ("q1", "b"): 30, ("q1", "c"): 18})

    data = protect(table, RULES).to_dict()

    assert data["rules"]["version"] == "disclosure-rules/1"
    assert data["suppressions"] == [
        {"row": "q1", "column": "a", "rule": "threshold", "protects": None},
        {"row": "q1", "column": "c", "rule": "secondary", "protects": ["q1", "a"]},
    ]
    hidden_values = [cell["value"] for cell in data["cells"] if cell["rule"]]
    assert hidden_values == [None, None]


# No hidden cell can be recovered: two independent checks on random tables.


def linear_system(protected: ProtectedTable, table: Table) -> tuple[list, numpy.ndarray]:
    """The hidden cells and the matrix of the table's sums restricted to them."""
    unknowns = [key for key, cell in protected.cells.items() if cell.is_suppressed]
    rows = []
    for total, parts in table.sums:
        coefficients = [0.0] * len(unknowns)
        for cell, sign in [(total, -1.0), *((part, 1.0) for part in parts)]:
            if cell in unknowns:
                coefficients[unknowns.index(cell)] += sign
        rows.append(coefficients)
    return unknowns, numpy.array(rows) if rows else numpy.zeros((0, len(unknowns)))


def recoverable_by_equations(protected: ProtectedTable, table: Table) -> list:
    """Hidden cells whose value follows from the published cells by linear equations alone: those whose unit
    vector lies in the row space of the sums restricted to the hidden cells."""
    unknowns, matrix = linear_system(protected, table)
    if not unknowns or matrix.size == 0:
        return []
    rank = numpy.linalg.matrix_rank(matrix)
    recoverable = []
    for position, key in enumerate(unknowns):
        unit = numpy.zeros(len(unknowns))
        unit[position] = 1.0
        if numpy.linalg.matrix_rank(numpy.vstack([matrix, unit])) == rank:
            recoverable.append(key)
    return recoverable


def has_another_solution(protected: ProtectedTable, table: Table, target, rules: Rules) -> bool:
    """Brute force: another table of whole, non-negative counts, « < 11 » cells under 11, that agrees with
    every published cell and margin but differs at `target`."""
    inner = [key for key in table.values if TOTAL not in key]
    hidden = [key for key in inner if protected.cells[key].is_suppressed]
    values = {key: table.values[key] for key in inner if key not in hidden}
    cap = sum(table.values[key] for key in inner) + 5

    def leaves(total):
        return [key for key in inner if total[0] in (TOTAL, key[0]) and total[1] in (TOTAL, key[1])]

    checks = [(total, leaves(total)) for total in table.values if TOTAL in total]

    def allowed(total, parts):
        amount = sum(values[key] for key in parts if key in values)
        complete = all(key in values for key in parts)
        cell = protected.cells[total]
        if cell.is_suppressed:
            return amount < rules.threshold if cell.rule == Rule.THRESHOLD else True
        return amount == cell.value if complete else amount <= cell.value

    def value_of(key):
        return values[key] if TOTAL not in key else sum(values[leaf] for leaf in leaves(key))

    def search(position):
        if position == len(hidden):
            return value_of(target) != table.values[target]
        key = hidden[position]
        top = rules.threshold - 1 if protected.cells[key].rule == Rule.THRESHOLD else cap
        for value in range(top + 1):
            values[key] = value
            if all(allowed(total, parts) for total, parts in checks) and search(position + 1):
                return True
        del values[key]
        return False

    return search(0)


small_counts = strategies.one_of(strategies.integers(0, 12), strategies.integers(0, 60))


@strategies.composite
def random_tables(draw, max_rows=4, max_columns=4, counts=small_counts):
    rows = [f"r{i}" for i in range(draw(strategies.integers(1, max_rows)))]
    columns = [f"c{j}" for j in range(draw(strategies.integers(2, max_columns)))]
    values = {(row, column): draw(counts) for row in rows for column in columns}
    column_totals = len(rows) > 1 and draw(strategies.booleans())
    return Table.two_way(rows, columns, values, row_totals=True, column_totals=column_totals)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tables())
def test_no_hidden_cell_of_a_random_table_follows_from_the_published_cells_and_margins(table):
    protected = protect(table, RULES)

    assert recoverable_by_equations(protected, table) == []
    for key, cell in protected.cells.items():
        if table.values[key] < RULES.threshold:
            assert cell.is_suppressed, key
        if cell.is_suppressed:
            assert cell.value is None
        else:
            assert cell.value == table.values[key]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tables(max_rows=2, max_columns=3, counts=strategies.integers(0, 25)))
def test_every_hidden_cell_of_a_small_table_has_another_possible_value(table):
    protected = protect(table, RULES)

    for key, cell in protected.cells.items():
        if cell.is_suppressed:
            assert has_another_solution(protected, table, key, RULES), key


def test_the_brute_force_check_does_catch_a_recoverable_cell():
    # Without secondary suppression, the total gives the small cell away: the check must say so.
    table = Table.two_way(["q1"], ["a", "b"], {("q1", "a"): 4, ("q1", "b"): 30})
    protected = protect(table, RULES)
    naive = ProtectedTable(
        rows=protected.rows,
        columns=protected.columns,
        kind="count",
        cells={
            key: (cell if key == ("q1", "a") else type(cell)(table.values[key], str(table.values[key])))
            for key, cell in protected.cells.items()
        },
        suppressions=[],
        rules=RULES,
    )

    assert not has_another_solution(naive, table, ("q1", "a"), RULES)
    assert recoverable_by_equations(naive, table) == [("q1", "a")]
    assert len(protected.suppressions) == 2  # while the real protection hides the other cell too
    assert has_another_solution(protected, table, ("q1", "a"), RULES)
