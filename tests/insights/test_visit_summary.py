"""The visit summary PDF, read back as text: who, which period, each flag's evidence in words
and its acknowledgement, the changes, the medicines, on one page."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from diary.services import medication_create
from insights import charts
from insights.data import cached_analysis, today_for
from insights.evidence import evidence_in_words
from insights.models import Flag, FlagAcknowledgement
from insights.pdf import A4, Block, paginate, visit_summary_pdf
from tests.factories import log_nights


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def with_cramps(patient) -> None:
    today = today_for(patient)
    log_nights(patient, today - timedelta(days=30), [0] * 20 + [1, 0, 2, 1, 0, 1, 1, 0, 2, 1])


def test_the_summary_names_the_patient_the_period_and_each_flags_evidence(
    lee_client, dr_lee, alice
) -> None:
    alice.display_name, alice.record_number = "A. Zyxwood", "MRN-40417"
    alice.save(update_fields=["display_name", "record_number"])
    with_cramps(alice)
    medication_create(patient=alice, name="Prednisone", category="steroid",
                      started_on=today_for(alice) - timedelta(days=40))
    flag = Flag.objects.get(patient=alice, code="reduce_amplitude")
    FlagAcknowledgement.objects.create(
        flag=flag, acknowledged_by=dr_lee, acknowledged_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        note="Reduce at the visit", fingerprint=flag.fingerprint,
    )
    response = lee_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 200
    text, pages = pdf_text(response.content)
    assert pages == 1
    for expected in ("Visit summary: A. Zyxwood", "Record MRN-40417", "Username alice"):
        assert expected in text
    first, last = charts.timeline_window(cached_analysis(alice), charts.TIMELINE_NIGHTS)
    assert f"the nights of {first.day} {first:%b %Y} to {last.day} {last:%b %Y}" in text
    assert "nights logged" in text and "printed " in text
    for line in evidence_in_words(flag.evidence):
        assert " ".join(line.split()) in text
    assert "Acknowledged by dr.lee" in text and "Reduce at the visit" in text
    assert "“Reducing the amplitude of stimulation is the first-line approach" in text
    assert "Prednisone" in text and "Steroid" in text and "still taking" in text
    assert "Decision support only: the clinician decides." in text
    assert "cramp_night_rate" not in text


def test_the_summary_of_another_patient_holds_none_of_alices_identifiers(
    lee_client, alice, carmen
) -> None:
    alice.display_name, alice.record_number = "A. Zyxwood", "MRN-40417"
    alice.save(update_fields=["display_name", "record_number"])
    with_cramps(alice)
    response = lee_client.get(reverse("insights:visit-summary", args=[carmen.pk]))
    text, pages = pdf_text(response.content)
    assert response.status_code == 200 and pages == 1
    assert "Visit summary: carmen" in text
    assert "Zyxwood" not in text and "MRN-40417" not in text
    assert "Medicines: none recorded." in text and "No settings change yet." in text


def test_the_print_time_is_on_the_patients_clock_as_the_page_shows_times(
    settings, alice
) -> None:
    settings.TIME_ZONE = "UTC"
    alice.timezone = "Europe/Amsterdam"
    alice.save(update_fields=["timezone"])
    now = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    text, _ = pdf_text(visit_summary_pdf(alice, now=now))
    assert "printed 2 Jul 2026 00:30" in text and "times in Europe/Amsterdam" in text


def test_a_long_history_goes_on_to_a_second_page_without_splitting_a_block() -> None:
    blocks = [Block(1.0, lambda fig, top: None) for _ in range(14)]
    pages = paginate(blocks)
    assert len(pages) == 2
    for page in pages:
        assert all(top + block.height <= A4[1] - 0.5 for block, top in page)


def test_a_heading_never_ends_a_page() -> None:
    blocks = [Block(1.0, lambda fig, top: None) for _ in range(10)]
    blocks.append(Block(0.3, lambda fig, top: None, keep_with_next=True))  # fits alone
    blocks.append(Block(0.8, lambda fig, top: None))  # does not fit after it
    pages = paginate(blocks)
    assert len(pages) == 2 and pages[1][0][0] is blocks[10]


def test_drawing_the_summary_writes_nothing_to_the_log_at_info(alice, lee_client, caplog):
    # fontTools, under matplotlib's PDF backend, logs every glyph it subsets at INFO: the
    # letters of the patient's summary, a hundred lines a download.
    log_nights(alice, today_for(alice) - timedelta(days=14), [1, 0, 2, 0, 1, 0, 0] * 2)
    with caplog.at_level(logging.INFO):
        response = lee_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 200
    assert [r.name for r in caplog.records if r.name.startswith("fontTools")] == []
