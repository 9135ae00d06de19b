"""Template helpers of the impact reports: published cells and column labels, charts for the PDF."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cms.pdf import svg_data_uri
from cms.reports import hidden_mark

register = template.Library()
DASH = "\N{EN DASH}"


@register.simple_tag
def cell_display(cell: dict[str, Any], table: dict[str, Any], row: dict[str, Any]) -> str:
    """A published cell as shown: its value formatted, « < 11 » or « s » when hidden, a dash when absent."""
    threshold = int(table["rules"]["threshold"])
    column = next((column for column in table["columns"] if column["code"] == cell["column"]), {})
    if cell.get("absent"):
        return DASH
    if cell.get("rule"):
        return hidden_mark(cell["rule"], threshold)
    value = cell.get("value")
    if value is None:
        return DASH
    kind = row.get("format") or column.get("format") or "count"
    if kind == "p":
        if float(value) < 0.001:
            return f"< {number_format(0.001, 3)}"
        return str(number_format(float(value), 3))
    if kind == "share":
        return f"{round(float(value) * 100)} %"
    if kind == "decimal":
        return str(number_format(float(value), 2))
    if kind == "money":
        try:
            return str(number_format(Decimal(str(value)), 0, force_grouping=True))
        except InvalidOperation:
            return str(value)
    if isinstance(value, float) and not value.is_integer():
        return str(number_format(value, 2))
    return str(number_format(int(value), force_grouping=True))


@register.simple_tag
def rule_text(rule: str, threshold: int) -> str:
    """Why a cell is hidden, for the notes under a table."""
    texts = {
        "threshold": _("fewer than %(threshold)s people") % {"threshold": threshold},
        "secondary": _("hidden so that a small count cannot be recomputed from the totals"),
        "share-base": _("computed on fewer than %(threshold)s people") % {"threshold": threshold},
        "extreme-share": _("all or none of a small group"),
        "contributors": _("fewer than 3 contributing cooperatives"),
        "dominance": _("one cooperative makes up most of the amount"),
    }
    return str(texts.get(rule, rule))


@register.filter
def table_rules(table: dict[str, Any]) -> list[str]:
    """The rules that hid at least one cell of the table, in a stable order."""
    found = {cell["rule"] for row in table["rows"] for cell in row["cells"] if cell.get("rule")}
    order = ["threshold", "secondary", "share-base", "extreme-share", "contributors", "dominance"]
    return [rule for rule in order if rule in found]


@register.filter
def as_data_uri(svg: str) -> str:
    return svg_data_uri(svg)
