"""The ladder's windows end last night, so a patient who writes nothing still moves through
them: a state computed for an earlier night is stale even when the data version has not moved
(insights.summary.stale). Readers recompute it; the worker is queued for the moment it turns."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from diary.models import Patient, next_night_end
from insights.models import Flag, PatientSummary
from insights.summary import ensure_fresh, ladder_for, ladder_state
from tests.conftest import client_for
from tests.factories import DATABASE_TASKS, local, log_cramp

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def three_cramp_nights(patient: Patient) -> None:
    last = patient.last_completed_night()
    for back in range(3):
        log_cramp(patient, local(patient, last - timedelta(days=back) + timedelta(days=1), 2))


def summary_of(patient: Patient) -> PatientSummary:
    return PatientSummary.objects.get(patient=patient)


# --- the rule's moment, pure ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (datetime(2026, 5, 4, 5, 59), datetime(2026, 5, 4, 6, 0)),  # before 6: today at 6
        (datetime(2026, 5, 4, 6, 0), datetime(2026, 5, 5, 6, 0)),  # at 6: the night just ended
        (datetime(2026, 5, 4, 23, 30), datetime(2026, 5, 5, 6, 0)),
        (datetime(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 6, 0)),  # the clocks go forward
        (datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 6, 0)),  # and back
    ],
)
def test_the_next_night_end_is_the_next_night_end_hour_in_the_zone(
    settings, at: datetime, expected: datetime
) -> None:
    settings.NIGHT_END_HOUR = 6
    turn = next_night_end(AMSTERDAM, at.replace(tzinfo=AMSTERDAM))
    assert turn.astimezone(AMSTERDAM).replace(tzinfo=None) == expected


def test_the_last_night_moves_on_exactly_at_the_next_night_end(settings) -> None:
    from diary.models import last_completed_night

    settings.NIGHT_END_HOUR = 6
    at = datetime(2026, 5, 4, 14, 0, tzinfo=AMSTERDAM)
    turn = next_night_end(AMSTERDAM, at)
    assert last_completed_night(AMSTERDAM, turn - timedelta(microseconds=1)) == (
        last_completed_night(AMSTERDAM, at)
    )
    assert last_completed_night(AMSTERDAM, turn) == last_completed_night(AMSTERDAM, at) + (
        timedelta(days=1)
    )


# --- through the readers ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_state_is_current_until_the_patients_night_ends_then_stale(settings, alice) -> None:
    settings.NIGHT_END_HOUR = 6
    three_cramp_nights(alice)
    turn = summary_of(alice).fresh_until
    assert turn == next_night_end(alice.tz)
    with time_machine.travel(turn - timedelta(seconds=1), tick=False):
        assert ensure_fresh([alice]) == 0
    with time_machine.travel(turn, tick=False):
        assert ensure_fresh([alice]) == 1
        assert summary_of(alice).fresh_until == turn + timedelta(days=1)
        assert ensure_fresh([alice]) == 0


@pytest.mark.django_db
def test_months_without_a_write_every_reader_shows_the_state_of_today(
    settings, alice, dr_lee
) -> None:
    """Three cramp nights raise "reduce the amplitude"; once they are older than the ladder's
    look-back (LADDER_LOOKBACK_DAYS), with nothing logged since and the data version unchanged,
    the cohort, flags.csv, the patient page and the patient's home show what the ladder says
    today, not what it said then."""
    three_cramp_nights(alice)
    assert summary_of(alice).flag_codes == ["reduce_amplitude"]
    version = Patient.objects.get(pk=alice.pk).data_version

    later = timedelta(days=settings.LADDER_LOOKBACK_DAYS + 10)
    with time_machine.travel(timezone.now() + later, tick=False):
        today = ladder_for(Patient.objects.get(pk=alice.pk))
        assert "reduce_amplitude" not in today.codes  # the test can tell old from new
        lee_client = client_for(dr_lee)  # signed in today: last week's session has expired

        cohort = lee_client.get(reverse("clinic:cohort"))
        assert cohort.status_code == 200
        assert "reduce amplitude" not in cohort.content.decode().lower()
        state = summary_of(alice)
        assert state.flag_codes == today.codes and state.data_version == version
        assert not Flag.objects.filter(patient=alice, code="reduce_amplitude").active().exists()

        # Stale by the calendar again (as at the next night's end), read by the others.
        for reader in (
            lambda: lee_client.get(reverse("exchange:cohort-csv", args=["flags"])),
            lambda: lee_client.get(reverse("clinic:patient", args=[alice.pk])),
        ):
            PatientSummary.objects.filter(patient=alice).update(
                fresh_until=timezone.now(), flag_codes=["reduce_amplitude"]
            )
            response = reader()
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)  # flags.csv refreshes as it streams
            assert summary_of(alice).flag_codes == today.codes
        PatientSummary.objects.filter(patient=alice).update(
            fresh_until=timezone.now(), active_cramps=True
        )
        assert ladder_state(Patient.objects.get(pk=alice.pk)).active_cramps is False


@pytest.mark.django_db(transaction=True)  # the worker closes its connections when done
def test_the_worker_is_queued_for_the_night_end_once_a_night(settings, alice) -> None:
    """A refresh that moves fresh_until queues the next refresh for that moment; more writes on
    the same day queue none; the worker's run at the turn refreshes and queues the next."""
    from django_tasks_db.models import DBTaskResult

    def at_turn() -> list[datetime]:
        return sorted(
            DBTaskResult.objects.filter(
                task_path__endswith="refresh_ladder_state", run_after__isnull=False
            ).values_list("run_after", flat=True)
        )

    settings.NIGHT_END_HOUR = 6
    settings.SUMMARY_REFRESH_DELAY = 0
    ladder_state(alice)
    settings.TASKS = DATABASE_TASKS
    turn = summary_of(alice).fresh_until
    three_cramp_nights(alice)  # three writes: three refreshes queued, due at once
    ensure_fresh([alice])  # a reader refreshes: fresh_until unchanged, nothing queued for it
    assert summary_of(alice).fresh_until == turn

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert turn not in at_turn()  # the first summary was made under the immediate backend

    PatientSummary.objects.filter(patient=alice).update(fresh_until=turn - timedelta(days=1))
    ensure_fresh([alice])  # moves fresh_until on to the turn: one refresh queued for it
    assert at_turn().count(turn) == 1
    ensure_fresh([alice])
    assert at_turn().count(turn) == 1

    with time_machine.travel(turn + timedelta(seconds=5), tick=False):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        summary = summary_of(alice)
        assert summary.fresh_until == turn + timedelta(days=1)
        assert at_turn().count(turn + timedelta(days=1)) == 1
