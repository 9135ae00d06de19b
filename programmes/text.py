"""Text normalisation used to match names typed by people (imports, search)."""

import re
import unicodedata


def normalise(value: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, single spaces: 'Île-de-France' -> 'ile de france'."""
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    spaced = re.sub(r"[\s\-'\u2018\u2019`_.]+", " ", without_accents.casefold())
    return spaced.strip()
