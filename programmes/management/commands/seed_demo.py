"""Load the demo network: one account per role and the public home page. Safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from programmes import demo


class Command(BaseCommand):
    help = "Load the demo data (fictional people only). Idempotent. Refuses to run with debug off unless --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even when DJANGO_DEBUG is off.")
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo accounts.")

    def handle(self, *args: object, force: bool = False, quiet: bool = False, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Debug is off: demo accounts with a public password would be created. Use --force."
            )
        with transaction.atomic():
            accounts = demo.seed_accounts()
            for seeder in demo.registered_seeders():
                seeder()
        if not quiet:
            login_url = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/accounts/login/"
            self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in at {login_url}"))
            self.stdout.write(f"Password for every account: {demo.DEMO_PASSWORD}")
            for account in accounts:
                self.stdout.write(f"  {account.username:<14} {account.description}")
            self.stdout.write(
                "coordinatrice, fabrique and admin confirm each login with a TOTP code: add the secret "
                f"{demo.demo_totp_secret()} to an authenticator app, or run `python manage.py demo_code`."
            )
