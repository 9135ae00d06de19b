"""Import a questionnaire from its JSON exchange format (see programmes/evaluation/questionnaire_json.py)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from programmes.evaluation import services
from programmes.evaluation.questionnaire_json import QuestionnaireFormatError

ACTIONS = {
    "created": "created as version %(version)s",
    "unchanged": "unchanged (version %(version)s has the same content)",
    "updated": "draft version %(version)s updated",
    "new_version": "new version %(version)s (the published versions stay as they are)",
}


class Command(BaseCommand):
    help = (
        "Import a questionnaire from a JSON file {slug, title, items: [{code, text, type, options, "
        "allow_no_opinion}]}. The same content again changes nothing; new content on a published "
        "questionnaire makes a new version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the JSON file.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the imported version (it can then be given to cohorts).",
        )

    def handle(self, *args: object, file: str, publish: bool = False, **options: object) -> None:
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}
            ) from error
        except json.JSONDecodeError as error:
            raise CommandError(
                _("%(file)s is not valid JSON: %(error)s") % {"file": file, "error": error}
            ) from error
        try:
            outcome = services.import_questionnaire(data=data, publish=publish)
        except QuestionnaireFormatError as error:
            raise CommandError(
                "\n".join(
                    [
                        _("%(count)s error(s), nothing was imported:") % {"count": len(error.errors)},
                        *error.errors,
                    ]
                )
            ) from error
        questionnaire = outcome.questionnaire
        message = ACTIONS[outcome.action] % {"version": questionnaire.version}
        status = "published" if questionnaire.is_published else "draft"
        self.stdout.write(self.style.SUCCESS(f"{questionnaire.slug}: {message} ({status})."))
