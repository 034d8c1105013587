from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from diary.models import CrampEpisode, Night, Patient
from programming.models import Device, SettingsRecord

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def broken_bundle() -> dict:
    bundle = json.loads((SEEDS / "dan.json").read_text(encoding="utf-8"))
    cramp_nights = [i for i, n in enumerate(bundle["nights"]) if n["episodes"]]
    bundle["nights"][cramp_nights[0]]["episodes"][0]["severity"] = 11
    bundle["nights"][cramp_nights[1]]["episodes"][0]["side"] = "middle"
    bundle["nights"][cramp_nights[2]]["episodes"][0]["started_at"] = "2026-01-02T02:10:00"
    bundle["nights"][3]["therapy_benefit"] = -1
    bundle["devices"][0]["settings"][0]["amplitude"] = 99
    bundle["devices"][0]["therapy"] = "magic"
    bundle["medications"] = [{"name": "x", "category": "steroid", "started_on": "2026-02-10",
                              "stopped_on": "2026-02-01"}]
    del bundle["nights"][5]["date"]
    return bundle, cramp_nights


def test_an_import_with_errors_names_every_bad_path_and_writes_nothing(db, tmp_path) -> None:
    bundle, cramp_nights = broken_bundle()
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(bundle))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_bundle", str(path), stderr=err)
    report = err.getvalue()
    a, b, c = cramp_nights[:3]
    assert f"nights[{a}].episodes[0].severity: must be between 0 and 10" in report
    assert f"nights[{b}].episodes[0].side:" in report
    assert f"nights[{c}].episodes[0].started_at: must carry its UTC offset" in report
    assert "nights[3].therapy_benefit: must be between 0 and 10" in report
    assert "devices[0].settings[0].amplitude: Amplitude must be between 0 and 25.5 mA." in report
    assert "devices[0].therapy:" in report
    assert "medications[0].stopped_on: The stop date is before the start date." in report
    assert "nights[5].date: is required" in report
    assert not User.objects.exists()
    assert not Patient.objects.exists()
    assert not Device.objects.exists() and not SettingsRecord.objects.exists()
    assert not Night.objects.exists() and not CrampEpisode.objects.exists()


def test_an_episode_on_the_wrong_night_is_refused(db, tmp_path) -> None:
    bundle = json.loads((SEEDS / "alice.json").read_text(encoding="utf-8"))
    i = next(i for i, n in enumerate(bundle["nights"]) if n["episodes"])
    bundle["nights"][i]["episodes"][0]["started_at"] = "2020-01-01T03:00:00+01:00"
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(bundle))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_bundle", str(path), stderr=err)
    expected = f"nights[{i}].episodes[0].started_at: belongs to the night of 2019-12-31"
    assert expected in err.getvalue()


def test_wrong_types_and_unknown_keys_are_reported(db, tmp_path) -> None:
    bundle = json.loads((SEEDS / "erin.json").read_text(encoding="utf-8"))
    bundle["nights"][0]["sleep_quality"] = "good"
    bundle["nights"][0]["mood"] = 3
    bundle["patient"]["timezone"] = "Mars/Olympus"
    bundle["format"] = "something-else"
    path = tmp_path / "types.json"
    path.write_text(json.dumps(bundle))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_bundle", str(path), stderr=err)
    report = err.getvalue()
    assert "nights[0].sleep_quality: must be a whole number" in report
    assert "nights[0].mood: is not part of the bundle format" in report
    assert "patient.timezone:" in report
    assert "format: must be 'stimdiary-bundle'" in report


def test_an_import_never_merges_into_a_patient_with_data(alice: Patient, tmp_path) -> None:
    bundle = json.loads((SEEDS / "alice.json").read_text(encoding="utf-8"))
    path = tmp_path / "alice.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(CommandError):
        call_command("import_bundle", str(path), stderr=io.StringIO())
    assert SettingsRecord.objects.for_patient(alice).count() == 1


def test_not_json_is_an_error_not_a_crash(db, tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{nope")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("import_bundle", str(path))
