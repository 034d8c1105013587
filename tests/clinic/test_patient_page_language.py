"""The patient page's cached parts are rendered in the reader's language: one cache entry per
language, so a German reader never gets the English parts another clinician warmed."""

from __future__ import annotations

from django.utils import translation

from clinic.views import patient_record_cache_key
from diary.models import Patient


def test_each_language_has_its_own_cached_patient_record(alice: Patient) -> None:
    with translation.override("en"):
        english = patient_record_cache_key(alice, 1)
    with translation.override("de"):
        german = patient_record_cache_key(alice, 1)
    assert english != german
    assert english.endswith(":1:en")
