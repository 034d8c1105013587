"""The therapy's own outcome logged on a phone (issue 24) at 390 x 844, in a few taps: a
sacral bladder patient (the voiding diary, with the clinic's 'Bladder diary: day 2 of 3'), a
sacral bowel patient and an SCS patient (pain tiles); a hostile value is refused next to its
field."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from diary.models import DailyOutcome
from tests.browser.conftest import (
    PHONE,
    horizontal_overflow,
    log_in,
    serious_accessibility_violations,
    small_tap_targets,
)
from tests.factories import make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_outcome(page) -> None:
    assert page.viewport_size == PHONE  # 390 x 844
    page.locator("#outcome-link").tap()
    expect(page).to_have_url(re.compile(r"/diary/outcome/$"))
    assert horizontal_overflow(page) <= 0
    assert small_tap_targets(page) == []
    assert serious_accessibility_violations(page) == []


def test_a_sacral_bladder_patient_logs_the_day_of_their_bladder_diary(open_page) -> None:
    patient = make_patient("pat", timezone="Europe/Amsterdam")
    patient.outcome_diary_start = patient.local_now().date() - timedelta(days=1)
    patient.save()
    page = open_page()
    log_in(page, "pat")
    expect(page.locator("#outcome-diary-day")).to_have_text("Bladder diary: day 2 of 3")
    open_outcome(page)
    page.get_by_label("Leaks").fill("2")
    page.get_by_label("Toilet visits").fill("9")
    page.get_by_role("button", name="Save").tap()
    expect(page).to_have_url(re.compile(r"/diary/$"))
    expect(page.get_by_role("status").first).to_contain_text("Saved: your bladder diary")
    row = DailyOutcome.objects.get(patient=patient)
    assert (row.leaks, row.voids, row.urgency_episodes) == (2, 9, None)


def test_a_hostile_count_is_refused_next_to_its_field(open_page) -> None:
    make_patient("pat", timezone="Europe/Amsterdam")
    page = open_page()
    log_in(page, "pat")
    open_outcome(page)
    page.get_by_label("Toilet visits").fill("10000")
    page.get_by_role("button", name="Save").tap()
    error = page.locator("#id_voids_errors")
    expect(error).to_contain_text("Enter a whole number from 0 to 60")
    assert serious_accessibility_violations(page) == []
    assert not DailyOutcome.objects.exists()


def test_a_sacral_bowel_patient_logs_accidents(open_page) -> None:
    patient = make_patient("pat", timezone="Europe/Amsterdam")
    patient.sacral_indication = "bowel"
    patient.save()
    page = open_page()
    log_in(page, "pat")
    expect(page.locator("#outcome-heading")).to_have_text("Bowel diary")
    open_outcome(page)
    page.get_by_label("Bowel accidents").fill("1")
    page.get_by_role("button", name="Save").tap()
    expect(page).to_have_url(re.compile(r"/diary/$"))
    assert DailyOutcome.objects.get(patient=patient).bowel_incontinence_episodes == 1


def test_an_scs_patient_logs_pain_in_three_taps(open_page) -> None:
    patient = make_patient("pat", timezone="Europe/Amsterdam", therapy="spinal_cord")
    page = open_page()
    log_in(page, "pat")
    open_outcome(page)
    average = page.locator("fieldset", has_text="Average pain today")
    worst = page.locator("fieldset", has_text="Worst pain today")
    expect(average.locator("label.btn")).to_have_count(12)  # Skip, 0 ... 10
    average.get_by_text("4", exact=True).tap()
    worst.get_by_text("7", exact=True).tap()
    page.get_by_role("button", name="Save").tap()
    expect(page).to_have_url(re.compile(r"/diary/$"))
    row = DailyOutcome.objects.get(patient=patient)
    assert (row.pain_average, row.pain_worst) == (4, 7)


def test_an_scs_patient_gives_todays_pain_in_one_tap_on_the_home_page(open_page) -> None:
    patient = make_patient("pat", timezone="Europe/Amsterdam", therapy="spinal_cord")
    page = open_page()
    assert page.viewport_size == PHONE
    log_in(page, "pat")
    question = page.locator("#pain-question")
    tiles = question.locator("button")
    expect(tiles).to_have_count(11)  # 0 ... 10
    for box in (tiles.nth(i).bounding_box() for i in range(11)):
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert horizontal_overflow(page) <= 0
    assert small_tap_targets(page) == []
    question.get_by_role("button", name="Average pain 3 of 10").tap()  # the one tap
    expect(page).to_have_url(re.compile(r"/diary/$"))
    expect(page.get_by_role("status").first).to_contain_text("Saved: your pain diary")
    expect(page.locator("#pain-question")).to_have_count(0)
    assert DailyOutcome.objects.get(patient=patient).pain_average == 3
