"""Write a questionnaire in the JSON format that import_questionnaire reads."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from programmes.evaluation import selectors
from programmes.models import Questionnaire


class Command(BaseCommand):
    help = "Export a questionnaire (its latest version, or --questionnaire-version N) as JSON, to a file or the output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The questionnaire's code.")
        parser.add_argument(
            "--questionnaire-version", dest="questionnaire_version", type=int, help="Which version."
        )
        parser.add_argument("--output", "-o", help="Write to this file instead of the output.")

    def handle(
        self,
        *args: object,
        slug: str,
        questionnaire_version: int | None = None,
        output: str | None = None,
        **options: object,
    ) -> None:
        versions = Questionnaire.objects.filter(slug=slug)
        if questionnaire_version is not None:
            versions = versions.filter(version=questionnaire_version)
        questionnaire = versions.order_by("-version").first()
        if questionnaire is None:
            raise CommandError(
                f"No questionnaire {slug!r}"
                + (f" version {questionnaire_version}" if questionnaire_version else "")
            )
        text = json.dumps(selectors.export_questionnaire(questionnaire), ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
