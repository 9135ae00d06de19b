from django.core.management.base import BaseCommand

from programmes import outbox


class Command(BaseCommand):
    help = (
        "Publish the outbox messages left pending while the broker was unreachable, then delete old sent "
        "ones. Beat runs this every minute; cron can run it too (safe to run concurrently)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None, help="Messages per transaction.")

    def handle(self, *args, batch_size=None, **options):
        result = outbox.sweep(batch_size=batch_size)
        self.stdout.write(f"{result.sent} sent, {result.pending} pending, {result.purged} purged")
        if result.pending and not result.sent:
            # Cron mails the output of a failing command: pending messages and nothing sent means trouble.
            self.stderr.write("The broker did not take the pending messages; they will be tried again.")
