"""The French catalogue is complete, compiled and in step with the code.

When one of these tests fails: run `make messages`, translate every empty or fuzzy entry of
locale/fr/LC_MESSAGES/django.po (then remove its `#, fuzzy` flag), run `make messages` again so the
.mo is recompiled, and commit both files.
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PO_PATH = BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

MAKEMESSAGES_ARGS = [
    "makemessages",
    "-l",
    "fr",
    "--ignore=.venv",
    "--ignore=node_modules",
    "--ignore=tests",
    "--no-obsolete",
]
FIX_HINT = "run `make messages`, translate these entries in locale/fr/LC_MESSAGES/django.po, then `make messages` again"


# --- A small .po reader (no dependency beyond the standard library) ---------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def untranslated(self) -> bool:
        return not self.msgstr or any(value == "" for value in self.msgstr.values())

    @property
    def key(self) -> str:
        """The catalogue key gettext uses: context and msgid joined by EOT."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    def describe(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(token: str, path: Path, number: int) -> str:
    token = token.strip()
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"{path}:{number}: expected a quoted string, got {token!r}")
    return re.sub(r"\\(.)", lambda match: _ESCAPES.get(match.group(1), match.group(0)), token[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Read every live entry of a .po file: multi-line strings, contexts, plurals and flags.

    Obsolete entries (`#~`) and previous-msgid comments (`#|`) are ignored.
    """
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None  # the field continuation lines append to

    def finish() -> None:
        nonlocal entry
        if entry is not None:
            entries.append(entry)
        entry = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                finish()
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif entry is not None and entry.msgstr:
                finish()  # a comment after a msgstr starts the next entry
            continue
        if line.startswith('"'):
            if entry is None or target is None:
                raise ValueError(f"{path}:{number}: string continuation outside an entry")
            text = _unquote(line, path, number)
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
            continue
        match = _KEYWORD.match(line)
        if match is None:
            raise ValueError(f"{path}:{number}: cannot parse {raw!r}")
        keyword, index, token = match.group(1), match.group(2), match.group(3)
        text = _unquote(token, path, number)
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            finish()
        if entry is None:
            entry = Entry(flags=flags, line=number)
            flags = set()
        if keyword.startswith("msgstr"):
            position = int(index) if index is not None else 0
            entry.msgstr[position] = text
            target = ("msgstr", position)
        else:
            setattr(entry, keyword, text)
            target = (keyword, 0)
    finish()
    return entries


def expected_catalog(entries: list[Entry]) -> dict[object, str]:
    """The catalogue msgfmt builds from these entries, keyed as `gettext.GNUTranslations._catalog`."""
    catalog: dict[object, str] = {}
    for entry in entries:
        if entry.fuzzy or entry.untranslated:
            continue  # msgfmt leaves fuzzy and untranslated entries out
        if entry.msgid_plural is None:
            catalog[entry.key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                catalog[(entry.key, index)] = text
    return comparable(catalog)


def load_mo(path: Path) -> dict[object, str]:
    with path.open("rb") as handle:
        return comparable(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def comparable(catalog: dict[object, str]) -> dict[object, str]:
    """Drop the header's POT-Creation-Date: msgfmt leaves it out of the .mo (GNU gettext >= 0.20)."""
    catalog = dict(catalog)
    if "" in catalog:
        catalog[""] = "".join(
            line
            for line in catalog[""].splitlines(keepends=True)
            if not line.startswith("POT-Creation-Date:")
        )
    return catalog


def problems(entries: list[Entry]) -> list[str]:
    """Every entry a French user would not see translated, plus a bad header."""
    found = [
        f"{entry.describe()} is {'fuzzy' if entry.fuzzy else 'untranslated'}"
        for entry in entries
        if not entry.is_header and (entry.fuzzy or entry.untranslated)
    ]
    headers = [entry for entry in entries if entry.is_header]
    if not headers:
        found.append('the header entry (msgid "") is missing')
    elif headers[0].fuzzy:
        found.append("the header entry is flagged fuzzy: msgfmt would drop it, and with it the UTF-8 charset")
    return found


# --- The committed catalogue --------------------------------------------------------------------------


def test_the_parser_reads_multiline_plural_and_fuzzy_entries(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#: a.py:1\nmsgid ""\n"Hello "\n"%(name)s"\nmsgstr ""\n"Bonjour "\n"%(name)s"\n\n'
        'msgctxt "button"\nmsgid "One file"\nmsgid_plural "%(n)s files"\nmsgstr[0] "Un fichier"\nmsgstr[1] ""\n\n'
        '#, fuzzy, python-format\nmsgid "Say \\"hi\\""\nmsgstr "Dites « salut »"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Parti"\n',
        encoding="utf-8",
    )

    header, hello, files, hi = parse_po(sample)

    assert header.is_header and header.msgstr[0] == "Content-Type: text/plain; charset=UTF-8\n"
    assert (hello.msgid, hello.msgstr, hello.untranslated) == (
        "Hello %(name)s",
        {0: "Bonjour %(name)s"},
        False,
    )
    assert (files.msgctxt, files.msgid_plural, files.untranslated) == ("button", "%(n)s files", True)
    assert (hi.msgid, hi.fuzzy, hi.flags) == ('Say "hi"', True, {"fuzzy", "python-format"})
    assert problems([header, hello, files, hi]) == [
        "line 13: 'One file' (context 'button') is untranslated",
        "line 20: 'Say \"hi\"' is fuzzy",
    ]


def test_every_entry_of_the_french_catalogue_is_translated():
    entries = parse_po(PO_PATH)

    assert len(entries) > 1, f"{PO_PATH} holds no messages"
    found = problems(entries)
    assert not found, f"{len(found)} French catalogue entries need work ({FIX_HINT}):\n" + "\n".join(found)


def test_translations_keep_the_placeholders_of_their_source():
    placeholder = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[a-z]|\{[A-Za-z_][A-Za-z0-9_]*\}")
    mismatched = []
    for entry in parse_po(PO_PATH):
        if entry.is_header:
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural is not None else [])
        expected = set().union(*(placeholder.findall(text) for text in sources))
        for text in entry.msgstr.values():
            if text and set(placeholder.findall(text)) != expected:
                mismatched.append(f"{entry.describe()}: {text!r} should use {sorted(expected)}")
    assert not mismatched, "Translations with different placeholders:\n" + "\n".join(mismatched)


def test_the_committed_mo_matches_the_po():
    """Works without gettext tools: the .mo the app loads says what the .po says."""
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run `make messages` and commit it"

    assert load_mo(MO_PATH) == expected_catalog(parse_po(PO_PATH)), (
        f"{MO_PATH.name} is stale: run `make messages`"
    )


def test_the_committed_mo_is_what_msgfmt_compiles_from_the_po(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt not installed (GNU gettext): cannot recompile the catalogue")
    compiled = tmp_path / "django.mo"

    result = subprocess.run(
        [msgfmt, "--check-format", "-o", str(compiled), str(PO_PATH)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, f"msgfmt rejects {PO_PATH}:\n{result.stderr}"
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run `make messages` and commit it"
    assert load_mo(MO_PATH) == load_mo(compiled), (
        f"{MO_PATH.name} is stale: run `make messages` and commit it"
    )


# --- The code ---------------------------------------------------------------------------------------


COPY_IGNORE = shutil.ignore_patterns(
    ".venv",
    ".git",
    "node_modules",
    "media",
    "staticfiles",
    "test-artifacts",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "*.sqlite3",
)


@pytest.mark.slow
def test_every_string_marked_for_translation_is_translated(tmp_path):
    """Re-extract the strings from a copy of the project and check the merged catalogue is complete."""
    if not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq", "msgfmt")):
        pytest.skip("gettext tools not installed")
    copy = tmp_path / "project"
    shutil.copytree(BASE_DIR, copy, ignore=COPY_IGNORE)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"}

    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES_ARGS],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    regenerated = copy / PO_PATH.relative_to(BASE_DIR)
    found = problems(parse_po(regenerated))
    assert not found, (
        f"{len(found)} strings marked for translation in the code are missing or fuzzy in the French catalogue "
        f"({FIX_HINT}):\n" + "\n".join(found)
    )
