"""Import a CSV file of cohorts, partners or participants (and the kinds apps register), all or nothing."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from programmes.imports import ImportResult, importer_kinds, run_import


class Command(BaseCommand):
    help = (
        "Import a CSV file (UTF-8 or Windows-1252, ',' or ';'). One bad row and nothing is written: "
        "every bad cell is reported as 'line N: column: why'. Importing the same file again updates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=importer_kinds(), help="What the file holds.")
        parser.add_argument("file", help="Path of the CSV file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and say what would change; write nothing."
        )

    def handle(self, *args: object, kind: str, file: str, dry_run: bool = False, **options: object) -> None:
        try:
            result = run_import(kind, file, dry_run=dry_run)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}
            ) from error
        if not result.ok:
            raise CommandError(
                "\n".join(
                    [
                        _("%(count)s error(s), nothing was written:") % {"count": len(result.errors)},
                        *(str(error) for error in result.errors),
                    ]
                )
            )
        if dry_run or int(str(options.get("verbosity", 1))) > 1:
            for outcome in result.outcomes:
                label = outcome.planned_label if dry_run else outcome.action_label
                self.stdout.write(f"line {outcome.line}: {label}: {outcome.description}")
        self.stdout.write(self.style.SUCCESS(self.summary(result)))

    @staticmethod
    def summary(result: ImportResult) -> str:
        counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        if result.dry_run:
            return (
                _(
                    "Dry run, nothing was written: %(created)s to create, %(updated)s to update, "
                    "%(unchanged)s unchanged."
                )
                % counts
            )
        return _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % counts
