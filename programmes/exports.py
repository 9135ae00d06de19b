"""File exports of the coordinator's cohort table (CSV and XLSX): aggregates per cohort, never a name.

The views check the role, resolve the filters through the selectors and write the audit entry; this
module only turns rows into files. Shares are numbers in 0..1 (DESIGN §5), dates ISO 8601.
"""

import csv
import io
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from openpyxl import Workbook
from openpyxl.styles import Font

from programmes.selectors import CohortRow

PERCENT_COLUMNS = {"retention", "attendance_rate"}


def cohort_columns() -> list[tuple[str, str, Callable[[CohortRow], Any]]]:
    """(key, header, value) for each column, headers in the active language."""
    return [
        ("programme", _("Programme"), lambda row: row.cohort.edition.programme.name),
        ("edition", _("Edition"), lambda row: row.cohort.edition.year),
        ("cohort", _("Cohort"), lambda row: row.cohort.name),
        ("region", _("Region"), lambda row: row.cohort.department.region.name),
        ("department", _("Department"), lambda row: row.cohort.department.code),
        ("commune", _("Commune"), lambda row: row.cohort.commune.name if row.cohort.commune else ""),
        ("status", _("Status"), lambda row: str(row.cohort.get_status_display())),
        ("start_date", _("Start date"), lambda row: row.cohort.start_date),
        ("end_date", _("End date"), lambda row: row.cohort.end_date),
        ("members", _("Members (started)"), lambda row: row.members),
        ("retained", _("Members still in"), lambda row: row.retained),
        ("retention", _("Retention"), lambda row: row.retention),
        ("attendance_rate", _("Attendance rate"), lambda row: row.attendance_rate),
        ("partners", _("Partners"), lambda row: row.partners),
        (
            "minors_without_guardian",
            _("Minors without guardian contact or authorisation"),
            lambda row: row.alerts.minors_without_guardian,
        ),
        ("absence_streaks", _("Members absent 3 sessions in a row"), lambda row: row.alerts.absence_streaks),
    ]


def _cell(value: Any) -> Any:
    return "" if value is None else value


def cohorts_csv(rows: list[CohortRow]) -> str:
    """UTF-8 text with a BOM and `;` separators, which spreadsheet software in France opens as is."""
    columns = cohort_columns()
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _key, header, _value in columns])
    for row in rows:
        writer.writerow(
            [
                value.isoformat() if hasattr(value, "isoformat") else _cell(value)
                for value in (get(row) for _key, _header, get in columns)
            ]
        )
    return buffer.getvalue()


def cohorts_xlsx(rows: list[CohortRow]) -> bytes:
    """One sheet, bold frozen header row, dates as dates and shares formatted as percentages."""
    columns = cohort_columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Cohorts")[:31]
    sheet.append([header for _key, header, _value in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([get(row) for _key, _header, get in columns])
    for index, (key, header, _value) in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, min(40, len(header) + 2))
        if key in PERCENT_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0%"
        elif key in {"start_date", "end_date"}:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
