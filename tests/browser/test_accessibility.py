"""axe-core on every main page, by day and at night: no serious or critical finding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import log_in, serious_accessibility_violations
from tests.browser.test_clinician import patient_with_active_cramps
from tests.factories import log_cramp, make_clinician, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_pages(page, urls: list[str]) -> dict[str, list[str]]:
    findings = {}
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.ok, url
        page.wait_for_load_state("load")
        violations = serious_accessibility_violations(page)
        if violations:
            findings[url] = violations
    return findings


@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
def test_the_patient_pages_pass_the_accessibility_check(open_page, colour_scheme: str) -> None:
    patient = make_patient("pat")
    episode = log_cramp(patient, timezone.now() - timedelta(hours=20), severity=4)
    page = open_page(colour_scheme=colour_scheme)
    assert check_pages(page, ["/accounts/login/"]) == {}
    log_in(page, "pat")
    urls = [
        "/diary/",
        "/diary/cramp/",
        f"/diary/episodes/{episode.pk}/",
        f"/diary/nights/{episode.night_id}/",
        "/diary/nights/new/",
        "/diary/history/",
        "/diary/remote/",
        "/diary/medications/",
        "/accounts/password/",
    ]
    assert check_pages(page, urls) == {}


@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
def test_the_clinician_pages_pass_the_accessibility_check(open_page, colour_scheme: str) -> None:
    alice = patient_with_active_cramps("alice")
    make_clinician("dr.lee", patients=(alice,))
    page = open_page(phone=False, colour_scheme=colour_scheme)
    log_in(page, "dr.lee")
    urls = [
        "/clinic/",
        f"/clinic/patients/{alice.pk}/",
        f"/clinic/patients/{alice.pk}/program/",
        f"/clinic/patients/{alice.pk}/planned-trial/",
        "/clinic/patients/new/",
        "/accounts/password/",
        "/accounts/two-factor/",
        "/insights/ladder/",
    ]
    assert check_pages(page, urls) == {}
