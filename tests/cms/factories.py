"""Factories of the public site tests: CJS cohorts placed in real communes."""

import datetime

from programmes.models import Commune, Edition
from tests.programmes.factories import CohortFactory, EditionFactory, ProgrammeFactory, department

THIS_YEAR = datetime.date.today().year


def cjs_edition(year: int = THIS_YEAR) -> Edition:
    return EditionFactory(programme=ProgrammeFactory(slug="cjs", name="CJS"), year=year)


def commune(name: str, department_code: str, postcodes: str) -> Commune:
    return Commune.objects.get_or_create(
        name=name, department=department(department_code), defaults={"postcodes": postcodes}
    )[0]


def nantes() -> Commune:
    return commune("Nantes", "44", "44000 44100 44200 44300")


def rennes() -> Commune:
    return commune("Rennes", "35", "35000 35200 35700")


def chateaubriant() -> Commune:
    return commune("Châteaubriant", "44", "44110")


def cjs(place: Commune | None = None, *, year: int = THIS_YEAR, **fields):
    """A CJS of this year's edition in `place` (Nantes by default)."""
    place = place or nantes()
    return CohortFactory(edition=cjs_edition(year), commune=place, department=place.department, **fields)
