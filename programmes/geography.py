"""Look-ups in the reference list of French communes (programmes/data/communes.csv).

Only the communes a cohort names become rows of `Commune`; the 35,000 others stay in the file, read
once per process and kept in memory.
"""

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from programmes.text import normalise

COMMUNES_FILE = Path(__file__).resolve().parent / "data" / "communes.csv"


@dataclass(frozen=True)
class CommuneRecord:
    """One line of the reference list."""

    code: str
    name: str
    department_code: str
    region_code: str
    postcodes: str
    population: int


@functools.lru_cache(maxsize=1)
def _records() -> tuple[dict[str, CommuneRecord], dict[str, list[CommuneRecord]]]:
    """Every commune by INSEE code, and the communes of each department."""
    by_code: dict[str, CommuneRecord] = {}
    by_department: dict[str, list[CommuneRecord]] = {}
    with COMMUNES_FILE.open(encoding="utf-8", newline="") as file:
        for code, name, department_code, region_code, postcodes, population in csv.reader(file):
            if code == "code":
                continue
            record = CommuneRecord(code, name, department_code, region_code, postcodes, int(population or 0))
            by_code[code] = record
            by_department.setdefault(department_code, []).append(record)
    return by_code, by_department


@functools.lru_cache(maxsize=128)  # one per department (101)
def _names_in(department_code: str) -> dict[str, CommuneRecord]:
    """The communes of a department by normalised name (normalised on demand: most are never asked)."""
    names: dict[str, CommuneRecord] = {}
    # Should two communes of a department share a name, the larger one is the likelier meant.
    for record in sorted(_records()[1].get(department_code, []), key=lambda record: record.population):
        names[normalise(record.name)] = record
    return names


def commune_by_code(code: str) -> CommuneRecord | None:
    """The commune with this INSEE code (5 characters, '2A004' in Corsica)."""
    return _records()[0].get(code.strip().upper())


def find_commune(name_or_code: str, department_code: str) -> CommuneRecord | None:
    """The commune of a department named as typed (case, accents, hyphens and apostrophes ignored),
    or given by its INSEE code; None when the list has no such commune."""
    by_code = commune_by_code(name_or_code)
    if by_code is not None and by_code.department_code == department_code:
        return by_code
    return _names_in(department_code).get(normalise(name_or_code))
