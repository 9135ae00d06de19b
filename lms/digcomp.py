"""The DigComp 3.0 framework of the digital-skills self-assessment, read from the files in lms/data/digcomp/.

The framework is reference data, not something people edit: it ships as the official English JSON and
Essaim's (unofficial) French translation, is read once per process and language, and assessments refer
to its competences by their stable codes ("1.1" … "5.4") with the framework version. The scale is 0
("not yet", Essaim's addition) then DigComp's proficiency levels 1 to 8; "I don't know" is no level.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERSION = "3.0"
DATA_DIR = Path(__file__).resolve().parent / "data" / "digcomp"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "fr")
NOT_YET = 0
MAX_LEVEL = 8
SCALE = tuple(range(NOT_YET, MAX_LEVEL + 1))
# How "I don't know" travels in forms (the API and the database use null).
UNKNOWN = "unknown"

# Essaim's help texts beside the official ones: a first-person sentence per level, for young people.
LEVEL_STATEMENTS: dict[int, Promise] = {
    0: _("I have not done this yet"),
    1: _("I do simple things with help"),
    2: _("I do simple things on my own"),
    3: _("I do usual tasks, fairly alone"),
    4: _("I do usual tasks alone, easily"),
    5: _("I do varied tasks and help others"),
    6: _("I do complex tasks, I guide others"),
    7: _("I solve specialised problems"),
    8: _("I lead others on expert problems"),
}
UNKNOWN_LABEL = _("I don't know")
NOT_YET_BAND = _("Not yet")
# Short area names for the radar chart's axes.
AREA_SHORT_LABELS: dict[str, Promise] = {
    "1": _("Information"),
    "2": _("Communication"),
    "3": _("Content creation"),
    "4": _("Safety and wellbeing"),
    "5": _("Problem solving"),
}
EXAMPLES: dict[str, Promise] = {
    "1.1": _(
        "For example: finding a bus timetable, a recipe or a tutorial quickly, with the right keywords."
    ),
    "1.2": _("For example: telling whether a post, a video or a website can be trusted; spotting fake news."),
    "1.3": _("For example: saving files in folders where you find them again, keeping a simple table."),
    "2.1": _(
        "For example: choosing between a message, an e-mail or a call, and writing to a client politely."
    ),
    "2.2": _("For example: sending a document or a link to the right people, and nothing that is not yours."),
    "2.3": _("For example: using online public services, signing a petition, knowing your rights on an app."),
    "2.4": _("For example: working on a shared document or in a group chat to organise the cooperative."),
    "2.5": _("For example: respecting others online, knowing what not to post, adapting your tone."),
    "2.6": _("For example: choosing what others see on your profiles, thinking before posting a photo."),
    "3.1": _("For example: making a flyer, a poster, a short video or a slideshow."),
    "3.2": _("For example: improving an existing document, mixing texts and images into something new."),
    "3.3": _("For example: knowing whether you may reuse a picture or a song, and crediting its author."),
    "3.4": _("For example: breaking a task into steps, a spreadsheet formula, a little code or automation."),
    "4.1": _("For example: a screen lock, updates, strong passwords, spotting a suspicious link."),
    "4.2": _("For example: app permissions, privacy settings, not posting someone's photo without asking."),
    "4.3": _("For example: managing screen time, reacting to cyberbullying, knowing who can help."),
    "4.4": _("For example: keeping your phone longer, repairing or recycling it, streaming less."),
    "5.1": _("For example: the Wi-Fi does not work, an app crashes, a file will not open: you find a way."),
    "5.2": _("For example: choosing the right app for a need, changing settings such as the text size."),
    "5.3": _("For example: using digital tools to improve how the cooperative works or invent a service."),
    "5.4": _("For example: knowing what you still need to learn in digital skills and how to learn it."),
}


@dataclass(frozen=True)
class Level:
    value: int
    band: str
    description: str

    @property
    def statement(self) -> str:
        return str(LEVEL_STATEMENTS[self.value])


@dataclass(frozen=True)
class Competence:
    code: str
    area_code: str
    label: str
    description: str

    @property
    def example(self) -> str:
        return str(EXAMPLES[self.code])


@dataclass(frozen=True)
class Area:
    code: str
    label: str
    description: str
    competences: tuple[Competence, ...]

    @property
    def short_label(self) -> str:
        return str(AREA_SHORT_LABELS[self.code])


@dataclass(frozen=True)
class Framework:
    """One language's text of the framework; codes, order and levels are the same in every language."""

    version: str
    language: str
    name: str
    source: str
    licence: str
    translation_note: str
    areas: tuple[Area, ...]
    levels: tuple[Level, ...]

    @property
    def competences(self) -> tuple[Competence, ...]:
        return tuple(competence for area in self.areas for competence in area.competences)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(competence.code for competence in self.competences)

    @property
    def is_official(self) -> bool:
        return self.language == SOURCE_LANGUAGE

    def area(self, code: str) -> Area:
        return next(area for area in self.areas if area.code == code)

    def competence(self, code: str) -> Competence:
        return next(competence for competence in self.competences if competence.code == code)

    def scale(self) -> list[tuple[int, str, str]]:
        """(value, band, first-person statement) for 0 ("not yet") to 8."""
        bands = {level.value: level.band for level in self.levels}
        return [(value, bands.get(value, str(NOT_YET_BAND)), str(LEVEL_STATEMENTS[value])) for value in SCALE]


def data_file(language: str) -> Path:
    return DATA_DIR / f"digcomp-{VERSION}.{language}.json"


def _read(language: str) -> Framework:
    raw: dict[str, Any] = json.loads(data_file(language).read_text(encoding="utf-8"))
    areas = tuple(
        Area(
            code=area["id"],
            label=area["label"],
            description=area["description"],
            competences=tuple(
                Competence(
                    code=item["id"],
                    area_code=area["id"],
                    label=item["label"],
                    description=item["description"],
                )
                for item in area["competences"]
            ),
        )
        for area in raw["areas"]
    )
    levels = tuple(
        Level(value=int(item["level"]), band=item["band"], description=item["description"])
        for item in raw["levels"]
    )
    return Framework(
        version=VERSION,
        language=language,
        name=raw["framework"],
        source=raw["source"],
        licence=raw["licence"],
        translation_note=raw.get("translation_note", ""),
        areas=areas,
        levels=levels,
    )


def _shape(framework: Framework) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((area.code, tuple(c.code for c in area.competences)) for area in framework.areas)


@functools.cache
def load(language: str) -> Framework:
    """The framework in one of LANGUAGES; a translation that differs from the source in shape is an error."""
    if language not in LANGUAGES:
        raise ValueError(f"No DigComp text in {language!r}: choose one of {LANGUAGES}.")
    framework = _read(language)
    if language != SOURCE_LANGUAGE:
        source = load(SOURCE_LANGUAGE)
        same_levels = [level.value for level in framework.levels] == [level.value for level in source.levels]
        if _shape(framework) != _shape(source) or not same_levels:
            raise ImproperlyConfigured(
                f"{data_file(language)} does not have the areas, codes and levels of the source."
            )
    return framework


def get_framework(language: str | None = None) -> Framework:
    """The framework in the language asked, else the active one (French by default), else English."""
    code = (language or translation.get_language() or SOURCE_LANGUAGE).split("-")[0].lower()
    return load(code if code in LANGUAGES else SOURCE_LANGUAGE)


def codes() -> tuple[str, ...]:
    """The 21 competence codes, in framework order (the same in every language)."""
    return load(SOURCE_LANGUAGE).codes


def area_of(code: str) -> str:
    """The area code of a competence code ("2.4" → "2")."""
    return code.split(".", 1)[0]
