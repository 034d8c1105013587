"""Typed in a Dutch browser, "1,5" on the remote form is saved as 1.5 mA, never as 15."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from programming.models import SettingsRecord
from tests.browser.conftest import log_in
from tests.factories import make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_decimal_comma_typed_on_the_phone_is_saved_as_a_decimal(open_page) -> None:
    patient = make_patient("pat", therapy="sacral", amplitude="2.0")
    page = open_page()
    page.set_default_timeout(30_000)  # a shared, busy test machine
    log_in(page, "pat")
    page.goto("/diary/remote/")
    amplitude = page.get_by_label("Amplitude now (mA)")
    amplitude.fill("")
    # Key by key, as a person types: Chromium's <input type="number"> dropped the comma here
    # and sent 15.
    amplitude.press_sequentially("1,5")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved.")
    latest = SettingsRecord.objects.for_patient(patient).latest("effective_at")
    assert (latest.amplitude, latest.reason) == (Decimal("1.50"), "reduce_amplitude")
