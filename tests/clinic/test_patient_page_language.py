"""The patient page's cached parts are rendered in the reader's language: one cache entry per
language, so a German reader never gets the English parts another clinician warmed."""

from __future__ import annotations

import pickle

from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from clinic.views import patient_record_cache_key
from diary.models import Patient
from insights.panel import panel_cache_key


def test_each_language_has_its_own_cached_patient_record(alice: Patient) -> None:
    with translation.override("en"):
        english = patient_record_cache_key(alice, 1)
    with translation.override("de"):
        german = patient_record_cache_key(alice, 1)
    assert english != german
    assert english.endswith(":1:en")


def test_the_cached_panel_holds_plain_words_in_the_readers_language(
    alice: Patient, lee_client
) -> None:
    # A lazy translation read back from the cache rebuilds its proxy class: a cached panel of
    # lazy labels cost the patient page about half its time. The words are fixed at caching,
    # in the language the key names.
    lee_client.cookies["django_language"] = "de"
    with translation.override("de"):
        key = panel_cache_key(alice)
    assert lee_client.get(reverse("clinic:patient", args=[alice.pk])).status_code == 200

    cached = pickle.dumps(cache.get(key))

    assert b"_lazy_proxy_unpickle" not in cached
    assert "Nächte".encode() in cached or b"Nacht" in cached
