"""The ESF participant file (CSV and XLSX): the rows of selectors.esf_rows, coded by one indicator set
of flashcoop/esf.py. The views check the role, scope the cohorts and write the audit entry."""

import csv
import datetime
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from flashcoop.esf import IndicatorSet


def coded_rows(rows: list[dict[str, Any]], indicator_set: IndicatorSet) -> tuple[list[str], list[list[Any]]]:
    """The header and the cells of the file, each code translated by the set's `values`."""
    keys = list(indicator_set["columns"])
    header = [indicator_set["columns"][key] for key in keys]
    values = indicator_set["values"]
    cells = []
    for row in rows:
        line = []
        for key in keys:
            value = row[key]
            if key in values:
                value = values[key].get(value, value)
            line.append("" if value is None else value)
        cells.append(line)
    return header, cells


def esf_csv(rows: list[dict[str, Any]], indicator_set: IndicatorSet) -> str:
    """UTF-8 with a BOM and `;` separators (what spreadsheet software in France opens as is)."""
    header, cells = coded_rows(rows, indicator_set)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for line in cells:
        writer.writerow([value.isoformat() if isinstance(value, datetime.date) else value for value in line])
    return buffer.getvalue()


def esf_xlsx(rows: list[dict[str, Any]], indicator_set: IndicatorSet) -> bytes:
    """One sheet named after the set, bold frozen header, dates as dates."""
    header, cells = coded_rows(rows, indicator_set)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = indicator_set["label"][:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for line in cells:
        sheet.append(line)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, len(title) + 2)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
