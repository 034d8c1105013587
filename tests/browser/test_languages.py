"""A patient's pages in Spanish and in Arabic (right to left) on a phone, and a clinician's
patient page and visit-summary PDF in German on a laptop: in the chosen language, readable,
and axe-clean."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import LanguagePreference
from tests.browser.conftest import (
    horizontal_overflow,
    log_in,
    screenshot,
    serious_accessibility_violations,
)
from tests.browser.test_clinician import patient_with_active_cramps
from tests.factories import make_clinician
from tests.i18n.test_pages_in_arabic import english_left

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words of the English list that the language writes too.
SHARED = {"es": frozenset({"no"}), "ar": frozenset(), "de": frozenset({"was"})}
PATIENT_PAGES = {
    "home": "/diary/",
    "cramp": "/diary/cramp/",
    "history": "/diary/history/",
    "settings": "/settings/reminders/",
}


def read_in(page: Page, url: str, language: str) -> str:
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("load")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    assert serious_accessibility_violations(page) == [], url
    assert horizontal_overflow(page) <= 0, url
    return page.locator("body").inner_text()


@pytest.mark.parametrize("language", ["es", "ar"])
def test_a_patients_pages_in_spanish_and_arabic_on_a_phone(open_page, language: str) -> None:
    patient = patient_with_active_cramps("alice")
    LanguagePreference.objects.create(user=patient.user, language=language)
    page = open_page()
    log_in(page, "alice")
    for name, url in PATIENT_PAGES.items():
        text = read_in(page, url, language)
        english = english_left(text, ["alice", "StimDiary"], SHARED[language])
        assert not english, f"{url}: {english}"
        screenshot(page, f"language-{language}-{name}")
    if language == "ar":
        # Right to left: the brand sits at the right, the menu at the left.
        brand = page.locator(".navbar-brand").bounding_box()
        assert brand is not None and brand["x"] > 390 / 2


def test_a_clinicians_patient_page_and_pdf_in_german(open_page) -> None:
    alice = patient_with_active_cramps("alice")
    lee = make_clinician("dr.lee", patients=(alice,))
    LanguagePreference.objects.create(user=lee, language="de")
    page = open_page(phone=False)
    log_in(page, "dr.lee")
    text = read_in(page, f"/clinic/patients/{alice.pk}/", "de")
    english = english_left(text, ["alice", "StimDiary"], SHARED["de"])
    assert not english, english
    screenshot(page, "language-de-clinician-patient")

    response = page.request.get(f"/insights/patients/{alice.pk}/visit-summary.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    assert len(reader.pages) == 1
    pdf_text = " ".join(reader.pages[0].extract_text().split())
    assert not english_left(pdf_text, ["alice", "StimDiary"], SHARED["de"])
