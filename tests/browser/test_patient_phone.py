"""A patient on a phone, half awake: two taps for a cramp, one for a cramp-free night."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from diary.models import CrampEpisode, Night
from tests.browser.conftest import (
    horizontal_overflow,
    log_in,
    screenshot,
    small_tap_targets,
    zone_where_local_hour_is,
)
from tests.factories import log_cramp, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_logs_a_cramp_in_two_taps_and_a_cramp_free_night_in_one(open_page) -> None:
    # Afternoon where the patient lives: a cramp logged now belongs to tonight, so last night
    # is still open for its one-tap "no cramps".
    zone = zone_where_local_hour_is(range(13, 18))
    patient = make_patient("pat", timezone=zone)
    page = open_page(zone=zone)
    log_in(page, "pat")

    expect(page).to_have_url(re.compile(r"/diary/$"))
    assert horizontal_overflow(page) <= 0
    assert small_tap_targets(page) == []

    page.get_by_role("link", name="Log a cramp").click()
    expect(page).to_have_url(re.compile(r"/diary/cramp/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert small_tap_targets(page) == []
    # The whole severity scale is on the first screen, no scrolling needed.
    last = page.get_by_role("button", name="Severity 10, the worst").bounding_box()
    assert last is not None and last["y"] + last["height"] <= 844

    page.get_by_role("button", name="Severity 6", exact=True).click()
    expect(page).to_have_url(re.compile(r"/diary/episodes/\d+/$"))
    expect(page.get_by_role("status").first).to_contain_text("Cramp saved")
    episode = CrampEpisode.objects.get(night__patient=patient)
    assert episode.severity == 6
    assert abs(episode.started_at - timezone.now()) < timedelta(minutes=5)
    assert horizontal_overflow(page) <= 0
    assert small_tap_targets(page) == []

    page.get_by_role("button", name="Done").click()  # nothing chosen: home, nothing saved
    page.get_by_role("button", name="No cramps last night").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved: no cramps")
    cramp_free = Night.objects.get(patient=patient, episodes__isnull=True)
    assert cramp_free.date == timezone.now().astimezone(patient.tz).date() - timedelta(days=1)
    assert cramp_free.checked_in_at is not None


def test_every_patient_page_fits_a_phone_screen_with_large_targets(open_page) -> None:
    patient = make_patient("pat", timezone="Europe/Amsterdam")
    episode = log_cramp(patient, timezone.now() - timedelta(hours=20), severity=4)
    page = open_page()
    log_in(page, "pat")
    pages = [
        "/diary/",
        "/diary/cramp/",
        f"/diary/episodes/{episode.pk}/",
        f"/diary/nights/{episode.night_id}/",
        "/diary/nights/new/",
        "/diary/history/",
        "/diary/remote/",
        "/diary/medications/",
    ]
    problems = {}
    for url in pages:
        page.goto(url)
        overflow = horizontal_overflow(page)
        small = small_tap_targets(page)
        if overflow > 0 or small:
            problems[url] = {"overflow_px": overflow, "small_targets": small}
    assert problems == {}


def test_the_diary_is_dark_at_night_in_the_patients_own_time_zone(open_page) -> None:
    zone = zone_where_local_hour_is(range(1, 5))
    patient = make_patient("pat", timezone=zone)
    night_before = timezone.now().astimezone(patient.tz) - timedelta(days=1)
    log_cramp(patient, night_before.replace(hour=2, minute=40), severity=5)
    # The phone itself asks for nothing: the dark comes from the patient's clock.
    page = open_page(colour_scheme="light", zone=zone)
    log_in(page, "pat")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(11, 13, 16)"
    screenshot(page, "patient-home-night")
    page.get_by_role("link", name="Log a cramp").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    screenshot(page, "patient-cramp-log")


def test_the_diary_is_light_by_day_unless_the_phone_asks_for_dark(open_page) -> None:
    zone = zone_where_local_hour_is(range(10, 17))
    make_patient("pat", timezone=zone)
    light = open_page(colour_scheme="light", zone=zone)
    log_in(light, "pat")
    expect(light.locator("html")).to_have_attribute("data-bs-theme", "light")

    dark = open_page(colour_scheme="dark", zone=zone)
    log_in(dark, "pat")
    expect(dark.locator("html")).to_have_attribute("data-bs-theme", "dark")


def test_the_diary_can_be_installed_to_the_home_screen(open_page) -> None:
    make_patient("pat")
    page = open_page()
    log_in(page, "pat")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(href)
    assert manifest.ok
    data = manifest.json()
    assert data["start_url"] == "/diary/"
    assert data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        response = page.request.get(icon["src"])
        assert response.ok
        assert response.headers["content-type"] == "image/png"
