import time

from django.core.management.base import BaseCommand, CommandError

from cooperation.models import Source
from cooperation.synthetic import Synthesizer


class Command(BaseCommand):
    help = (
        "Add a synthetic national data set (county pairings, regions, projects, figures…) "
        "for load tests. The same seed gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, required=True, help="how many projects")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args, projects, seed, **options):
        if projects < 1:
            raise CommandError("--projects must be at least 1.")
        if Source.objects.filter(slug=f"synthetic-{seed}").exists():
            raise CommandError(f"Data for seed {seed} is already loaded; choose another --seed.")
        started = time.monotonic()

        def progress(message):
            self.stdout.write(f"[{time.monotonic() - started:7.1f}s] {message}")

        counts = Synthesizer(seed, projects, progress=progress).run()
        for model, count in sorted(counts.items()):
            self.stdout.write(f"  {model}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthesized {projects} projects in {time.monotonic() - started:.1f} s."
            )
        )
