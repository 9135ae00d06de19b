"""CSV imports (DESIGN §5): `run_import(kind, file, dry_run=..., by=...)` reads a whole file, refuses
it if any row is wrong (reporting every bad cell as `line N: column: why`), else writes it in one
transaction. The command `import_csv` and the coordinators' upload page both call it.

The core registers cohorts, partners and participants; apps add their kinds (CJS contracts,
questionnaire responses) with `register_importer()` from their AppConfig.ready(), so this package
never imports them.
"""

from pathlib import Path
from typing import IO, Any

from programmes.imports.importers import CohortImporter, Importer, ParticipantImporter, PartnerImporter
from programmes.imports.parsing import FileError, decode, read_table
from programmes.imports.results import ImportResult, RowError, RowOutcome

__all__ = [
    "ImportResult",
    "Importer",
    "RowError",
    "RowOutcome",
    "importer_kinds",
    "read_source",
    "register_importer",
    "run_import",
]

_importers: dict[str, type[Importer[Any]]] = {}


def register_importer(importer: type[Importer[Any]]) -> type[Importer[Any]]:
    """Make a kind of file importable by `import_csv` (usable as a class decorator)."""
    _importers[importer.kind] = importer
    return importer


for _core_importer in (CohortImporter, PartnerImporter, ParticipantImporter):
    register_importer(_core_importer)


def importer_kinds() -> list[str]:
    return list(_importers)


def read_source(source: bytes | str | Path | IO[bytes]) -> bytes:
    """The bytes of a file given as bytes, a path or an open binary file."""
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def run_import(
    kind: str, source: bytes | str | Path | IO[bytes], *, dry_run: bool = False, by: Any = None
) -> ImportResult:
    """Import a CSV file of this kind, all or nothing. `by` is the acting user (None from the command
    line: no scope restriction); a dry run reports what would happen and writes nothing."""
    if kind not in _importers:
        raise ValueError(f"Unknown import kind {kind!r}; known: {', '.join(_importers)}")
    importer = _importers[kind](by=by)
    try:
        table = read_table(decode(read_source(source)))
    except FileError as error:
        return ImportResult(kind=kind, dry_run=dry_run, errors=[RowError(None, "", str(error))])
    return importer.run(table, dry_run=dry_run)
