"""outcomes.csv (issue 24): one row per answered day, empty for an unanswered question,
with the settings of the night that began that evening; scoped like every export."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from diary.services import outcome_record
from exchange.csv_reports import COLUMNS
from tests.exchange.test_csv_reports import rows_of
from tests.factories import change_settings, local

DAY = date(2026, 1, 5)


def test_a_day_is_a_row_with_its_kind_and_settings(alice, bob, lee_client):
    outcome_record(patient=alice, day=DAY, leaks=2, voids=0)
    change_settings(alice, local(alice, DAY + timedelta(days=1), 10), amplitude="1.0",
                    reason="reduce_amplitude")
    outcome_record(patient=alice, day=DAY + timedelta(days=1), leaks=3, pgic=4)
    outcome_record(patient=bob, day=DAY, pain_average=5)
    response = lee_client.get(reverse("exchange:patient-csv", args=[alice.pk, "outcomes"]))
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows[0]) == COLUMNS["outcomes"]
    assert [r["date"] for r in rows] == ["2026-01-05", "2026-01-06"]
    first, second = rows
    assert (first["outcome_kind"], first["therapy"]) == ("bladder", "sacral")
    assert (first["leaks"], first["voids"], first["pads"], first["pgic"]) == ("2", "0", "", "")
    assert (first["amplitude"], second["amplitude"]) == ("2", "1")
    assert second["pgic"] == "4"
    assert {r["patient"] for r in rows} == {"alice"}


def test_another_clinicians_patient_is_404(alice, bob, lee_client):
    outcome_record(patient=bob, day=DAY, pain_average=5)
    response = lee_client.get(reverse("exchange:patient-csv", args=[bob.pk, "outcomes"]))
    assert response.status_code == 404


def test_a_patient_downloads_their_own(alice, alice_client, bob):
    outcome_record(patient=alice, day=DAY, leaks=1)
    outcome_record(patient=bob, day=DAY, pain_average=5)
    rows = rows_of(alice_client.get(reverse("exchange:my-csv", args=["outcomes"])))
    assert [(r["patient"], r["leaks"]) for r in rows] == [("alice", "1")]
