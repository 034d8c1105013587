"""Build the bench database (run by bench.dataset in a child process bound to the new file)."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import django

EXTRA_BATCH = 20_000


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.dataset import BATCHES, EXPORT_CLINICIAN, EXPORT_ROWS

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    for clinician in sorted({batch.clinician for batch in BATCHES}):
        clinician_create(clinician)
    for batch in BATCHES:
        print(f"  generate_synthetic --patients {batch.patients} --days {batch.days} "
              f"--seed {batch.seed} --clinician {batch.clinician}", flush=True)
        call_command(
            "generate_synthetic", patients=batch.patients, days=batch.days, seed=batch.seed,
            clinician=batch.clinician, verbosity=0,
        )
    added = fill_episodes(EXPORT_CLINICIAN, EXPORT_ROWS)
    print(f"  added {added:,} cramps to {EXPORT_CLINICIAN}'s nights ({EXPORT_ROWS:,} in all)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def clinician_create(username: str) -> None:
    from django.contrib.auth.models import User

    from clinic.models import Clinician, default_clinic

    user = User.objects.create_user(username=username, password=None)
    Clinician.objects.create(user=user, clinic=default_clinic())


def fill_episodes(clinician_username: str, total: int) -> int:
    """Spread extra cramps over the team's logged nights, 25 minutes apart from 23:00 local,
    until the team has `total` live episodes; then bring the team's summaries up to date."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from diary.models import CrampEpisode, Night, Patient
    from insights.summary import refresh_all

    team = Patient.objects.filter(care_team=User.objects.get(username=clinician_username))
    nights = list(
        Night.objects.filter(patient__in=team, deleted_at__isnull=True)
        .order_by("id")
        .values_list("id", "date", "timezone")
    )
    present = CrampEpisode.objects.filter(night__patient__in=team).alive().count()
    needed = total - present
    if needed <= 0 or not nights:
        return 0
    each, remainder = divmod(needed, len(nights))
    rng = random.Random(total)
    pending: list[CrampEpisode] = []
    for index, (night_id, night_date, zone) in enumerate(nights):
        evening = datetime.combine(night_date, clock(23, 0), tzinfo=ZoneInfo(zone))
        for n in range(each + (index < remainder)):
            pending.append(CrampEpisode(
                night_id=night_id, started_at=evening + timedelta(minutes=25 * n),
                duration_min=rng.randint(1, 15), severity=rng.randint(2, 8),
                side=rng.choice(["left", "right", "both"]), site=rng.choice(["calf", "foot"]),
                woke_from_sleep=rng.random() < 0.75, stimulation_felt="usual",
                new_movement="none", relieved_by=[rng.choice(["stretching", "walking"])],
            ))
        if len(pending) >= EXTRA_BATCH:
            with transaction.atomic():
                CrampEpisode.objects.bulk_create(pending, batch_size=2000)
            pending = []
    with transaction.atomic():
        CrampEpisode.objects.bulk_create(pending, batch_size=2000)
    refresh_all(team)
    return needed


if __name__ == "__main__":
    main()
