"""Programming visits in the bundle (issue 25): exported under their device, with the index of
the settings record they left in place, imported back unchanged; a bad visit is refused with
its path and nothing is written. Bundles without visits read and write as before."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from diary.models import Patient
from exchange.bundle import (
    BundleInvalid,
    bundle_dumps,
    bundle_export,
    bundle_import,
    bundle_shift,
    bundle_validate,
)
from programming.models import ProgrammingVisit, SettingsRecord
from programming.services import visit_record_create

ROW = {
    "electrodes": "0-3+", "amplitude": Decimal("1.4"), "amplitude_unit": "mA",
    "pulse_width_us": 210, "frequency_hz": Decimal("14"), "sensory_threshold": Decimal("0.8"),
    "motor_threshold": Decimal("1.25"), "felt_at": "perineum",
    "responses": ["bellows", "great_toe"], "comfort": "comfortable",
}


def with_visits(patient: Patient, clinician) -> None:
    device = patient.devices.get()
    visit_record_create(
        device=device, visited_at=timezone.now() - timedelta(days=30), clinician=clinician,
        configurations=[{"electrodes": "1-2+", "amplitude_unit": "mA",
                         "motor_threshold": Decimal("2"), "responses": ["foot_calf"]}],
    )
    visit_record_create(
        device=device, visited_at=timezone.now() - timedelta(days=2), clinician=clinician,
        configurations=[ROW, {**ROW, "electrodes": "1-2+", "responses": []}], left_in_place=0,
        note="Two pairs tried.",
    )


def empty_database() -> None:
    ProgrammingVisit.objects.all().delete()
    SettingsRecord.objects.update(corrects=None)
    SettingsRecord.objects.all().delete()
    User.objects.all().delete()


def test_visits_survive_export_import_export(alice: Patient, dr_lee) -> None:
    with_visits(alice, dr_lee)
    before = bundle_dumps(bundle_export(alice))
    bundle = json.loads(before)
    [first, second] = bundle["devices"][0]["visits"]
    assert first["settings"] is None and second["settings"] == 1
    assert second["configurations"][0] == {
        "electrodes": "0-3+", "amplitude": 1.4, "amplitude_unit": "mA", "pulse_width_us": 210,
        "frequency_hz": 14, "sensory_threshold": 0.8, "motor_threshold": 1.25,
        "felt_at": "perineum", "responses": ["bellows", "great_toe"], "comfort": "comfortable",
        "left_in_place": True,
    }
    empty_database()
    patient = bundle_import(bundle_validate(bundle))
    assert bundle_dumps(bundle_export(patient)) == before
    visit = ProgrammingVisit.objects.for_patient(patient).first()
    assert visit.settings_record == SettingsRecord.objects.for_patient(patient).latest(
        "effective_at"
    )


def test_a_device_without_visits_has_no_visits_key(alice: Patient) -> None:
    assert "visits" not in bundle_export(alice)["devices"][0]


def test_shifting_a_bundle_moves_its_visits(alice: Patient, dr_lee) -> None:
    with_visits(alice, dr_lee)
    bundle = bundle_export(alice)
    moved = bundle_shift(bundle, -7)
    old = bundle["devices"][0]["visits"][0]["visited_at"]
    new = moved["devices"][0]["visits"][0]["visited_at"]
    assert new[:10] < old[:10] and new[10:16] == old[10:16]


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda v: v["configurations"][0].update(motor_threshold=99),
     "visits[1].configurations[0]", "threshold is between 0 and 25.5 mA"),
    (lambda v: v["configurations"][0].update(responses=["wiggle"]),
     "visits[1].configurations[0].responses", "must be a list of"),
    (lambda v: v.update(settings=9), "visits[1].settings", "must be the index"),
    (lambda v: v["configurations"][1].update(left_in_place=True),
     "visits[1].configurations", "only one configuration"),
    (lambda v: v.update(visited_at="9999-12-31T10:00:00+01:00"),
     "visits[1].visited_at", "outside the dates"),
    (lambda v: v.update(surprise=1), "visits[1].surprise", "is not part of the bundle format"),
])
def test_a_bad_visit_is_refused_with_its_path_and_nothing_is_written(
    alice: Patient, dr_lee, change, path: str, words: str
) -> None:
    with_visits(alice, dr_lee)
    bundle = bundle_export(alice)
    bundle["patient"]["username"] = "newcomer"
    change(bundle["devices"][0]["visits"][1])
    with pytest.raises(BundleInvalid) as refused:
        bundle_validate(json.loads(json.dumps(bundle)))
    assert any(
        problem.startswith(f"devices[0].{path}") and words in problem
        for problem in refused.value.problems
    ), refused.value.problems
    assert not Patient.objects.filter(user__username="newcomer").exists()
