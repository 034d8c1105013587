"""A flag's evidence in words, and each flag's link to its written rule."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from insights.evidence import (
    RULE_CONDITION_WORDS,
    RULE_SOURCES,
    dates_in_words,
    evidence_in_words,
    ladder_doc_text,
    rule_anchor,
    rule_conditions,
    rule_headings,
)
from insights.ladder import evaluate
from insights.models import Flag
from tests.insights.builders import day, nights_from, patient
from tests.insights.test_views import cramps_lately


def test_the_ladders_evidence_reads_as_sentences_without_raw_keys() -> None:
    counts = [0] * 20 + [1, 0, 2, 0, 1]
    [flag] = evaluate(patient(nights_from(day(0), counts))).flags
    lines = evidence_in_words(flag.evidence.as_json())
    assert lines[0] == "3 of the last 14 logged nights had cramps."
    assert not any("cramp_night_rate" in line or "_" in line for line in lines)
    assert lines[-1].startswith("The nights it rests on: ")


def test_an_unknown_rate_is_written_readably() -> None:
    lines = evidence_in_words({"rates": {"with_lumbar_support": 0.25}, "notes": []})
    assert lines == ["With lumbar support: 25%."]


def test_a_known_rate_without_a_note_is_a_sentence() -> None:
    lines = evidence_in_words({"rates": {"cramp_night_rate_last_14": 5 / 14}})
    assert lines == ["36% of the last 14 logged nights had cramps."]


def test_settings_changes_and_other_keys_are_words() -> None:
    lines = evidence_in_words({
        "changes": ["2026-03-04: Amplitude 1.5 → 1 mA"], "movement_nights": [1, 2],
    })
    assert lines == [
        "Settings change from the night of 4 Mar 2026: Amplitude 1.5 → 1 mA.",
        "Movement nights: 1, 2.",
    ]
    assert evidence_in_words({}) == [] and evidence_in_words(None) == []


def test_many_nights_show_the_latest_and_say_how_many() -> None:
    nights = [day(i).isoformat() for i in range(20)]
    text = dates_in_words(nights)
    assert text.endswith("(the latest 8 of 20)") and " and " in text


def test_every_rule_of_the_ladder_has_a_section_with_a_quoted_source() -> None:
    text = ladder_doc_text()
    headings = rule_headings(text)
    for code in ("reduce_amplitude", "reprogram", "possible_lead_migration",
                 "device_off_relief", "rule_out_other_causes", "trial_phase", "therapy_loss"):
        assert code in headings
        section = text.split(headings[code], 1)[1].split("\n### ", 1)[0]
        assert re.search(r'^> "', section, re.M), f"{code}: no quoted source sentence"
    assert rule_anchor("reduce_amplitude") == "rule-reduce_amplitude"
    assert rule_anchor("not_a_rule") == "rules"


def test_each_rule_quotes_for_clinicians_what_the_document_quotes() -> None:
    # One set of source sentences: the clinician's page and the PDF quote only sentences the
    # ladder document quotes from the same source, and every rule in its table has some.
    text = " ".join(ladder_doc_text().replace(">", " ").split())
    assert set(rule_conditions()) == set(RULE_SOURCES)
    for code, quotes in RULE_SOURCES.items():
        assert quotes, code
        for quote in quotes:
            assert " ".join(quote.text.split()) in text, f"{code}: {quote.text[:40]}"


def test_each_rules_condition_in_the_code_is_the_documents_word_for_word() -> None:
    # The document's rule table is the record; the code's copy is what gets translated.
    with translation.override("en"):
        in_code = {code: str(words) for code, words in RULE_CONDITION_WORDS.items()}
    assert in_code == {code: when for code, (_step, when) in rule_conditions().items()}


@pytest.mark.django_db
def test_the_rules_page_states_each_condition_in_the_readers_language(lee_client) -> None:
    lee_client.cookies["django_language"] = "de"
    response = lee_client.get(reverse("insights:ladder-rules"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "aktive Krämpfe, und die Amplitude wurde seit Beginn der Krämpfe nicht" in page
    with translation.override("en"):
        english = [str(words) for words in RULE_CONDITION_WORDS.values()]
    assert not [text[:40] for text in english if text in page]
    assert 'lang="en"' not in page


@pytest.mark.django_db
def test_the_rules_page_shows_the_document_with_each_rules_anchor(lee_client) -> None:
    response = lee_client.get(reverse("insights:ladder-rules"))
    assert response.status_code == 200
    for code in rule_headings(ladder_doc_text()):
        assert f'id="{rule_anchor(code)}"' in response.content.decode()
    assert b"first-line approach" in response.content


@pytest.mark.django_db
def test_patients_and_visitors_do_not_get_the_rules_page(alice_client, client) -> None:
    url = reverse("insights:ladder-rules")
    assert alice_client.get(url).status_code == 302
    assert client.get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_each_flag_on_the_patient_page_shows_words_and_links_its_rule(lee_client, alice) -> None:
    cramps_lately(alice)
    flag = Flag.objects.get(patient=alice, code="reduce_amplitude")
    response = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "4 of the last 6 logged nights had cramps." in body
    assert "cramp_night_rate_last_14" not in body and "cramprate" not in body
    assert f'{reverse("insights:ladder-rules")}#rule-reduce_amplitude' in body
    assert flag.evidence["rates"]["cramp_night_rate_last_14"] is not None  # data could leak
