"""A clinician records a programming visit on a laptop (1366x768), by keyboard where it counts:
three configurations, the second left in place, which becomes the current settings; the visit
page shows it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from programming.models import ProgrammingVisit, SettingsRecord
from tests.browser.conftest import (
    horizontal_overflow,
    log_in,
    screenshot,
    serious_accessibility_violations,
)
from tests.factories import make_clinician, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    ("0-3+", "1.4", "0.8", "1.2", "perineum", ["Bellows", "Great toe"]),
    ("1-2+", "1.6", "1.0", "1.7", "vagina", ["Bellows"]),
    ("2-3+", "2.1", "1.5", "2.6", "left calf", ["Whole foot / calf"]),
]


def test_a_clinician_records_a_visit_with_three_configurations(open_page) -> None:
    alice = make_patient("alice", timezone="Europe/Amsterdam")
    make_clinician("dr.lee", patients=(alice,))
    page = open_page(phone=False)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "dr.lee")
    page.goto(f"/clinic/patients/{alice.pk}/")
    page.get_by_role("link", name="Record a visit", exact=True).click()
    expect(page.get_by_role("heading", name="Record a programming visit")).to_be_visible()

    # Keyboard-first: the first row's electrodes, then Tab through the row.
    for index, (electrodes, amplitude, sensory, motor, felt, responses) in enumerate(ROWS):
        n = index + 1
        page.get_by_label(f"Row {n} electrodes").focus()
        page.keyboard.type(electrodes)
        page.keyboard.press("Tab")
        page.keyboard.type(amplitude)
        page.get_by_label(f"Row {n} sensory threshold").fill(sensory)
        page.get_by_label(f"Row {n} motor threshold").fill(motor)
        page.get_by_label(f"Row {n} felt where").fill(felt)
        row = page.get_by_role("group", name=f"Row {n} motor response")
        for response in responses:
            row.get_by_label(response, exact=True).check()
    page.get_by_label("Row 2 left in place").check()
    assert horizontal_overflow(page) <= 0
    assert serious_accessibility_violations(page) == []
    screenshot(page, "clinician-programming-visit")
    page.get_by_label("Row 3 felt where").focus()
    page.keyboard.press("Enter")  # Enter in a field saves, as the first button of the form

    expect(page).to_have_url(re.compile(rf"/clinic/patients/{alice.pk}/visits/\d+/$"))
    expect(page.get_by_text("Visit recorded.")).to_be_visible()
    left = page.get_by_role("region", name="Left in place")
    expect(left).to_contain_text("1.6 mA · 210 µs · 14 Hz")
    expect(left).to_contain_text("1-2+")
    table = page.get_by_role("table", name="Configurations tried")
    expect(table.get_by_role("row")).to_have_count(4)
    expect(table.get_by_role("row", name=re.compile("2-3\\+"))).to_contain_text("Whole foot / calf")
    assert serious_accessibility_violations(page) == []

    visit = ProgrammingVisit.objects.get()
    current = SettingsRecord.objects.for_patient(alice).current().timeline_order().last()
    assert visit.settings_record == current
    assert (current.amplitude, current.electrode_configuration) == (Decimal("1.6"), "1-2+")
    assert [c.left_in_place for c in visit.configurations.all()] == [False, True, False]

    page.get_by_role("link", name=f"Back to {alice.label}").click()
    expect(page.get_by_role("region", name="Current settings")).to_contain_text("1.6 mA")
    expect(page.get_by_role("link", name=re.compile("^Visit of "))).to_be_visible()
