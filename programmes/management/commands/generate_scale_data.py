"""`python manage.py generate_scale_data --scale S`: a national-scale network for benchmarks."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programmes import figures, scale


class Command(BaseCommand):
    help = (
        "Build a national-scale network with bulk inserts (S=1: 10 editions of 200 CJS of 15 members, "
        "100 Flashcoops, 50 courses of 20 lessons, ~1,000,000 lesson-progress rows, 300,000 attendance "
        "rows, 100,000 contracts, 60,000 questionnaire answers). For benchmarks, never in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1 = national scale; 0.01 for a quick run"
        )
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument("--force", action="store_true", help="run even with debug off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"] and not getattr(settings, "ESSAIM_BENCH", False):
            raise CommandError("Refusing to add benchmark data with debug off (use --force).")
        if scale.already_generated():
            raise CommandError("Scale data is already present in this database: start from an empty one.")
        if options["scale"] <= 0:
            raise CommandError("--scale must be positive.")
        started = time.perf_counter()
        volumes = scale.generate(options["scale"], seed=options["seed"], progress=self.stdout.write)
        elapsed = time.perf_counter() - started
        figures.data_changed()  # bulk inserts send no signal
        for kind, count in volumes.items():
            self.stdout.write(f"{kind:>22}: {count:>9,}")
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.1f} s."))
