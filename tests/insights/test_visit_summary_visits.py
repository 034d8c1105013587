"""The visit summary PDF prints the last programming visit (issue 25) beside the ladder that
reads it: its configurations, thresholds and responses, and the visit-based reason in words."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from programming.services import visit_record_create


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())


def test_the_summary_prints_the_last_visit_and_the_reason_it_gives(
    alice, dr_lee, lee_client
) -> None:
    cache.clear()
    device = alice.devices.get()
    for days, motor, responses in ((40, "1.2", ["great_toe"]), (2, "2.6", ["foot_calf"])):
        visit_record_create(
            device=device, visited_at=timezone.now() - timedelta(days=days), clinician=dr_lee,
            configurations=[
                {"electrodes": "0-3+", "amplitude_unit": "mA", "amplitude": Decimal("1.5"),
                 "pulse_width_us": 210, "frequency_hz": Decimal("14"),
                 "sensory_threshold": Decimal("0.8"), "motor_threshold": Decimal(motor),
                 "felt_at": "Zq perineum", "responses": responses},
                {"electrodes": "1-2+", "amplitude_unit": "mA",
                 "motor_threshold": Decimal("1.9"), "responses": ["bellows"]},
            ],
        )
    alice.refresh_from_db()
    response = lee_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Last programming visit:" in text
    assert "Zq perineum" in text and "2.6 mA" in text and "Whole foot / calf" in text
    assert "1.5 mA · 210 µs · 14 Hz" in text
    assert "Possible lead migration" in text
    assert "Motor threshold on 0-3+ rose from 1.2 to 2.6 mA between the visits of" in text
    assert "Motor response on 0-3+ moved from great toe to whole foot / calf" in text


def test_a_summary_with_no_visit_prints_no_visit_section(alice, dr_lee, lee_client) -> None:
    cache.clear()
    response = lee_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 200
    assert "Last programming visit" not in pdf_text(response.content)
