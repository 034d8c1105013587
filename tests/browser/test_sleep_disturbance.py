"""The morning entry on a phone (issue 23): "How much did cramps disturb your sleep?" answered
with one tap on a 0-10 tile, at 390 x 844, then saved with the rest of the night."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from diary.models import Night
from tests.browser.conftest import PHONE, horizontal_overflow, log_in, small_tap_targets
from tests.factories import local, log_cramp, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "How much did cramps disturb your sleep?"


def test_the_patient_answers_the_sleep_question_in_one_tap(open_page) -> None:
    patient = make_patient("pat", timezone="Europe/Amsterdam")
    last_night = patient.last_completed_night()
    log_cramp(patient, local(patient, last_night + timedelta(days=1), 3), severity=6)
    page = open_page()
    assert page.viewport_size == PHONE  # 390 x 844
    log_in(page, "pat")
    page.get_by_role("link", name="Add how the day went").click()
    expect(page).to_have_url(re.compile(r"/diary/nights/\d+/$"))

    question = page.locator("fieldset", has_text=QUESTION)
    expect(question.locator("legend")).to_contain_text(QUESTION)
    expect(question.locator("input[type=range]")).to_have_count(0)  # tiles, not a slider
    tiles = question.locator("label.btn")
    expect(tiles).to_have_count(12)  # Skip, 0 ... 10
    for box in (tiles.nth(i).bounding_box() for i in range(12)):
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert horizontal_overflow(page) <= 0
    assert small_tap_targets(page) == []

    seven = question.get_by_text("7", exact=True)
    seven.tap()  # the one tap
    expect(question.locator("input[value='7']")).to_be_checked()
    expect(question.locator("input:checked")).to_have_count(1)

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/diary/$"))
    expect(page.get_by_role("status").first).to_contain_text("Night saved")
    night = Night.objects.get(patient=patient, date=last_night)
    assert night.sleep_disturbance == 7
    assert night.therapy_benefit is None and night.sleep_quality is None  # nothing else set
