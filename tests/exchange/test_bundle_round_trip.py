from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from diary.models import CrampEpisode, Night, Patient
from exchange.bundle import bundle_dumps, bundle_export, bundle_import, bundle_validate
from exchange.scenarios import SCENARIOS
from programming.models import SettingsRecord
from tests.factories import change_settings, local, log_cramp, log_cramp_free

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def empty_database() -> None:
    SettingsRecord.objects.update(corrects=None)  # append-only records protect each other
    SettingsRecord.objects.all().delete()
    User.objects.all().delete()
    assert not Patient.objects.exists() and not Night.objects.exists()


def reload(text: str) -> str:
    """Import into an emptied database, export again."""
    empty_database()
    patient = bundle_import(bundle_validate(json.loads(text)))
    return bundle_dumps(bundle_export(patient))


@pytest.mark.parametrize("scenario", [s.username for s in SCENARIOS])
def test_every_demo_bundle_survives_export_import_export(db, scenario: str) -> None:
    seed_text = (SEEDS / f"{scenario}.json").read_text(encoding="utf-8")
    first = reload(seed_text)
    second = reload(first)
    assert first == second
    assert first == seed_text  # the seed is already in canonical form: nothing lost at all


def test_corrections_and_extra_fields_survive_the_round_trip(alice: Patient) -> None:
    original = SettingsRecord.objects.for_patient(alice).get()
    change_settings(alice, local(alice, original.effective_at.date(), 10), amplitude="1.25")
    wrong = SettingsRecord.objects.for_patient(alice).latest("id")
    SettingsRecord.objects.create(
        device=wrong.device, effective_at=wrong.effective_at, amplitude="1.5",
        pulse_width_us=0 + 210, frequency_hz="14", corrects=wrong, reason="reduce_amplitude",
        electrode_configuration="0-1+2-",
    )
    log_cramp(alice, local(alice, original.effective_at.date(), 23), severity=0,
              duration_min=0, notes="=not a formula", relieved_by=["stretching", "heat"])
    log_cramp_free(alice, original.effective_at.date() + timedelta(days=2),
                   therapy_benefit=0, sleep_quality=0, alcohol=False, lumbar_support=True,
                   fluids="high", notes="quiet")
    before = bundle_dumps(bundle_export(alice))
    assert '"corrects": 1' in before
    assert reload(before) == before


def test_soft_deleted_rows_are_not_exported(alice: Patient) -> None:
    episode = log_cramp(alice, local(alice, date(2026, 1, 2), 2))
    CrampEpisode.objects.filter(pk=episode.pk).update(deleted_at=episode.started_at)
    Night.objects.filter(pk=episode.night_id).update(deleted_at=episode.started_at)
    assert bundle_export(alice)["nights"] == []


def test_the_commands_write_and_read_the_same_bundle(alice: Patient, tmp_path: Path) -> None:
    log_cramp(alice, local(alice, date(2026, 1, 2), 2), severity=6)
    out = tmp_path / "alice.json"
    call_command("export_bundle", "alice", "--out", str(out))
    exported = out.read_text(encoding="utf-8")
    empty_database()
    call_command("import_bundle", str(out))
    again = tmp_path / "again.json"
    call_command("export_bundle", "alice", "--out", str(again))
    assert again.read_text(encoding="utf-8") == exported


def test_import_creates_the_patient_with_an_unusable_password(db) -> None:
    patient = bundle_import(bundle_validate(json.loads((SEEDS / "frank.json").read_text())))
    assert patient.user.username == "frank"
    assert not patient.user.has_usable_password()
    assert patient.nights.count() > 100
    assert patient.data_version == 1
