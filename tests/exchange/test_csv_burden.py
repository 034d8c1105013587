"""nights.csv's burden columns (issue 23): appended after every old column, and the SQL that
fills them gives what insights.burden's per-night rules give for the same nights."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from diary.models import Night, Patient
from diary.services import episode_delete, night_check_in
from exchange.csv_reports import COLUMNS
from insights.burden import night_burden
from insights.data import load_patient_data
from tests.factories import local, log_cramp, log_cramp_free

DAY = date(2026, 1, 5)
BURDEN = ["cramp_minutes", "worst_severity", "woke_from_sleep", "sleep_disturbance"]
OLD_NIGHT_COLUMNS = [
    "patient", "date", "timezone", "cramp_count", "therapy_benefit", "sleep_quality", "fluids",
    "activity", "alcohol", "lumbar_support", "checked_in_at", "notes", "amplitude",
    "amplitude_unit", "pulse_width_us", "frequency_hz", "stimulation_on",
    "electrode_configuration", "settings_effective_at",
]


def night(patient: Patient, offset: int, *cramps: dict, disturbance: int | None = None) -> None:
    night_date = DAY + timedelta(days=offset)
    for k, detail in enumerate(cramps):
        log_cramp(patient, local(patient, night_date + timedelta(days=1), 1, 10 * k), **detail)
    if cramps:
        if disturbance is not None:
            night_check_in(patient=patient, night_date=night_date, cramp_free=False,
                           sleep_disturbance=disturbance)
    else:
        log_cramp_free(patient, night_date, sleep_disturbance=disturbance)


@pytest.fixture
def alice_burden(alice: Patient) -> Patient:
    night(alice, 0, {"severity": 4, "duration_min": 5, "woke_from_sleep": False},
          {"severity": 9, "duration_min": 12, "woke_from_sleep": True}, disturbance=8)
    night(alice, 1)  # cramp-free, sleep not answered
    night(alice, 2, {"severity": 6, "duration_min": None, "woke_from_sleep": None},
          {"severity": 2, "duration_min": 3, "woke_from_sleep": False})
    night(alice, 3, {"severity": 0, "duration_min": 0, "woke_from_sleep": False}, disturbance=0)
    night(alice, 4, disturbance=10)
    # A deleted cramp counts for nothing, not its minutes nor its waking.
    gone = log_cramp(alice, local(alice, DAY + timedelta(days=6), 2), severity=10,
                     duration_min=200, woke_from_sleep=True)
    log_cramp(alice, local(alice, DAY + timedelta(days=6), 3), severity=1, duration_min=1)
    episode_delete(episode=gone)
    return alice


def rows(client, patient: Patient) -> list[dict[str, str]]:
    response = client.get(reverse("exchange:patient-csv", args=[patient.pk, "nights"]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_burden_columns_come_after_every_old_column_in_order():
    assert COLUMNS["nights"] == OLD_NIGHT_COLUMNS + BURDEN


def test_each_night_reads_its_minutes_worst_waking_and_sleep(lee_client, alice_burden):
    found = {r["date"]: [r[c] for c in ["cramp_count", *BURDEN]] for r in rows(lee_client,
                                                                                 alice_burden)}
    assert found == {
        "2026-01-05": ["2", "17", "9", "true", "8"],
        "2026-01-06": ["0", "0", "", "false", ""],  # cramp-free: 0 minutes, no severity
        "2026-01-07": ["2", "", "6", "", ""],  # one duration and one waking not given
        "2026-01-08": ["1", "0", "0", "false", "0"],  # zeros stay zeros
        "2026-01-09": ["0", "0", "", "false", "10"],
        "2026-01-10": ["1", "1", "1", "", ""],
    }


def test_the_sql_gives_what_the_burden_rules_give(lee_client, alice_burden):
    csv_rows = {r["date"]: r for r in rows(lee_client, alice_burden)}
    data = load_patient_data(alice_burden, today=DAY + timedelta(days=30))
    assert len(data.nights) == len(csv_rows) == 6
    cell = {None: "", True: "true", False: "false"}
    for record in data.nights:
        b = night_burden(record)
        row = csv_rows[record.date.isoformat()]
        assert row["cramp_count"] == str(b.cramps)
        assert row["cramp_minutes"] == ("" if b.minutes is None else str(b.minutes))
        assert row["worst_severity"] == ("" if b.worst_severity is None else str(b.worst_severity))
        assert row["woke_from_sleep"] == cell[b.woken]
        assert row["sleep_disturbance"] == (
            "" if b.sleep_disturbance is None else str(b.sleep_disturbance)
        )


def test_a_stored_extreme_is_written_as_stored(lee_client, alice):
    night(alice, 0, {"severity": 5, "duration_min": 240})
    Night.objects.filter(patient=alice).update(sleep_disturbance=32767)
    [row] = rows(lee_client, alice)
    assert (row["cramp_minutes"], row["sleep_disturbance"]) == ("240", "32767")


def test_another_clinician_gets_404(okafor_client, alice_burden):
    url = reverse("exchange:patient-csv", args=[alice_burden.pk, "nights"])
    assert okafor_client.get(url).status_code == 404
