"""Evaluation results made publishable: each table passes through `programmes.disclosure`.

A published table is a list of rows of cells, each with its value or, when hidden, the rule that hid it;
the impact reports freeze these tables in their snapshots, render them, and export them as open data.

- Results of a wave: a row per item, a column per option, then no opinion, no answer and the
  respondents (the row total). No opinion when it is not offered, and no answer to a required item,
  are structural zeros: left out rather than hidden. Items with one answer per person (Likert, single choice, yes/no) add up
  to the respondents; multiple-choice rows do not (one person ticks several options), so only the
  primary rules apply to them. The mean is shown when at least `threshold` answers are scored and none
  of the row's option counts is hidden (it would give one more equation to recompute them).
- Rankings: options by places, with row and column totals (everyone who ranked fills each place once).
- Paired change: pairs, improved, same and worse add up per row; the statistics are shown when the
  pairs reach the threshold. Yes/no items: the four cells of the McNemar table add up to the pairs.
"""

import dataclasses
from collections.abc import Sequence
from typing import Any

from programmes.choices import NO_OPINION, ItemKind, SurveySubject
from programmes.disclosure import TOTAL, ProtectedTable, Rule, Rules, Table, protect
from programmes.evaluation.analysis import McNemarResult, PairedChange
from programmes.evaluation.results import ItemResult, PairedResult, Results
from programmes.models import Questionnaire

MISSING = "missing"
MEAN = "mean"
PAIRS = "pairs"
TABLE_KINDS = {ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.YESNO, ItemKind.MULTIPLE}
CHANGE_COLUMNS = ["worse", "same", "improved"]
STATISTIC_COLUMNS = [
    "median_change",
    "hodges_lehmann",
    "interval_low",
    "interval_high",
    "rank_biserial",
    "p_value",
]
MCNEMAR_COLUMNS = ["yes_yes", "yes_no", "no_yes", "no_no"]


def rules_for(questionnaire: Questionnaire, base: Rules | None = None) -> Rules:
    """The network's rules, or a survey of organisations' explicitly lowered threshold."""
    rules = base or Rules.from_settings()
    if questionnaire.subject == SurveySubject.ORGANISATIONS and questionnaire.disclosure_threshold:
        return rules.for_organisations(threshold=min(questionnaire.disclosure_threshold, rules.threshold))
    return rules


@dataclasses.dataclass(frozen=True)
class Column:
    """A column of a published table; `label` is empty for the fixed columns (translated when shown)."""

    code: str
    label: str = ""
    format: str = "count"  # count, decimal, p, text


@dataclasses.dataclass
class PublishedTable:
    columns: list[Column]
    rows: list[dict[str, Any]]  # {"code", "label", "cells": {column code: {"value", "rule"}}}
    rules: Rules
    suppressions: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": [dataclasses.asdict(column) for column in self.columns],
            "rows": [
                {
                    "code": row["code"],
                    "label": row["label"],
                    "cells": [
                        {
                            "column": column.code,
                            **row["cells"].get(column.code, {"value": None, "rule": None}),
                        }
                        for column in self.columns
                    ],
                }
                for row in self.rows
            ],
            "rules": self.rules.to_dict(),
            "suppressions": self.suppressions,
        }


def _cell(protected: ProtectedTable, row: str, column: str) -> dict[str, Any]:
    published = protected.cell(row, column)
    return {"value": published.value, "rule": str(published.rule) if published.rule else None}


def _empty() -> dict[str, Any]:
    """A cell that does not apply (an option another item does not have)."""
    return {"value": None, "rule": None, "absent": True}


def results_table(results: Results, rules: Rules, item_codes: Sequence[str] | None = None) -> PublishedTable:
    """The published table of a wave's results: counts per option, no opinion, no answer, respondents."""
    items = [item for item in results.items if item.kind in TABLE_KINDS]
    if item_codes is not None:
        items = [item for item in items if item.code in item_codes]
    option_columns: list[Column] = []
    for item in items:
        for code, label in item.options:
            if all(column.code != code for column in option_columns):
                option_columns.append(Column(code, label))
    columns = [*option_columns, Column(NO_OPINION), Column(MISSING), Column(TOTAL)]
    table = Table(rows=[item.code for item in items], columns=[column.code for column in columns], values={})
    for item in items:
        parts = []
        for code in [*(code for code, _label in item.options), NO_OPINION]:
            if code == NO_OPINION and not item.allow_no_opinion and not item.counts.get(code):
                continue  # not offered: a structural zero, not a small count
            table.values[(item.code, code)] = item.counts.get(code, 0)
            parts.append((item.code, code))
        missing = results.respondents - item.n
        if missing or not item.is_required:
            table.values[(item.code, MISSING)] = missing
            parts.append((item.code, MISSING))
        table.values[(item.code, TOTAL)] = results.respondents
        if item.is_additive:
            table.sums.append(((item.code, TOTAL), tuple(parts)))
        for part in parts:
            table.bases[part] = (item.code, TOTAL)
    # Every row's total is the same number of respondents: hiding it in one row only would hide nothing.
    for item in items[1:]:
        table.sums.append(((item.code, TOTAL), ((items[0].code, TOTAL),)))
    protected = protect(table, rules)
    rows = []
    for item in items:
        cells = {column.code: _empty() for column in columns}
        for key in table.values:
            if key[0] == item.code:
                cells[key[1]] = _cell(protected, *key)
        if item.kind == ItemKind.LIKERT:
            cells[MEAN] = _mean_cell(item, protected, rules)
        rows.append({"code": item.code, "label": item.text, "kind": item.kind, "cells": cells})
    if any(item.kind == ItemKind.LIKERT for item in items):
        columns.append(Column(MEAN, format="decimal"))
    return PublishedTable(
        columns=columns,
        rows=rows,
        rules=rules,
        suppressions=[suppression.to_dict() for suppression in protected.suppressions],
    )


def _mean_cell(item: ItemResult, protected: ProtectedTable, rules: Rules) -> dict[str, Any]:
    if item.mean is None:
        return {"value": None, "rule": None}
    if item.scored < rules.threshold:
        return {"value": None, "rule": str(Rule.SHARE_BASE)}
    if any(protected.cell(item.code, code).is_suppressed for code, _label in item.options):
        return {"value": None, "rule": str(Rule.SECONDARY)}
    return {"value": item.mean, "rule": None}


def ranks_table(item: ItemResult, rules: Rules) -> PublishedTable:
    """How many put each option 1st, 2nd, ... with the totals of rows and places."""
    places = [str(place) for place in range(1, len(item.options) + 1)]
    values = {
        (code, place): (item.ranks or {}).get(code, [0] * len(places))[index]
        for code, _label in item.options
        for index, place in enumerate(places)
    }
    table = Table.two_way(
        [code for code, _label in item.options], places, values, row_totals=True, column_totals=True
    )
    protected = protect(table, rules)
    labels = dict(item.options)
    columns = [*(Column(place, place) for place in places), Column(TOTAL)]
    rows = [
        {
            "code": code,
            "label": labels.get(code, ""),
            "cells": {column.code: _cell(protected, code, column.code) for column in columns},
        }
        for code in [*(code for code, _label in item.options), TOTAL]
    ]
    return PublishedTable(
        columns=columns,
        rows=rows,
        rules=rules,
        suppressions=[suppression.to_dict() for suppression in protected.suppressions],
    )


def paired_table(results: Sequence[PairedResult], rules: Rules) -> PublishedTable:
    """Likert items and scales: pairs, how many declined, stayed the same, improved, and the statistics."""
    rows_in = [result for result in results if isinstance(result.change, PairedChange)]
    columns = [
        Column(PAIRS),
        *(Column(code) for code in CHANGE_COLUMNS),
        *(Column(code, format="p" if code == "p_value" else "decimal") for code in STATISTIC_COLUMNS),
    ]
    table = Table(rows=[row.code for row in rows_in], columns=[PAIRS, *CHANGE_COLUMNS], values={})
    for result in rows_in:
        change = result.change
        if not isinstance(change, PairedChange):
            raise TypeError(f"expected PairedChange, got {type(change).__name__}")
        counts = {"worse": change.worse, "same": change.same, "improved": change.improved}
        for code, count in counts.items():
            table.values[(result.code, code)] = count
        table.values[(result.code, PAIRS)] = change.pairs
        table.sums.append(((result.code, PAIRS), tuple((result.code, code) for code in CHANGE_COLUMNS)))
    protected = protect(table, rules)
    rows = []
    for result in rows_in:
        change = result.change
        if not isinstance(change, PairedChange):
            raise TypeError(f"expected PairedChange, got {type(change).__name__}")
        cells = {code: _cell(protected, result.code, code) for code in [PAIRS, *CHANGE_COLUMNS]}
        shown = change.pairs >= rules.threshold
        statistics = {
            "median_change": change.median_change,
            "hodges_lehmann": change.hodges_lehmann,
            "interval_low": change.interval[0] if change.interval else None,
            "interval_high": change.interval[1] if change.interval else None,
            "rank_biserial": change.rank_biserial,
            "p_value": change.wilcoxon.p_value if change.wilcoxon else None,
        }
        for code, value in statistics.items():
            cells[code] = (
                {"value": value, "rule": None} if shown else {"value": None, "rule": str(Rule.SHARE_BASE)}
            )
        rows.append(
            {
                "code": result.code,
                "label": result.label,
                "kind": result.kind,
                "cells": cells,
                "method": change.wilcoxon.method if change.wilcoxon and shown else None,
            }
        )
    return PublishedTable(
        columns=columns,
        rows=rows,
        rules=rules,
        suppressions=[suppression.to_dict() for suppression in protected.suppressions],
    )


def mcnemar_table(results: Sequence[PairedResult], rules: Rules) -> PublishedTable:
    """Yes/no items: the four cells of answers at both waves, the pairs, and McNemar's p-value."""
    rows_in = [result for result in results if isinstance(result.change, McNemarResult)]
    columns = [*(Column(code) for code in MCNEMAR_COLUMNS), Column(PAIRS), Column("p_value", format="p")]
    table = Table(rows=[row.code for row in rows_in], columns=[*MCNEMAR_COLUMNS, PAIRS], values={})
    for result in rows_in:
        change = result.change
        if not isinstance(change, McNemarResult):
            raise TypeError(f"expected McNemarResult, got {type(change).__name__}")
        for code in MCNEMAR_COLUMNS:
            table.values[(result.code, code)] = getattr(change, code)
        table.values[(result.code, PAIRS)] = change.pairs
        table.sums.append(((result.code, PAIRS), tuple((result.code, code) for code in MCNEMAR_COLUMNS)))
    protected = protect(table, rules)
    rows = []
    for result in rows_in:
        change = result.change
        if not isinstance(change, McNemarResult):
            raise TypeError(f"expected McNemarResult, got {type(change).__name__}")
        cells = {code: _cell(protected, result.code, code) for code in [*MCNEMAR_COLUMNS, PAIRS]}
        shown = change.pairs >= rules.threshold
        cells["p_value"] = (
            {"value": change.p_value, "rule": None}
            if shown
            else {"value": None, "rule": str(Rule.SHARE_BASE)}
        )
        rows.append(
            {
                "code": result.code,
                "label": result.label,
                "kind": result.kind,
                "cells": cells,
                "method": change.method if shown else None,
            }
        )
    return PublishedTable(
        columns=columns,
        rows=rows,
        rules=rules,
        suppressions=[suppression.to_dict() for suppression in protected.suppressions],
    )
