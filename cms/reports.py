"""The content of an impact report, computed from live data: what a snapshot freezes when the report is
published, and what the preview shows before.

`compute_report(page)` turns each block of the page into plain JSON: texts as HTML, every number as a
published table (programmes.evaluation.publication, under the disclosure rules), every chart as SVG
markup. The public page, its PDF and its open-data CSV are all rendered from that JSON, so once frozen
nothing in the database can change them.
"""

import csv
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.rich_text import expand_db_html

from cjs.selectors import hours_by_cohort, turnover_by_cohort
from cms.charts import Bar, Segment, Series, option_colours, stacked_bars
from programmes.choices import NO_OPINION, ItemKind
from programmes.disclosure import RULES_VERSION, TOTAL, Rule, Rules, count_rule, money_rule, share_rule
from programmes.evaluation import analysis
from programmes.evaluation.publication import (
    MEAN,
    MISSING,
    PAIRS,
    PublishedTable,
    mcnemar_table,
    paired_table,
    ranks_table,
    results_table,
    rules_for,
)
from programmes.evaluation.results import campaign_responses, paired_results, questionnaire_results
from programmes.models import Campaign, Cohort, Item, Option, Programme, Questionnaire
from programmes.statistics import counted_cohorts, edition_statistics

RETROSPECTIVE = "retrospective"

# The statistics a report may quote, and how each is protected before it is published.
# kind: count (of cohorts, places, organisations: published as is), people (threshold), share and mean
# (of the participants: share rules), money (at least 3 cohorts, none above 85 %).
INDICATORS: dict[str, tuple[Any, str]] = {
    "cohorts": (gettext_lazy("cooperatives"), "count"),
    "regions": (gettext_lazy("regions"), "count"),
    "departments": (gettext_lazy("departments"), "count"),
    "communes": (gettext_lazy("communes"), "count"),
    "new_communes": (gettext_lazy("new communes"), "count"),
    "cohorts_in_qpv": (gettext_lazy("cooperatives in priority neighbourhoods (QPV)"), "count"),
    "local_partners": (gettext_lazy("local partners"), "count"),
    "participants": (gettext_lazy("participants"), "people"),
    "girls_share": (gettext_lazy("girls and women"), "share"),
    "qpv_residents_share": (gettext_lazy("residents of priority neighbourhoods (QPV)"), "share"),
    "completion_rate": (gettext_lazy("completion rate"), "share"),
    "dropout_rate": (gettext_lazy("drop-out rate"), "share"),
    "attendance_rate": (gettext_lazy("attendance rate"), "share"),
    "mean_age": (gettext_lazy("mean age"), "mean"),
    "turnover_eur": (gettext_lazy("turnover (€)"), "money"),
    "turnover_per_cohort_eur": (gettext_lazy("turnover per cooperative (€)"), "money"),
    "contracts": (gettext_lazy("contracts"), "count"),
    "hours_worked": (gettext_lazy("hours worked"), "money"),
}
# Each cohort's part of a money figure (the dominance rule needs them).
MONEY_BREAKDOWNS: dict[str, Callable[[QuerySet[Cohort]], dict[int, Decimal]]] = {
    "turnover_eur": turnover_by_cohort,
    "turnover_per_cohort_eur": turnover_by_cohort,
    "hours_worked": hours_by_cohort,
}

COLUMN_LABELS = {
    NO_OPINION: gettext_lazy("No opinion"),
    MISSING: gettext_lazy("No answer"),
    TOTAL: gettext_lazy("Total"),
    MEAN: gettext_lazy("Mean (1 to N)"),
    PAIRS: gettext_lazy("Pairs"),
    "worse": gettext_lazy("Declined"),
    "same": gettext_lazy("Same"),
    "improved": gettext_lazy("Improved"),
    "median_change": gettext_lazy("Median change"),
    "hodges_lehmann": gettext_lazy("Hodges-Lehmann estimate"),
    "interval_low": gettext_lazy("95 percent interval, low"),
    "interval_high": gettext_lazy("95 percent interval, high"),
    "rank_biserial": gettext_lazy("Effect size (rank-biserial)"),
    "p_value": gettext_lazy("p-value"),
    "yes_yes": gettext_lazy("Yes, then yes"),
    "yes_no": gettext_lazy("Yes, then no"),
    "no_yes": gettext_lazy("No, then yes"),
    "no_no": gettext_lazy("No, then no"),
    "value": gettext_lazy("Value"),
}


def column_label(column: dict[str, Any]) -> str:
    return str(column.get("label") or COLUMN_LABELS.get(column["code"], column["code"]))


class ReportError(Exception):
    """A block names something that no longer exists (a deleted campaign, an unknown item)."""


def _campaign(campaign_id: Any) -> Campaign:
    items = Item.objects.order_by("sort_order").prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("sort_order"))
    )
    campaign = (
        Campaign.objects.select_related("questionnaire", "edition__programme")
        .prefetch_related(Prefetch("questionnaire__items", queryset=items))
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise ReportError(_("The campaign of this block no longer exists."))
    return campaign


def _codes(text: str | None) -> list[str] | None:
    codes = [code.strip() for code in (text or "").replace(";", ",").split(",") if code.strip()]
    return codes or None


def _table(published: PublishedTable, *, title: str, table_id: str) -> dict[str, Any]:
    data = published.to_dict()
    data.update(id=table_id, title=title)
    for column in data["columns"]:
        column["label"] = column_label(column)
    return data


# Blocks


def _heading(value: Any, _index: int, _cache: dict[Any, Any]) -> dict[str, Any]:
    return {"type": "heading", "text": value["text"], "level": value["level"]}


def _paragraph(value: Any, _index: int, _cache: dict[Any, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "html": expand_db_html(value.source)}


def _result_table(value: Any, index: int, cache: dict[Any, Any]) -> dict[str, Any]:
    campaign = _campaign(value["campaign"])
    questionnaire = campaign.questionnaire
    rules = rules_for(questionnaire)
    results = questionnaire_results(
        questionnaire=questionnaire,
        responses=campaign_responses(campaign, wave=value["wave"]),
        item_codes=_codes(value.get("items")),
    )
    title = value.get("title") or questionnaire.title
    tables = []
    published = results_table(results, rules)
    if published.rows:
        tables.append(_table(published, title=title, table_id=f"b{index}-results"))
    for item in results.items:
        if item.kind == ItemKind.RANKING:
            tables.append(
                _table(
                    ranks_table(item, rules), title=f"{title} · {item.text}", table_id=f"b{index}-{item.code}"
                )
            )
    return {
        "type": "result_table",
        "title": title,
        "campaign": campaign.name,
        "wave": value["wave"],
        "tables": tables,
        "rules": rules.to_dict(),
    }


def _paired(value: Any, cache: dict[Any, Any]) -> tuple[Campaign, list[Any], Rules]:
    """The paired results a block asks for (a chart and a table of the same analysis share them)."""
    key = (
        "paired",
        *(str(value.get(field) or "") for field in ("campaign", "before", "after", "items", "scales")),
    )
    if key not in cache:
        cache[key] = _compute_paired(value)
    found: tuple[Campaign, list[Any], Rules] = cache[key]
    return found


def _compute_paired(value: Any) -> tuple[Campaign, list[Any], Rules]:
    campaign = _campaign(value["campaign"])
    retrospective = value["before"] == RETROSPECTIVE
    after = campaign_responses(campaign, wave=value["after"])
    before = after.none() if retrospective else campaign_responses(campaign, wave=value["before"])
    results = paired_results(
        questionnaire=campaign.questionnaire,
        before=before,
        after=after,
        item_codes=_codes(value.get("items")),
        scales=_codes(value.get("scales")),
        retrospective=retrospective,
    )
    return campaign, results, rules_for(campaign.questionnaire)


def _paired_analysis(value: Any, index: int, cache: dict[Any, Any]) -> dict[str, Any]:
    campaign, results, rules = _paired(value, cache)
    title = value.get("title") or _("Declared change")
    tables = [_table(paired_table(results, rules), title=title, table_id=f"b{index}-paired")]
    if any(result.kind == ItemKind.YESNO for result in results):
        tables.append(
            _table(
                mcnemar_table(results, rules), title=f"{title} · {_('yes / no')}", table_id=f"b{index}-yesno"
            )
        )
    return {
        "type": "paired_analysis",
        "title": title,
        "campaign": campaign.name,
        "before": value["before"],
        "after": value["after"],
        "tables": tables,
        "method": {
            "exact_limit": analysis.EXACT_LIMIT,
            "resamples": analysis.BOOTSTRAP_RESAMPLES,
            "seed": analysis.BOOTSTRAP_SEED,
            "confidence": analysis.CONFIDENCE,
        },
        "rules": rules.to_dict(),
    }


def _chart(value: Any, index: int, cache: dict[Any, Any]) -> dict[str, Any]:
    chart_id = f"chart-{index}"
    title = value["title"]
    description = value["description"]
    if value["kind"] == "change":
        _campaign_row, results, rules = _paired(value, cache)
        published = paired_table(results, rules)
        series = [
            Series("worse", _("Declined"), "#b2182b"),
            Series("same", _("Same"), "#d9d9d9"),
            Series("improved", _("Improved"), "#2166ac"),
        ]
        bars = [_bar(row, ["worse", "same", "improved"], PAIRS) for row in published.rows]
    else:
        campaign = _campaign(value["campaign"])
        rules = rules_for(campaign.questionnaire)
        results = questionnaire_results(
            questionnaire=campaign.questionnaire,
            responses=campaign_responses(campaign, wave=value["wave"]),
            item_codes=_codes(value.get("items")),
        )
        published = results_table(results, rules)
        options = [
            column for column in published.columns if column.code not in (NO_OPINION, MISSING, TOTAL, MEAN)
        ]
        ordered = all(row.get("kind") == ItemKind.LIKERT for row in published.rows)
        colours = option_colours(len(options), ordered=ordered)
        series = [
            *(
                Series(column.code, column.label, colour)
                for column, colour in zip(options, colours, strict=True)
            ),
            Series(NO_OPINION, _("No opinion"), "#bdbdbd"),
            Series(MISSING, _("No answer"), "#eeeeee"),
        ]
        bars = [_bar(row, [item.key for item in series], TOTAL) for row in published.rows]
    svg = stacked_bars(
        chart_id=chart_id,
        title=title,
        description=description,
        bars=bars,
        series=series,
        hidden_label=_("hidden (disclosure control)"),
    )
    table = _table(published, title=title, table_id=f"b{index}-chart")
    return {"type": "chart", "title": title, "description": description, "svg": svg, "tables": [table]}


def _bar(row: dict[str, Any], keys: Sequence[str], total_code: str) -> Bar:
    total = row["cells"][total_code]["value"]
    segments, shown = [], 0.0
    for key in keys:
        cell = row["cells"].get(key)
        if cell is None or cell.get("absent") or cell["value"] is None:
            continue
        segments.append(Segment(key, float(cell["value"])))
        shown += float(cell["value"])
    if total:
        segments.append(Segment("hidden", float(total) - shown))
    return Bar(label=row["label"], segments=segments, total=float(total) if total else None)


def _indicators(value: Any, index: int, cache: dict[Any, Any]) -> dict[str, Any]:
    programme = Programme.objects.filter(slug=value["programme"]).first()
    if programme is None:
        raise ReportError(_("The programme of this block no longer exists."))
    year = value["edition_year"]
    rules = Rules.from_settings()
    stats = edition_statistics(programme=programme, edition_year=year)
    participants = int(stats.get("participants") or 0)
    cohorts = counted_cohorts(programme=programme, edition_year=year)
    rows = []
    for key in value["indicators"]:
        if key not in INDICATORS or key not in stats:
            continue
        label, kind = INDICATORS[key]
        raw = stats[key]
        rule: Rule | None = None
        if raw is None:
            rule = None
        elif kind == "people":
            rule = count_rule(int(raw), rules)
        elif kind in ("share", "mean"):
            rule = share_rule(float(raw), base=participants, rules=rules) if kind == "share" else None
            if kind == "mean" and participants < rules.threshold:
                rule = Rule.SHARE_BASE
        elif kind == "money":
            rule = money_rule(MONEY_BREAKDOWNS[key](cohorts), rules)
        shown = None if rule is not None else (str(raw) if isinstance(raw, Decimal) else raw)
        rows.append(
            {
                "code": key,
                "label": str(label),
                "format": {"share": "share", "mean": "decimal", "money": "money"}.get(kind, "count"),
                "cells": [{"column": "value", "value": shown, "rule": str(rule) if rule else None}],
            }
        )
    title = value.get("heading") or f"{programme.name} {year}"
    table = {
        "id": f"b{index}-indicators",
        "title": title,
        "columns": [{"code": "value", "label": column_label({"code": "value"}), "format": "count"}],
        "rows": rows,
        "rules": rules.to_dict(),
    }
    return {
        "type": "indicators",
        "title": title,
        "programme": programme.slug,
        "year": year,
        "tables": [table],
    }


COMPUTE: dict[str, Callable[[Any, int, dict[Any, Any]], dict[str, Any]]] = {
    "heading": _heading,
    "paragraph": _paragraph,
    "result_table": _result_table,
    "paired_analysis": _paired_analysis,
    "chart": _chart,
    "indicators": _indicators,
}


def compute_report(page: Any) -> dict[str, Any]:
    """Every text, number, table and chart of the report, from live data, as plain JSON."""
    blocks = []
    cache: dict[Any, Any] = {}
    for index, block in enumerate(page.body, start=1):
        try:
            blocks.append(COMPUTE[block.block_type](block.value, index, cache))
        except ReportError as error:
            blocks.append({"type": "error", "message": str(error)})
    rules = Rules.from_settings()
    return {
        "title": page.title,
        "intro": page.intro,
        "methodology": expand_db_html(page.methodology),
        "blocks": blocks,
        "rules": rules.to_dict(),
        "rules_version": RULES_VERSION,
        "computed_at": timezone.now().isoformat(),
    }


def report_tables(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [table for block in content["blocks"] for table in block.get("tables", [])]


def hidden_mark(rule: str | None, threshold: int) -> str:
    if rule is None:
        return ""
    return f"< {threshold}" if rule == str(Rule.THRESHOLD) else "s"


CSV_HEADER = ["table", "table_title", "row", "row_label", "column", "column_label", "value", "hidden", "rule"]


def report_csv(content: dict[str, Any]) -> str:
    """Open data: one line per cell of every table; a hidden cell has no value, its mark and its rule."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for table in report_tables(content):
        threshold = table.get("rules", content["rules"])["threshold"]
        labels = {column["code"]: column["label"] for column in table["columns"]}
        for row in table["rows"]:
            for cell in row["cells"]:
                if cell.get("absent"):
                    continue
                value = "" if cell["value"] is None else cell["value"]
                writer.writerow(
                    [
                        table["id"],
                        table["title"],
                        "total" if row["code"] == TOTAL else row["code"],
                        row["label"],
                        "total" if cell["column"] == TOTAL else cell["column"],
                        labels.get(cell["column"], cell["column"]),
                        value,
                        hidden_mark(cell["rule"], threshold),
                        cell["rule"] or "",
                    ]
                )
    return output.getvalue()


def campaign_choices() -> list[tuple[str, str]]:
    """The campaigns an editor can report on (read when the editor opens the form)."""
    return [
        (str(pk), f"{name} ({year})")
        for pk, name, year in Campaign.objects.order_by("-edition__year", "name").values_list(
            "pk", "name", "edition__year"
        )
    ]


def questionnaire_item_codes(campaign_id: Any) -> set[str]:
    questionnaire = Questionnaire.objects.filter(campaigns__pk=campaign_id).first()
    if questionnaire is None:
        return set()
    return set(questionnaire.items.values_list("code", flat=True))


def questionnaire_scale_codes(campaign_id: Any) -> set[str]:
    questionnaire = Questionnaire.objects.filter(campaigns__pk=campaign_id).first()
    if questionnaire is None:
        return set()
    return set(questionnaire.items.exclude(scale="").values_list("scale", flat=True))
