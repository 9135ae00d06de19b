"""Tolerant reading of the spreadsheets people export (DESIGN §5): encodings, separators, French
dates and decimals, yes/no in two languages, codes and names typed loosely."""

import csv
import datetime
import functools
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from programmes.imports.results import RowError
from programmes.text import normalise

T = TypeVar("T")


class FileError(Exception):
    """The file as a whole cannot be read (not text, no header)."""


class CellError(Exception):
    """One cell cannot be read; the message says why, in the reader's language."""


# Reading the file


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark), else Windows-1252, as spreadsheet software writes."""
    if b"\x00" in data:
        raise FileError(_("This is not a text file. Export the spreadsheet as CSV."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise FileError(_("The file is neither UTF-8 nor Windows-1252 text.")) from error
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise FileError(_("This is not a text file. Export the spreadsheet as CSV."))
    return text


def column_key(header: str) -> str:
    """'Start date', 'start_date' and 'START-DATE' all name the column start_date."""
    return normalise(header).replace(" ", "_")


@dataclass
class Table:
    """The rows of a CSV file as {column: stripped text}, each with its line number in the file."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_table(text: str) -> Table:
    """Split a CSV text: the separator (`,` or `;`) is the one the header line uses more."""
    header_line = next((line for line in re.split(r"\r\n|\r|\n", text) if line.strip()), "")
    if not header_line:
        raise FileError(_("The file is empty."))
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    table = Table(columns=[])
    last_line = 0
    for cells in reader:
        first_line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = [column_key(cell) for cell in cells]
            table.columns = header
            continue
        row = {
            column: cell.strip().replace("\u00a0", " ")
            for column, cell in zip(header, cells, strict=False)
            if column
        }
        extra = [cell for cell in cells[len(header) :] if cell.strip()]
        if extra:
            row["__extra__"] = delimiter.join(extra)
        table.rows.append((first_line, row))
    return table


def check_columns(table: Table, *, known: Iterable[str], required: Iterable[str]) -> list[RowError]:
    """Errors for a header that lacks required columns or names columns this import does not know."""
    known, present = list(known), set(table.columns)
    errors = []
    missing = [column for column in required if column not in present]
    if missing:
        errors.append(
            RowError(1, "", _("missing required columns: %(columns)s") % {"columns": ", ".join(missing)})
        )
    unknown = [column for column in table.columns if column and column not in known]
    if unknown:
        errors.append(
            RowError(
                1,
                "",
                _("unknown columns: %(columns)s (expected: %(expected)s)")
                % {"columns": ", ".join(unknown), "expected": ", ".join(known)},
            )
        )
    duplicated = sorted({column for column in table.columns if column and table.columns.count(column) > 1})
    if duplicated:
        errors.append(
            RowError(1, "", _("columns given twice: %(columns)s") % {"columns": ", ".join(duplicated)})
        )
    return errors


# Converting cells


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: str) -> datetime.date:
    """YYYY-MM-DD (a time of midnight after it is tolerated) or DD/MM/YYYY."""
    if match := _ISO_DATE.match(value):
        year, month, day = match.groups()
    elif match := _FRENCH_DATE.match(value):
        day, month, year = match.groups()
    else:
        raise CellError(_("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY).") % {"value": value})
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError as error:
        raise CellError(_("“%(value)s” is not a valid date.") % {"value": value}) from error


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def parse_decimal(value: str) -> Decimal:
    """1200.50, 1200,50, 1 200,50, 1.200,50 or 1,200.50 (a euro sign is tolerated)."""
    cleaned = _SPACES.sub("", value).removesuffix("€").removesuffix("EUR").removeprefix("€")
    if "," in cleaned and "." in cleaned:
        thousands = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
        cleaned = cleaned.replace(thousands, "")
    for separator in ",.":
        if cleaned.count(separator) > 1:
            cleaned = cleaned.replace(separator, "")
    cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as error:
        raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from error
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    return number


def parse_amount(value: str) -> Decimal:
    """A sum of euros: not negative, at most two decimals."""
    number = parse_decimal(value)
    if number < 0:
        raise CellError(_("An amount cannot be negative."))
    if number != number.quantize(Decimal("0.01")):
        raise CellError(_("An amount has at most two decimals."))
    if number >= Decimal("100000000"):
        raise CellError(_("“%(value)s” is too large.") % {"value": value})
    return number.quantize(Decimal("0.01"))


_TRUE = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
_FALSE = {"non", "n", "no", "false", "faux", "0"}


def parse_bool(value: str) -> bool:
    """oui/non, yes/no, true/false, 1/0, in any case."""
    key = normalise(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(
        _("“%(value)s” is not yes or no (use oui/non, yes/no, true/false or 1/0).") % {"value": value}
    )


def parse_year(value: str) -> int:
    cleaned = _SPACES.sub("", value)
    if not re.fullmatch(r"\d{4}", cleaned) or not 1990 <= int(cleaned) <= 2100:
        raise CellError(_("“%(value)s” is not a year.") % {"value": value})
    return int(cleaned)


def parse_email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError as error:
        raise CellError(_("“%(value)s” is not an e-mail address.") % {"value": value}) from error
    return value


def text_of(max_length: int) -> Callable[[str], str]:
    """Free text up to a length (the model field's)."""

    def parse(value: str) -> str:
        if len(value) > max_length:
            raise CellError(_("Too long: at most %(count)s characters.") % {"count": max_length})
        return value

    return parse


@functools.cache
def choice_of(choices: type[models.TextChoices]) -> Callable[[str], str]:
    """A code of these choices typed loosely ('Local authority', 'local_authority', 'LOCAL AUTHORITY'),
    or one of its labels in a language of the site."""
    by_code = {normalise(code): code for code in choices.values}
    by_label: dict[str, str] = {}

    def parse(value: str) -> str:
        key = normalise(value)
        if key in by_code:
            return by_code[key]
        if not by_label:  # labels are read once, in every language of the site
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    for code, label in choices.choices:
                        by_label.setdefault(normalise(str(label)), code)
        if key in by_label:
            return by_label[key]
        raise CellError(
            _("“%(value)s” is not one of: %(codes)s.") % {"value": value, "codes": ", ".join(choices.values)}
        )

    return parse


def lookup_in(
    items: Iterable[T], *, codes: Callable[[T], Iterable[str]], names: Callable[[T], Iterable[str]]
) -> dict[str, T]:
    """An index from normalised codes and names to items, for the finders below."""
    items = list(items)
    index: dict[str, T] = {}
    for item in items:
        for name in names(item):
            index.setdefault(normalise(name), item)
    for item in items:
        for code in codes(item):
            index[normalise(code)] = item
    return index


# Reading one row


class Row:
    """A data row being read: converters record their complaints instead of stopping at the first."""

    def __init__(self, line: int, cells: dict[str, str]) -> None:
        self.line = line
        self.cells = cells
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    def raw(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def get(self, column: str, parse: Callable[[str], Any] = str, *, required: bool = False) -> Any:
        """The converted cell, or None when it is empty (a missing value) or wrong (an error is noted)."""
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, _("This value is required."))
            return None
        try:
            return parse(value)
        except CellError as error:
            self.error(column, str(error))
            return None
