from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import reverse

from diary.models import Night, Patient
from exchange.csv_reports import COLUMNS, FORMULA_STARTS, safe_text
from tests.factories import change_settings, local, log_cramp, log_cramp_free

DAY = date(2026, 1, 5)


def rows_of(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def alice_diary(alice: Patient) -> Patient:
    log_cramp(alice, local(alice, DAY + timedelta(days=1), 2, 10), severity=6, duration_min=5,
              side="left", site="calf", woke_from_sleep=True, stimulation_felt="usual",
              new_movement="none", relieved_by=["stretching", "heat"], notes="ok")
    Night.objects.filter(patient=alice, date=DAY).update(therapy_benefit=7, sleep_quality=4)
    log_cramp_free(alice, DAY + timedelta(days=1), therapy_benefit=0, sleep_quality=0,
                   alcohol=False)
    change_settings(alice, local(alice, DAY + timedelta(days=2), 10), amplitude="0",
                    stimulation_on=False, reason="device_off")
    log_cramp(alice, local(alice, DAY + timedelta(days=3), 1), severity=0, duration_min=0)
    return alice


def test_episodes_carry_settings_in_effect_and_the_nights_confounders(lee_client, alice_diary):
    response = lee_client.get(reverse("exchange:patient-csv", args=[alice_diary.pk, "episodes"]))
    rows = rows_of(response)
    assert list(rows[0].keys()) == COLUMNS["episodes"]
    first, last = rows
    assert first["started_at"] == "2026-01-06T02:10:00+01:00"
    assert first["night_date"] == "2026-01-05"
    settings = (first["amplitude"], first["pulse_width_us"], first["frequency_hz"])
    assert settings == ("2", "210", "14")
    assert first["stimulation_on"] == "true"
    assert first["relieved_by"] == "stretching;heat"
    assert (first["therapy_benefit"], first["sleep_quality"]) == ("7", "4")
    assert last["stimulation_on"] == "false"


def test_zeros_stay_zeros_and_missing_stays_empty(lee_client, alice_diary):
    episodes = rows_of(lee_client.get(
        reverse("exchange:patient-csv", args=[alice_diary.pk, "episodes"])))
    zero = episodes[-1]
    assert (zero["severity"], zero["duration_min"], zero["amplitude"]) == ("0", "0", "0")
    assert zero["therapy_benefit"] == ""  # that night was never checked in: missing, not zero
    nights = rows_of(lee_client.get(
        reverse("exchange:patient-csv", args=[alice_diary.pk, "nights"])))
    cramp_free = next(n for n in nights if n["date"] == "2026-01-06")
    assert (cramp_free["cramp_count"], cramp_free["therapy_benefit"]) == ("0", "0")
    assert cramp_free["sleep_quality"] == "0"
    assert cramp_free["alcohol"] == "false" and cramp_free["lumbar_support"] == ""


def test_nights_use_the_settings_at_the_start_of_the_night(lee_client, alice_diary):
    nights = rows_of(lee_client.get(
        reverse("exchange:patient-csv", args=[alice_diary.pk, "nights"])))
    assert [n["date"] for n in nights] == ["2026-01-05", "2026-01-06", "2026-01-07"]
    assert [n["stimulation_on"] for n in nights] == ["true", "true", "false"]
    assert [n["cramp_count"] for n in nights] == ["1", "0", "1"]


def test_the_date_range_filters_rows_and_names_the_file(lee_client, alice_diary):
    url = reverse("exchange:patient-csv", args=[alice_diary.pk, "nights"])
    response = lee_client.get(url, {"from": "2026-01-06", "to": "2026-01-07"})
    assert response["Content-Disposition"] == (
        'attachment; filename="stimdiary-alice-nights-2026-01-06-to-2026-01-07.csv"'
    )
    assert [n["date"] for n in rows_of(response)] == ["2026-01-06", "2026-01-07"]
    assert lee_client.get(url, {"from": "06/01/2026"}).status_code == 400
    assert lee_client.get(url, {"from": "2026-02-01", "to": "2026-01-01"}).status_code == 400


@pytest.mark.parametrize("start", sorted(FORMULA_STARTS))
def test_formula_injection_is_neutralised_in_every_text_column(lee_client, alice, start):
    if start == "\x00" and connection.vendor == "postgresql":
        # PostgreSQL cannot store NUL in text (and Django's forms refuse it before that), so
        # there the cell function's own test below covers it.
        assert safe_text("\x00x") == "'\x00x"
        return
    evil = f"{start}HYPERLINK(\"http://x\")"
    change_settings(alice, local(alice, DAY, 9), electrode_configuration=evil, note=evil)
    alice.devices.update(lead_site=evil)
    log_cramp(alice, local(alice, DAY + timedelta(days=1), 2), notes=evil)
    Night.objects.filter(patient=alice).update(notes=evil)
    for kind, text_columns in {
        "episodes": ["notes", "electrode_configuration"],
        "nights": ["notes", "electrode_configuration"],
        "settings": ["electrode_configuration", "note", "lead_site"],
    }.items():
        rows = rows_of(lee_client.get(reverse("exchange:patient-csv", args=[alice.pk, kind])))
        for column in text_columns:
            assert rows[-1][column] == "'" + evil, (kind, column)
        assert rows[-1]["pulse_width_us"] == "210"  # numbers stay numbers


def test_a_username_that_looks_like_a_formula_is_neutralised() -> None:
    assert safe_text("-bob") == "'-bob"
    assert safe_text("+1") == "'+1"
    assert safe_text("bob") == "bob"
    assert safe_text("") == ""


def test_the_command_writes_the_same_bytes_as_the_download(alice_client, alice_diary, tmp_path):
    for kind in ("episodes", "nights", "settings"):
        downloaded = b"".join(
            alice_client.get(reverse("exchange:my-csv", args=[kind]), {"from": "2026-01-05"})
            .streaming_content
        )
        out = tmp_path / f"{kind}.csv"
        call_command("export_csv", "alice", "--kind", kind, "--from", "2026-01-05",
                     "--out", str(out))
        assert out.read_bytes() == downloaded


def test_every_export_is_audited_without_diary_contents(lee_client, alice_diary, dr_lee):
    url = reverse("exchange:patient-csv", args=[alice_diary.pk, "episodes"])
    b"".join(lee_client.get(url, {"from": "2026-01-01"}).streaming_content)
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("timestamp")
    assert entry.actor == dr_lee
    assert entry.object_id == alice_diary.pk
    assert entry.additional_data["what"] == "export"
    assert entry.additional_data["kind"] == "episodes.csv"
    assert entry.additional_data["date_from"] == "2026-01-01"
    assert "ok" not in str(entry.additional_data.values())


def test_a_cohort_export_is_audited_for_each_patient(lee_client, alice, carmen):
    rows = rows_of(lee_client.get(reverse("exchange:cohort-csv", args=["flags"])))
    assert [r["patient"] for r in rows] == ["alice", "carmen"]
    audited = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).values_list(
        "object_id", flat=True)
    assert sorted(audited) == sorted([alice.pk, carmen.pk])


def test_export_queries_do_not_grow_with_rows(lee_client, alice, django_assert_max_num_queries):
    for day in range(20):
        log_cramp(alice, local(alice, DAY + timedelta(days=day + 1), 2))
    url = reverse("exchange:patient-csv", args=[alice.pk, "episodes"])
    with django_assert_max_num_queries(14):
        b"".join(lee_client.get(url).streaming_content)
