"""The daily outcome in the bundle (issue 24): an optional `outcomes` list and
`patient.sacral_indication`, written only when they say something, so an older bundle (and a
diary without outcomes) keeps its bytes; hostile values are refused with their path."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from diary.models import DailyOutcome, Patient
from diary.services import outcome_record
from exchange.bundle import BundleInvalid, bundle_export, bundle_import, bundle_validate
from tests.factories import make_patient

DAY = date(2026, 1, 5)


def test_a_diary_without_outcomes_exports_no_outcomes_key(alice):
    bundle = bundle_export(alice)
    assert "outcomes" not in bundle
    assert bundle["patient"] == {"username": "alice", "timezone": "Europe/Amsterdam"}


def test_outcomes_and_a_bowel_indication_round_trip(db):
    patient = make_patient("olga")
    patient.sacral_indication = "bowel"
    patient.save()
    outcome_record(patient=patient, day=DAY, bowel_incontinence_episodes=2, pgic=3)
    outcome_record(patient=patient, day=date(2026, 1, 6), bowel_urgency=0)
    first = bundle_export(patient)
    assert first["patient"]["sacral_indication"] == "bowel"
    assert first["outcomes"][0] == {
        "date": "2026-01-05", "voids": None, "leaks": None, "urgency_episodes": None,
        "pads": None, "bowel_incontinence_episodes": 2, "bowel_urgency": None,
        "pain_worst": None, "pain_average": None, "pgic": 3,
    }
    moved = copy.deepcopy(first)
    moved["patient"]["username"] = "olga2"
    imported = bundle_import(bundle_validate(moved))
    assert imported.sacral_indication == "bowel"
    again = bundle_export(imported)
    again["patient"]["username"] = "olga"
    assert again == first


def test_an_old_bundle_without_outcomes_still_imports(alice):
    old = bundle_export(alice)
    old["patient"]["username"] = "old-alice"
    imported = bundle_import(bundle_validate(old))
    assert Patient.objects.get(pk=imported.pk).sacral_indication == "bladder"
    assert not DailyOutcome.objects.filter(patient=imported).exists()


@pytest.mark.parametrize("item, path, message", [
    ({"date": "2026-01-05", "voids": -1}, "outcomes[0].voids", "must be between 0 and 60"),
    ({"date": "2026-01-05", "voids": 10000}, "outcomes[0].voids", "must be between 0 and 60"),
    ({"date": "2026-01-05", "leaks": "3"}, "outcomes[0].leaks", "must be a whole number"),
    ({"date": "2026-01-05", "leaks": 2.5}, "outcomes[0].leaks", "must be a whole number"),
    ({"date": "2026-01-05", "pgic": 8}, "outcomes[0].pgic", ""),
    ({"date": "9999-12-31", "leaks": 1}, "outcomes[0].date", "future"),
    ({"date": "2026-01-05", "mood": 3}, "outcomes[0].mood", "is not part of the bundle format"),
    ({"leaks": 1}, "outcomes[0].date", "is required"),
])
def test_a_hostile_outcome_is_refused_with_its_path(alice, item, path, message):
    bundle = bundle_export(alice)
    bundle["patient"]["username"] = "hostile"
    bundle["outcomes"] = [item]
    with pytest.raises(BundleInvalid) as caught:
        bundle_validate(bundle)
    found = [p for p in caught.value.problems if p.startswith(path)]
    assert found and message in found[0]
    assert not DailyOutcome.objects.exists()


def test_two_outcomes_on_one_day_and_a_bad_indication_are_refused(alice):
    bundle = bundle_export(alice)
    bundle["patient"]["username"] = "twice"
    bundle["patient"]["sacral_indication"] = "knee"
    bundle["outcomes"] = [{"date": "2026-01-05", "leaks": 1}, {"date": "2026-01-05"}]
    with pytest.raises(BundleInvalid) as caught:
        bundle_validate(bundle)
    assert "outcomes[1].date: a second outcome on the same day" in caught.value.problems
    assert "patient.sacral_indication: must be 'bladder' or 'bowel'" in caught.value.problems
