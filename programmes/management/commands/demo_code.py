"""Print the current two-factor code of the demo accounts (coordinatrice, fabrique, admin)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from programmes import demo


class Command(BaseCommand):
    help = "Print the TOTP code the demo accounts accept now. Refuses to run with debug off unless --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even when DJANGO_DEBUG is off.")

    def handle(self, *args: object, force: bool = False, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Debug is off: the demo accounts are not meant to exist. Use --force.")
        self.stdout.write(demo.demo_totp_code())
