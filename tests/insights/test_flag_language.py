"""A flag is stored in English (the record, `analyze --json`, FHIR) and shown in the reader's
language (insights.summary.flag_words). A stand-in gettext marks "translated" text, so the
test does not wait for the catalogues."""

from __future__ import annotations

import pytest
from django.utils import translation

from insights import ladder
from insights.models import Flag
from insights.summary import flag_words, refresh_summary
from tests.insights.test_views import cramps_lately

pytestmark = pytest.mark.django_db


def fake_gettext(message: str) -> str:
    language = translation.get_language() or "en"
    return message if language.startswith("en") else f"[{language}] {message}"


@pytest.fixture
def german_ladder(monkeypatch) -> None:
    monkeypatch.setattr(ladder, "_", fake_gettext)


def test_a_refresh_in_a_german_request_stores_the_english_record(alice, german_ladder):
    cramps_lately(alice)
    with translation.override("de"):
        refresh_summary(alice)
    flag = Flag.objects.get(patient=alice, code="reduce_amplitude", resolved_at=None)
    assert flag.explanation.startswith("Cramps are active and the amplitude")
    assert "[de]" not in flag.explanation


def test_a_german_reader_gets_the_explanation_built_in_german(alice, german_ladder):
    cramps_lately(alice)
    flag = Flag.objects.get(patient=alice, code="reduce_amplitude", resolved_at=None)
    with translation.override("de"):
        words = flag_words(alice, [flag])[flag.pk]
    assert words.explanation == "[de] " + flag.explanation
    english = flag_words(alice, [flag])[flag.pk]
    assert (english.title, english.explanation) == (flag.title, flag.explanation)
