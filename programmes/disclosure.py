"""Disclosure control (DESIGN §6): which published numbers may be shown, and why the others are not.

Every public number of Essaim (home page figures, impact reports, their PDF and open-data CSV) goes
through this one module. Rules, version `disclosure-rules/1`:

- `threshold`: a count of people under the threshold (11, `ESSAIM_DISCLOSURE_THRESHOLD`) is never
  published, zero included; it shows as « < 11 ».
- `secondary`: more cells are hidden until no hidden cell can be recomputed exactly from what is
  published. The audit solves the table's sums (rows, columns, totals) with every count at least 0 and
  every « < 11 » cell at most 10, and hides the smallest published cell of an equation while any hidden
  cell has a single possible value.
- `share-base`: a share of a group smaller than the threshold is hidden (it would give a small count).
- `extreme-share`: 0 % or 100 % of a small group (fewer than `ESSAIM_DISCLOSURE_SMALL_GROUP` people)
  is hidden: it would tell every member's answer. In tables this covers a count equal to its group.
- `contributors` and `dominance` (money): a sum of money is published when at least 3 cohorts
  (`ESSAIM_DISCLOSURE_MIN_CONTRIBUTORS`) contribute to it and none contributes more than 85 %
  (`ESSAIM_DISCLOSURE_DOMINANCE`) of it (INSEE rules).

Surveys of organisations (not people) may lower the threshold, explicitly: `Rules.for_organisations()`.
Each hidden cell is recorded with the rule that hid it; the rules carry their version so a published
report says which rules it was checked against.
"""

import dataclasses
import enum
from collections.abc import Collection, Hashable, Iterable, Mapping
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.utils.formats import number_format

import numpy
from scipy.optimize import linprog

RULES_VERSION = "disclosure-rules/1"
TOTAL = "__total__"
SECONDARY_MARK = "s"

Number = int | Decimal
Key = tuple[str, str]
Kind = Literal["count", "money"]


class Rule(enum.StrEnum):
    """Why a number is not published."""

    THRESHOLD = "threshold"
    SECONDARY = "secondary"
    SHARE_BASE = "share-base"
    EXTREME_SHARE = "extreme-share"
    CONTRIBUTORS = "contributors"
    DOMINANCE = "dominance"


@dataclasses.dataclass(frozen=True)
class Rules:
    """The disclosure rules in force: thresholds from the settings, or lowered for organisations."""

    threshold: int
    small_group: int
    min_contributors: int
    dominance: float
    unit: Literal["people", "organisations"] = "people"
    version: str = RULES_VERSION

    @classmethod
    def from_settings(cls) -> "Rules":
        return cls(
            threshold=int(settings.ESSAIM_DISCLOSURE_THRESHOLD),
            small_group=int(settings.ESSAIM_DISCLOSURE_SMALL_GROUP),
            min_contributors=int(settings.ESSAIM_DISCLOSURE_MIN_CONTRIBUTORS),
            dominance=float(settings.ESSAIM_DISCLOSURE_DOMINANCE),
        )

    def for_organisations(self, *, threshold: int) -> "Rules":
        """Rules for a survey of organisations: the threshold is lowered on purpose, never raised here."""
        if not 1 <= threshold <= self.threshold:
            raise ValueError(f"An organisation threshold must be between 1 and {self.threshold}.")
        return dataclasses.replace(
            self, threshold=threshold, small_group=min(self.small_group, threshold), unit="organisations"
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Rules":
        return cls(
            **{field.name: data[field.name] for field in dataclasses.fields(cls) if field.name in data}
        )


# Single figures


def count_rule(count: int, rules: Rules) -> Rule | None:
    """The rule that hides a count of people, or None when it may be published."""
    return Rule.THRESHOLD if count < rules.threshold else None


def count_display(count: int, rules: Rules | None = None) -> str:
    """A count of people as published: « < 11 » under the threshold, the grouped number otherwise."""
    rules = rules or Rules.from_settings()
    if count_rule(count, rules) is not None:
        return f"< {rules.threshold}"
    return str(number_format(count, force_grouping=True))


def disclosure_threshold() -> int:
    """The person-count threshold in force (the setting)."""
    return Rules.from_settings().threshold


def is_disclosable(count: int) -> bool:
    """May a figure about this many people be shown?"""
    return count_rule(count, Rules.from_settings()) is None


def disclosed_count(count: int) -> str:
    """A person count as published: « < 11 » below the threshold, the number otherwise."""
    return count_display(count, Rules.from_settings())


def reveals_small_group(total: Collection[Hashable], shown_parts: Iterable[Collection[Hashable]]) -> bool:
    """Secondary suppression for groups of known people (live aggregates such as the digital-skills
    group results): would showing a total beside its parts already shown let a reader subtract a group
    of people smaller than the threshold (the people of the total in none of the shown parts)?"""
    rest = set(total).difference(*shown_parts)
    return 0 < len(rest) < disclosure_threshold()


def share_rule(share: float, *, base: int, rules: Rules) -> Rule | None:
    """The rule that hides a share of a group of `base` people, or None when it may be published."""
    if base < rules.threshold:
        return Rule.SHARE_BASE
    if share in (0, 1) and base < rules.small_group:
        return Rule.EXTREME_SHARE
    return None


def publishable_share(share: float | None, *, base: int, rules: Rules | None = None) -> float | None:
    """The share when it may be published, else None."""
    if share is None:
        return None
    return share if share_rule(share, base=base, rules=rules or Rules.from_settings()) is None else None


def money_rule(contributions: Mapping[Any, Decimal], rules: Rules) -> Rule | None:
    """The rule that hides a sum of money given each cohort's part of it, or None when it may be published."""
    parts = [amount for amount in contributions.values() if amount]
    if len(parts) < rules.min_contributors:
        return Rule.CONTRIBUTORS
    total = sum(parts, Decimal(0))
    if total <= 0 or any(Decimal(part) > total * Decimal(str(rules.dominance)) for part in parts):
        return Rule.DOMINANCE
    return None


# Tables


@dataclasses.dataclass(frozen=True)
class Suppression:
    """One hidden cell and the rule that hid it (`protects`: the cell a secondary suppression covers)."""

    row: str
    column: str
    rule: Rule
    protects: Key | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "rule": str(self.rule),
            "protects": list(self.protects) if self.protects else None,
        }


@dataclasses.dataclass
class Table:
    """A table before disclosure control: cells keyed by (row, column), with the sums that bind them.

    `sums` lists `(total cell, part cells)`: the total is the sum of its parts. Totals are cells too
    (use `TOTAL` as their row or column key). A row whose cells do not add up to its total (a
    multiple-choice question, where one person may tick several options) has no sum, only `bases`:
    the group each cell is a share of, for the 0 %/100 % rule.
    """

    rows: list[str]
    columns: list[str]
    values: dict[Key, Number]
    kind: Kind = "count"
    sums: list[tuple[Key, tuple[Key, ...]]] = dataclasses.field(default_factory=list)
    bases: dict[Key, Key] = dataclasses.field(default_factory=dict)
    contributions: dict[Key, dict[Any, Decimal]] = dataclasses.field(default_factory=dict)

    @classmethod
    def two_way(
        cls,
        rows: Iterable[str],
        columns: Iterable[str],
        values: Mapping[Key, Number],
        *,
        kind: Kind = "count",
        row_totals: bool = True,
        column_totals: bool = False,
        contributions: Mapping[Key, Mapping[Any, Decimal]] | None = None,
    ) -> "Table":
        """A table of rows by columns whose published margins are the sums of its cells."""
        rows, columns = list(rows), list(columns)
        table = cls(rows=list(rows), columns=list(columns), values={}, kind=kind)
        zero: Number = Decimal(0) if kind == "money" else 0
        for row in rows:
            for column in columns:
                table.values[(row, column)] = values.get((row, column), zero)
                if contributions is not None:
                    table.contributions[(row, column)] = dict(contributions.get((row, column), {}))
        if row_totals:
            for row in rows:
                parts = tuple((row, column) for column in columns)
                table._add_total((row, TOTAL), parts, zero)
            table.columns.append(TOTAL)
        if column_totals:
            for column in columns:
                parts = tuple((row, column) for row in rows)
                table._add_total((TOTAL, column), parts, zero)
            if row_totals:
                table._add_total((TOTAL, TOTAL), tuple((row, TOTAL) for row in rows), zero)
                table.sums.append(((TOTAL, TOTAL), tuple((TOTAL, column) for column in columns)))
            table.rows.append(TOTAL)
        return table

    def _add_total(self, key: Key, parts: tuple[Key, ...], zero: Number) -> None:
        self.values[key] = sum((self.values[part] for part in parts), zero)
        self.sums.append((key, parts))
        if self.kind == "money":
            merged: dict[Any, Decimal] = {}
            for part in parts:
                for contributor, amount in self.contributions.get(part, {}).items():
                    merged[contributor] = merged.get(contributor, Decimal(0)) + amount
            self.contributions[key] = merged
        else:
            for part in parts:
                self.bases.setdefault(part, key)


@dataclasses.dataclass(frozen=True)
class PublishedCell:
    value: Number | None
    display: str
    rule: Rule | None = None

    @property
    def is_suppressed(self) -> bool:
        return self.rule is not None


@dataclasses.dataclass
class ProtectedTable:
    """A table after disclosure control: what may be published, and a record of every hidden cell."""

    rows: list[str]
    columns: list[str]
    kind: Kind
    cells: dict[Key, PublishedCell]
    suppressions: list[Suppression]
    rules: Rules

    def cell(self, row: str, column: str) -> PublishedCell:
        return self.cells[(row, column)]

    def to_dict(self) -> dict[str, Any]:
        """JSON for a frozen snapshot: published values only, hidden ones as None with their rule."""
        return {
            "kind": self.kind,
            "rows": self.rows,
            "columns": self.columns,
            "cells": [
                {
                    "row": row,
                    "column": column,
                    "value": _json_number(cell.value),
                    "display": cell.display,
                    "rule": str(cell.rule) if cell.rule else None,
                }
                for (row, column), cell in self.cells.items()
            ],
            "suppressions": [suppression.to_dict() for suppression in self.suppressions],
            "rules": self.rules.to_dict(),
        }


def _json_number(value: Number | None) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    return int(value)


def protect(table: Table, rules: Rules | None = None) -> ProtectedTable:
    """Apply the primary rules, then secondary suppression until no hidden cell can be recomputed."""
    rules = rules or Rules.from_settings()
    hidden: dict[Key, Suppression] = {}
    for key in _ordered_keys(table):
        rule = _primary_rule(table, key, rules)
        if rule is not None:
            hidden[key] = Suppression(key[0], key[1], rule)
    _secondary_suppression(table, hidden, rules)
    cells: dict[Key, PublishedCell] = {}
    for key in _ordered_keys(table):
        value = table.values[key]
        if key in hidden:
            cells[key] = PublishedCell(None, _hidden_display(hidden[key].rule, rules), hidden[key].rule)
        elif table.kind == "money":
            cells[key] = PublishedCell(value, str(number_format(Decimal(value).quantize(Decimal("0.01")))))
        else:
            cells[key] = PublishedCell(value, count_display(int(value), rules))
    ordered = [hidden[key] for key in _ordered_keys(table) if key in hidden]
    return ProtectedTable(
        rows=list(table.rows),
        columns=list(table.columns),
        kind=table.kind,
        cells=cells,
        suppressions=ordered,
        rules=rules,
    )


def _ordered_keys(table: Table) -> list[Key]:
    return [(row, column) for row in table.rows for column in table.columns if (row, column) in table.values]


def _hidden_display(rule: Rule, rules: Rules) -> str:
    return f"< {rules.threshold}" if rule == Rule.THRESHOLD else SECONDARY_MARK


def _primary_rule(table: Table, key: Key, rules: Rules) -> Rule | None:
    value = table.values[key]
    if table.kind == "money":
        return money_rule(table.contributions.get(key, {}), rules)
    rule = count_rule(int(value), rules)
    if rule is not None:
        return rule
    base = table.bases.get(key)
    if base is not None and value == table.values[base] and table.values[base] < rules.small_group:
        return Rule.EXTREME_SHARE
    return None


def _secondary_suppression(table: Table, hidden: dict[Key, Suppression], rules: Rules) -> None:
    """Hide more cells while the audit can pin a hidden cell to one value.

    Greedy: among the published cells that share an equation with an exposed cell, hide the smallest, inner
    cells before totals, then audit again (one more hidden cell often protects several exposed ones).
    """
    while True:
        exposed = exposed_cells(table, hidden, rules)
        if not exposed:
            return
        choices: dict[Key, Key] = {}
        for key in exposed:
            for candidate in _complements_for(table, key, hidden):
                choices.setdefault(candidate, key)
        if not choices:
            raise RuntimeError(f"Cannot protect cells {exposed}: every related cell is already hidden.")
        chosen = min(choices, key=lambda cell: (TOTAL in cell, table.values[cell], cell))
        hidden[chosen] = Suppression(chosen[0], chosen[1], Rule.SECONDARY, protects=choices[chosen])


def _complements_for(table: Table, key: Key, hidden: Mapping[Key, Suppression]) -> set[Key]:
    """Published cells whose hiding gives `key` another unknown beside it: the cells of its equations, else
    those of the equations linked to them."""
    related = [(total, parts) for total, parts in table.sums if key == total or key in parts]
    candidates = {cell for total, parts in related for cell in (total, *parts)} - set(hidden)
    return candidates or _linked_cells(table, key) - set(hidden)


def _linked_cells(table: Table, key: Key) -> set[Key]:
    seen, frontier = {key}, [key]
    while frontier:
        current = frontier.pop()
        for total, parts in table.sums:
            members = (total, *parts)
            if current in members:
                for member in members:
                    if member not in seen:
                        seen.add(member)
                        frontier.append(member)
    return seen


def exposed_cells(table: Table, hidden: Mapping[Key, Suppression], rules: Rules) -> list[Key]:
    """Hidden cells an attacker can recompute exactly from the published cells and the table's sums.

    Each hidden cell's smallest and largest possible values are found by linear programming under the
    sums, with every value at least 0 and a « < 11 » cell at most 10; a cell is exposed when only one
    value is possible (one integer for counts, one cent for money).
    """
    unknowns = [key for key in _ordered_keys(table) if key in hidden]
    if not unknowns:
        return []
    index = {key: position for position, key in enumerate(unknowns)}
    equations: list[list[float]] = []
    constants: list[float] = []
    for total, parts in table.sums:
        coefficients = [0.0] * len(unknowns)
        constant = 0.0
        for cell, sign in [(total, -1.0), *((part, 1.0) for part in parts)]:
            if cell in index:
                coefficients[index[cell]] += sign
            else:
                constant -= sign * float(table.values[cell])
        if any(coefficients):
            equations.append(coefficients)
            constants.append(constant)
    bounds = [
        (0.0, float(rules.threshold - 1) if hidden[key].rule == Rule.THRESHOLD else None) for key in unknowns
    ]
    resolution = 0.01 if table.kind == "money" else 1.0
    in_equation = {position for row in equations for position, c in enumerate(row) if c}
    exposed = []
    for key in unknowns:
        position = index[key]
        low_bound, high_bound = bounds[position]
        if position not in in_equation:
            if high_bound is not None and high_bound - low_bound < resolution:
                exposed.append(key)
            continue
        low = _extreme(position, equations, constants, bounds, maximise=False)
        high = _extreme(position, equations, constants, bounds, maximise=True)
        if high is not None and low is not None and _single_value(low, high, resolution):
            exposed.append(key)
    return exposed


def _single_value(low: float, high: float, resolution: float) -> bool:
    if resolution >= 1:
        # Counts are whole: [2.0, 2.6] leaves only 2.
        return int(numpy.floor(high + 1e-7)) <= int(numpy.ceil(low - 1e-7))
    return high - low < resolution - 1e-9


def _extreme(
    position: int,
    equations: list[list[float]],
    constants: list[float],
    bounds: list[tuple[float, float | None]],
    *,
    maximise: bool,
) -> float | None:
    """The smallest (or largest) value of one unknown under the equations; None when unbounded."""
    objective = numpy.zeros(len(bounds))
    objective[position] = -1.0 if maximise else 1.0
    result = linprog(
        objective,
        A_eq=numpy.array(equations),
        b_eq=numpy.array(constants),
        bounds=bounds,
        method="highs",
    )
    if result.status == 3:  # unbounded
        return None
    if result.status != 0:
        # Infeasible means the published numbers contradict each other: refuse rather than guess.
        raise RuntimeError(f"Disclosure audit failed: {result.message}")
    return float(result.x[position])
