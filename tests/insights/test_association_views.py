"""The page, the PDF and `analyze --json` say the same about settings and cramps, and the
before/after table leads the page."""

from __future__ import annotations

import html
import io
import json
from datetime import timedelta

from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from insights import pdf
from insights.data import today_for
from tests.factories import change_settings, local, log_nights


def reduced_because_of_cramps(patient) -> None:
    today = today_for(patient)
    first = today - timedelta(days=40)
    log_nights(patient, first, [0] * 10 + [1, 1, 0, 1, 1, 0, 1, 1, 1, 1] + [1, 0] * 10)
    change_settings(patient, local(patient, first + timedelta(days=20), 12), amplitude="1.5",
                    reason="reduce_amplitude")


def analyze_json(username: str) -> dict:
    out = io.StringIO()
    call_command("analyze", username, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_page_leads_with_before_after_and_says_what_the_json_says(
    lee_client, alice
) -> None:
    cache.clear()
    reduced_because_of_cramps(alice)
    result = analyze_json("alice")
    sentence = result["correlation_sentences"]["amplitude"]["sentence"]
    assert "made because of cramps" in sentence and result["correlations"]["amplitude"]["p"] is None
    [change] = result["before_after"]
    assert change["made_because_of_cramps"]

    response = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert sentence in page
    assert "Made because of cramps" in page
    before_after = page.index("Before and after each settings change")
    assert before_after < page.index("Settings and cramps over the whole diary")
    assert before_after < page.index('class="chart-img')


def test_the_pdf_prints_the_same_sentences(lee_client, alice, monkeypatch) -> None:
    cache.clear()
    reduced_because_of_cramps(alice)
    printed: list[str] = []
    real = pdf.association_sentences

    def spy(analysis):
        printed.extend(real(analysis))
        return printed

    monkeypatch.setattr(pdf, "association_sentences", spy)
    response = lee_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    sentences = analyze_json("alice")["correlation_sentences"]
    assert printed == [s["sentence"] for s in sentences.values()]


def test_the_page_and_the_json_name_the_measure_and_give_the_burdens_too(
    lee_client, alice
) -> None:
    cache.clear()
    reduced_because_of_cramps(alice)
    result = analyze_json("alice")
    assert result["correlations"]["amplitude"]["measure"] == "cramp_night_rate"
    by_count = result["correlations_cramps_per_night"]["amplitude"]
    assert by_count["measure"] == "cramps_per_night"
    response = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Measured by the share of cramp nights" in page
    assert 'id="association-by-burden"' in page
    assert by_count["sentence"] in page
