"""The name list of medicines known to bring on cramps (diary.medicines): pure, no database."""

from __future__ import annotations

import pytest

from diary.medicines import CRAMP_MEDICINE_NAMES, kind_for_name, kind_unknown, stored_kind
from diary.models import CRAMP_ASSOCIATED_CATEGORIES, MEDICATION_CATEGORY_CHOICES


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Furosemide 40 mg", "diuretic"),
        ("furosemide 40mg", "diuretic"),
        ("PREDNISONE, 5 mg tablets", "steroid"),
        ("losartan/HCTZ", "diuretic"),
        ("Atorvastatin-20", "statin"),
        ("  Lasix  ", "diuretic"),
    ],
)
def test_a_listed_name_gives_its_kind_whatever_the_case_or_spacing(name: str, kind: str) -> None:
    assert kind_for_name(name) == kind


@pytest.mark.parametrize(
    "name", ["Vitamin D", "prednisolonex", "furosemides", "statin", "", "Paracetamol"]
)
def test_only_whole_listed_words_count(name: str) -> None:
    assert kind_for_name(name) is None


def test_a_name_of_two_kinds_is_left_to_the_care_team() -> None:
    assert kind_for_name("prednisolone + furosemide") is None
    assert kind_for_name("furosemide and spironolactone") == "diuretic"  # two names, one kind


def test_every_listed_kind_is_a_category_the_ladder_reads() -> None:
    codes = {code for code, _ in MEDICATION_CATEGORY_CHOICES}
    assert set(CRAMP_MEDICINE_NAMES) <= codes
    assert set(CRAMP_MEDICINE_NAMES) <= CRAMP_ASSOCIATED_CATEGORIES
    for words in CRAMP_MEDICINE_NAMES.values():
        assert all(word == word.casefold() and word.isalnum() for word in words)


@pytest.mark.parametrize(
    ("name", "answer", "stored"),
    [
        ("Furosemide 40 mg", "not_sure", "diuretic"),
        ("Furosemide 40 mg", "other", "diuretic"),
        ("Furosemide 40 mg", "opioid", "opioid"),  # a kind the patient gave is kept
        ("Vitamin D", "other", "other"),
        ("Vitamin D", "not_sure", "not_sure"),
    ],
)
def test_the_stored_kind_reads_the_name_only_when_the_answer_does_not_tell(
    name: str, answer: str, stored: str
) -> None:
    assert stored_kind(name, answer) == stored


def test_a_kind_is_unknown_until_it_tells_or_a_clinician_sets_it() -> None:
    assert kind_unknown("not_sure", False) and kind_unknown("other", False)
    assert not kind_unknown("other", True)
    assert not kind_unknown("diuretic", False)
