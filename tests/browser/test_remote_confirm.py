"""On a phone, the remote form asks before saving 25 mA for a sacral patient at 1.5 mA."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from programming.models import SettingsRecord
from tests.browser.conftest import horizontal_overflow, log_in, screenshot, small_tap_targets
from tests.factories import make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_remote_form_asks_before_saving_25_ma_for_a_sacral_patient_at_1_5(open_page) -> None:
    patient = make_patient("pat", therapy="sacral", amplitude="1.5")
    page = open_page()
    page.set_default_timeout(30_000)  # a shared, busy test machine
    log_in(page, "pat")
    page.goto("/diary/remote/")
    page.get_by_label("Amplitude now (mA)").fill("25")
    page.get_by_role("button", name="Save the change").click()

    warning = page.get_by_role("alert").filter(has_text="Please check the amplitude")
    expect(warning).to_contain_text("25 mA is above the usual range for sacral nerve stimulation")
    expect(warning).to_contain_text("a big jump from 1.5 mA")
    expect(warning).to_contain_text("Nothing has been saved yet.")
    assert SettingsRecord.objects.for_patient(patient).count() == 1
    assert horizontal_overflow(page) <= 0
    assert small_tap_targets(page) == []
    warning.scroll_into_view_if_needed()
    screenshot(page, "i13-remote-confirm-25mA-phone")
    screenshot(page, "i13-remote-confirm-25mA-phone-full", full_page=True)

    page.get_by_label("Yes, this is right: 25 mA").check()
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    latest = SettingsRecord.objects.for_patient(patient).latest("effective_at")
    assert (latest.amplitude, latest.reason) == (Decimal("25.00"), "increase_amplitude")
