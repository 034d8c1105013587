from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from diary.access import role_of
from exchange.synthetic import SyntheticRun, generate_synthetic, synthetic_username


class Command(BaseCommand):
    help = "Create N plausible synthetic patients with D nights each on a clinician's team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, required=True)
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--clinician", required=True, help="the clinician's username")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["patients"] < 1 or options["days"] < 1:
            raise CommandError("--patients and --days must be at least 1.")
        clinician = User.objects.filter(username=options["clinician"]).first()
        if clinician is None or role_of(clinician) != "clinician":
            raise CommandError(f"No clinician with username {options['clinician']!r}.")
        seed = options["seed"]
        if User.objects.filter(username=synthetic_username(seed, 0)).exists():
            raise CommandError(f"Seed {seed} was generated already here; choose another --seed.")
        # The last night is yesterday, so the cohort looks current; the rows for a seed are
        # the same whatever the day, only moved in time.
        run = SyntheticRun(
            patients=options["patients"], days=options["days"], seed=seed,
            end=timezone.localdate() - timezone.timedelta(days=1),
        )
        started = time.monotonic()
        ids = generate_synthetic(
            run, clinician, progress=lambda n: self.stderr.write(f"  {n} patients", ending="\r")
        )
        self.stdout.write(
            f"Created {len(ids)} patients x {run.days} days on {clinician.username}'s team "
            f"in {time.monotonic() - started:.1f}s."
        )
