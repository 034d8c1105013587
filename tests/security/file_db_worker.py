"""Runs against a real SQLite file (DATABASE_URL set by the caller), in its own process, so
threads and a second connection meet the database as they do in production. Prints JSON."""

from __future__ import annotations

import json
import os
import sys
import threading
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from diary.models import CrampEpisode, Night, Patient  # noqa: E402
from diary.services import episode_create  # noqa: E402
from tests.factories import make_patient  # noqa: E402


def concurrent_logging(writers: int = 3, rounds: int = 5) -> dict[str, object]:
    """Two browser tabs and the remote log cramps on the same night at the same moment."""
    patient = make_patient("alice", timezone="Europe/Amsterdam")
    errors: list[str] = []
    night_start = datetime(2025, 4, 4, 23, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    barrier = threading.Barrier(writers)

    def writer(index: int) -> None:
        try:
            me = Patient.objects.get(pk=patient.pk)
            for round_ in range(rounds):
                barrier.wait(timeout=30)
                episode_create(
                    patient=me,
                    started_at=night_start + timedelta(minutes=10 * round_, seconds=index),
                    severity=5,
                    client_token=uuid.uuid4(),
                )
        except Exception as error:  # reported, not raised: the test asserts there were none
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "errors": errors,
        "nights": Night.objects.filter(patient=patient).count(),
        "episodes": CrampEpisode.objects.for_patient(patient).count(),
        "expected": writers * rounds,
    }


def backup_while_writing(out: str, before: int = 40) -> dict[str, object]:
    """Back up while another thread keeps logging cramps; report what the copy must hold."""
    from accounts.backup import backup_database

    patient = make_patient("alice", timezone="Europe/Amsterdam")
    start = datetime(2025, 1, 1, 23, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    for day in range(before):
        episode_create(patient=patient, started_at=start + timedelta(days=day), severity=day % 11)
    committed_before = sorted(CrampEpisode.objects.values_list("pk", "severity", "started_at"))
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        me = Patient.objects.get(pk=patient.pk)
        day = before
        while not stop.is_set():
            episode, _ = episode_create(
                patient=me, started_at=start + timedelta(days=day), severity=day % 11
            )
            written.append(episode.pk)
            day += 1
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 5:
        pass
    pages = backup_database(connection.settings_dict, out)
    stop.set()
    thread.join()
    return {
        "pages": pages,
        "before": [[pk, severity, at.isoformat()] for pk, severity, at in committed_before],
        "written_during": len(written),
    }


def rows(_: str = "") -> dict[str, object]:
    episodes = CrampEpisode.objects.values_list("pk", "severity", "started_at").order_by("pk")
    return {
        "episodes": [[pk, severity, at.isoformat()] for pk, severity, at in episodes],
        "nights": Night.objects.count(),
    }


if __name__ == "__main__":
    task, *args = sys.argv[1:]
    if task != "rows":
        call_command("migrate", verbosity=0)
    print(json.dumps({"concurrent": concurrent_logging, "backup": backup_while_writing,
                      "rows": rows}[task](*args)))
