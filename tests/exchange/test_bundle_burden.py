"""nights[].sleep_disturbance in the bundle (issue 23): optional on import, written when
answered, round-tripped byte for byte, and a hostile value refused with its path and exit
status 1."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from diary.models import Night, Patient
from diary.services import night_check_in
from exchange.bundle import bundle_dumps, bundle_export
from tests.exchange.test_bundle_hostile import dan, refused, set_value, write
from tests.exchange.test_bundle_round_trip import reload
from tests.factories import local, log_cramp, log_cramp_free

DAY = date(2026, 1, 5)


def test_a_bundle_carrying_the_answer_round_trips(alice: Patient) -> None:
    log_cramp(alice, local(alice, DAY + timedelta(days=1), 2), severity=7, duration_min=4)
    night_check_in(patient=alice, night_date=DAY, cramp_free=False, sleep_disturbance=7)
    log_cramp_free(alice, DAY + timedelta(days=1), sleep_disturbance=0)
    log_cramp_free(alice, DAY + timedelta(days=2))
    before = bundle_dumps(bundle_export(alice))
    nights = json.loads(before)["nights"]
    assert [n.get("sleep_disturbance", "absent") for n in nights] == [7, 0, "absent"]
    assert reload(before) == before
    assert list(Night.objects.order_by("date").values_list("sleep_disturbance", flat=True)) == [
        7, 0, None
    ]


def test_an_older_bundle_without_the_key_still_imports(db) -> None:
    bundle = dan()
    assert all("sleep_disturbance" not in n for n in bundle["nights"])
    text = json.dumps(bundle)
    reload(text)
    assert Night.objects.exists()
    assert not Night.objects.filter(sleep_disturbance__isnull=False).exists()


def test_null_reads_as_not_answered(db) -> None:
    bundle = dan()
    bundle["nights"][3]["sleep_disturbance"] = None
    reload(json.dumps(bundle))
    assert not Night.objects.filter(sleep_disturbance__isnull=False).exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (11, "must be between 0 and 10"),
        (-1, "must be between 0 and 10"),
        (10**40, "must be between 0 and 10"),
        ("7", "must be a whole number"),
        (7.5, "must be a whole number"),
        (True, "must be a whole number"),
        ([7], "must be a whole number"),
    ],
)
def test_a_hostile_sleep_disturbance_is_refused_with_its_path(
    db, tmp_path: Path, value: object, message: str
) -> None:
    bundle = dan()
    set_value(bundle, "nights[3].sleep_disturbance", value)
    report = refused(write(tmp_path, bundle))  # exit status 1, nothing written
    assert f"nights[3].sleep_disturbance: {message}" in report, report


def test_nan_is_refused_with_its_path(db, tmp_path: Path) -> None:
    bundle = dan()
    set_value(bundle, "nights[3].sleep_disturbance", "__HOSTILE__")
    report = refused(write(tmp_path, json.dumps(bundle).replace('"__HOSTILE__"', "NaN")))
    assert "nights[3].sleep_disturbance: must be a finite number" in report
