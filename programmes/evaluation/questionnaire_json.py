"""The questionnaire exchange format (`import_questionnaire`, the export view and command):

    {"slug", "title", "items": [{"code", "text", "type", "options": [{"code", "label"}], "allow_no_opinion"}]}

`type` is likert | single | multiple | yesno | number | text | ranking. Optional keys, written by the
export so a round trip keeps everything: top level `description`, `subject` (people | organisations),
`disclosure_threshold` (organisations only), `version` (informative, ignored on import); per item
`required`, `scale`, `reversed`, `retrospective`. `nsp` is the reserved code of "no opinion".

`parse()` checks everything and reports every problem at once, each with where it is
(`items[2].options[0].code: ...`).
"""

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from programmes.choices import KINDS_WITH_OPTIONS, NO_OPINION, ItemKind, SurveySubject
from programmes.imports.parsing import column_key
from programmes.models import Questionnaire

CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
LIKERT_POINTS = (4, 5)
TOP_KEYS = {"slug", "title", "description", "subject", "disclosure_threshold", "version", "items"}
ITEM_KEYS = {
    "code",
    "text",
    "type",
    "options",
    "allow_no_opinion",
    "required",
    "scale",
    "reversed",
    "retrospective",
}
OPTION_KEYS = {"code", "label"}


@dataclass(frozen=True)
class OptionSpec:
    code: str
    label: str


@dataclass(frozen=True)
class ItemSpec:
    code: str
    text: str
    kind: str
    options: tuple[OptionSpec, ...] = ()
    allow_no_opinion: bool = False
    is_required: bool = False
    scale: str = ""
    is_reversed: bool = False
    is_retrospective: bool = False


@dataclass(frozen=True)
class QuestionnaireSpec:
    """A questionnaire's content, comparable: two equal specs are the same questionnaire."""

    slug: str
    title: str
    items: tuple[ItemSpec, ...]
    description: str = ""
    subject: str = SurveySubject.PEOPLE
    disclosure_threshold: int | None = None


class QuestionnaireFormatError(ValueError):
    """The file is not a valid questionnaire; `errors` lists every problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class _Reader:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}" if where else message)

    def keys(self, data: dict[str, Any], allowed: set[str], where: str) -> None:
        unknown = sorted(set(data) - allowed)
        if unknown:
            self.error(
                where,
                _("unknown keys %(keys)s (allowed: %(allowed)s)")
                % {"keys": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
            )

    def text(self, data: dict[str, Any], key: str, where: str, *, required: bool, max_length: int) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(f"{where}{key}", _("required"))
            return ""
        if not isinstance(value, str):
            self.error(f"{where}{key}", _("must be text"))
            return ""
        value = value.strip()
        if required and not value:
            self.error(f"{where}{key}", _("required"))
        if len(value) > max_length:
            self.error(f"{where}{key}", _("at most %(count)s characters") % {"count": max_length})
        return value

    def code(self, data: dict[str, Any], key: str, where: str, *, required: bool, max_length: int) -> str:
        value = self.text(data, key, where, required=required, max_length=max_length)
        if value and not CODE.match(value):
            self.error(
                f"{where}{key}", _("“%(value)s”: use letters, digits, - and _ only") % {"value": value}
            )
            return ""
        if value.lower() == NO_OPINION:
            self.error(f"{where}{key}", _("“nsp” is reserved for the “no opinion” answer"))
            return ""
        return value

    def flag(self, data: dict[str, Any], key: str, where: str) -> bool:
        value = data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(f"{where}{key}", _("must be true or false"))
            return False
        return value


def parse(data: Any) -> QuestionnaireSpec:
    """A questionnaire spec from decoded JSON, or QuestionnaireFormatError listing every problem."""
    reader = _Reader()
    if not isinstance(data, dict):
        raise QuestionnaireFormatError([_("A questionnaire is a JSON object with slug, title and items.")])
    reader.keys(data, TOP_KEYS, "")
    slug = reader.code(data, "slug", "", required=True, max_length=80)
    title = reader.text(data, "title", "", required=True, max_length=200)
    description = reader.text(data, "description", "", required=False, max_length=5000)
    subject = data.get("subject") or SurveySubject.PEOPLE
    if subject not in SurveySubject.values:
        reader.error("subject", _("must be one of: %(codes)s") % {"codes": ", ".join(SurveySubject.values)})
    threshold = data.get("disclosure_threshold")
    if threshold is not None:
        if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
            reader.error("disclosure_threshold", _("must be a whole number of at least 1"))
            threshold = None
        elif subject != SurveySubject.ORGANISATIONS:
            reader.error("disclosure_threshold", _("only surveys of organisations may lower the threshold"))
    items_data = data.get("items")
    items: list[ItemSpec] = []
    if not isinstance(items_data, list) or not items_data:
        reader.error("items", _("a non-empty list of items is required"))
        items_data = []
    seen_codes: dict[str, int] = {}
    scale_points: dict[str, tuple[int, int]] = {}
    for index, item_data in enumerate(items_data):
        item = _parse_item(reader, item_data, f"items[{index}]")
        if item is None:
            continue
        key = column_key(item.code)
        if key in seen_codes:
            reader.error(
                f"items[{index}].code",
                _("“%(code)s” is already the code of items[%(other)s]")
                % {"code": item.code, "other": seen_codes[key]},
            )
        else:
            seen_codes[key] = index
        if item.scale:
            points, first = scale_points.setdefault(item.scale, (len(item.options), index))
            if points != len(item.options):
                reader.error(
                    f"items[{index}].options",
                    _("the items of scale “%(scale)s” need the same number of points as items[%(other)s]")
                    % {"scale": item.scale, "other": first},
                )
        items.append(item)
    if reader.errors:
        raise QuestionnaireFormatError(reader.errors)
    return QuestionnaireSpec(
        slug=slug,
        title=title,
        items=tuple(items),
        description=description,
        subject=subject,
        disclosure_threshold=threshold,
    )


def _parse_item(reader: _Reader, data: Any, where: str) -> ItemSpec | None:
    if not isinstance(data, dict):
        reader.error(where, _("an item is an object with code, text and type"))
        return None
    reader.keys(data, ITEM_KEYS, where)
    prefix = f"{where}."
    errors_before = len(reader.errors)
    code = reader.code(data, "code", prefix, required=True, max_length=40)
    text = reader.text(data, "text", prefix, required=True, max_length=2000)
    kind = data.get("type")
    if kind not in ItemKind.values:
        reader.error(
            f"{prefix}type",
            _("unknown type “%(value)s” (use one of: %(codes)s)")
            % {"value": kind, "codes": ", ".join(ItemKind.values)},
        )
        kind = None
    options = _parse_options(reader, data.get("options"), prefix, kind)
    scale = reader.code(data, "scale", prefix, required=False, max_length=40)
    is_reversed = reader.flag(data, "reversed", prefix)
    if kind is not None and kind != ItemKind.LIKERT:
        if scale:
            reader.error(f"{prefix}scale", _("only Likert items belong to a scale"))
        if is_reversed:
            reader.error(f"{prefix}reversed", _("only Likert items can be reversed"))
    allow_no_opinion = reader.flag(data, "allow_no_opinion", prefix)
    is_required = reader.flag(data, "required", prefix)
    is_retrospective = reader.flag(data, "retrospective", prefix)
    if len(reader.errors) > errors_before or kind is None:
        return None
    return ItemSpec(
        code=code,
        text=text,
        kind=kind,
        options=options,
        allow_no_opinion=allow_no_opinion,
        is_required=is_required,
        scale=scale,
        is_reversed=is_reversed,
        is_retrospective=is_retrospective,
    )


def _parse_options(reader: _Reader, data: Any, prefix: str, kind: str | None) -> tuple[OptionSpec, ...]:
    where = f"{prefix}options"
    if data is None:
        data = []
    if not isinstance(data, list):
        reader.error(where, _("must be a list of {code, label}"))
        return ()
    if kind is not None and kind not in KINDS_WITH_OPTIONS:
        if data:
            reader.error(where, _("a %(type)s item has no options") % {"type": kind})
        return ()
    options: list[OptionSpec] = []
    seen: dict[str, int] = {}
    for index, option_data in enumerate(data):
        option_where = f"{where}[{index}]"
        if not isinstance(option_data, dict):
            reader.error(option_where, _("an option is an object with code and label"))
            continue
        reader.keys(option_data, OPTION_KEYS, option_where)
        code = reader.code(option_data, "code", f"{option_where}.", required=True, max_length=40)
        label = reader.text(option_data, "label", f"{option_where}.", required=True, max_length=200)
        if code and code.lower() in seen:
            reader.error(
                f"{option_where}.code",
                _("“%(code)s” is already the code of option %(other)s")
                % {"code": code, "other": seen[code.lower()]},
            )
        elif code:
            seen[code.lower()] = index
        options.append(OptionSpec(code=code, label=label))
    if kind == ItemKind.LIKERT and len(options) not in LIKERT_POINTS:
        reader.error(
            where,
            _("a Likert item has 4 or 5 labelled points, not %(count)s (“no opinion” is not one of them)")
            % {"count": len(options)},
        )
    elif kind in KINDS_WITH_OPTIONS and kind != ItemKind.LIKERT and len(options) < 2:
        reader.error(where, _("a %(type)s item needs at least 2 options") % {"type": kind})
    return tuple(options)


def spec_of(questionnaire: Questionnaire) -> QuestionnaireSpec:
    """The content of a stored questionnaire (items and options prefetched or read here)."""
    return QuestionnaireSpec(
        slug=questionnaire.slug,
        title=questionnaire.title,
        description=questionnaire.description,
        subject=questionnaire.subject,
        disclosure_threshold=questionnaire.disclosure_threshold,
        items=tuple(
            ItemSpec(
                code=item.code,
                text=item.text,
                kind=item.kind,
                options=tuple(
                    OptionSpec(code=option.code, label=option.label) for option in item.options.all()
                ),
                allow_no_opinion=item.allow_no_opinion,
                is_required=item.is_required,
                scale=item.scale,
                is_reversed=item.is_reversed,
                is_retrospective=item.is_retrospective,
            )
            for item in questionnaire.items.all()
        ),
    )


def to_json(spec: QuestionnaireSpec, *, version: int | None = None) -> dict[str, Any]:
    """The exchange format of a spec (what `parse` reads back to an equal spec)."""
    data: dict[str, Any] = {"slug": spec.slug, "title": spec.title}
    if version is not None:
        data["version"] = version
    data["description"] = spec.description
    data["subject"] = spec.subject
    if spec.disclosure_threshold is not None:
        data["disclosure_threshold"] = spec.disclosure_threshold
    data["items"] = [
        {
            "code": item.code,
            "text": item.text,
            "type": item.kind,
            "options": [{"code": option.code, "label": option.label} for option in item.options],
            "allow_no_opinion": item.allow_no_opinion,
            "required": item.is_required,
            "scale": item.scale,
            "reversed": item.is_reversed,
            "retrospective": item.is_retrospective,
        }
        for item in spec.items
    ]
    return data
