"""The cramp-details page on a phone: "Done" saves what was tapped (issue 28, item 2). Side and
site feed the lead-migration rule, so an answer lost behind a plain link is a clinical loss."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from diary.models import CrampEpisode, Patient
from tests.browser.conftest import PHONE, horizontal_overflow, log_in, small_tap_targets
from tests.factories import log_cramp, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT = "We kept what you typed last time"


def data_version(patient: Patient) -> int:
    return Patient.objects.values_list("data_version", flat=True).get(pk=patient.pk)


def test_right_foot_and_done_are_saved_and_shown_in_history(open_page) -> None:
    patient = make_patient("pat", timezone="Europe/Amsterdam")
    page = open_page()
    assert page.viewport_size == PHONE  # 390 x 844
    log_in(page, "pat")
    page.goto("/diary/cramp/")
    page.get_by_role("button", name="Severity 6", exact=True).click()
    expect(page).to_have_url(re.compile(r"/diary/episodes/\d+/$"))
    episode = CrampEpisode.objects.get(night__patient=patient)
    before = data_version(patient)

    page.get_by_text("Right", exact=True).click()
    page.get_by_text("Foot", exact=True).click()
    assert horizontal_overflow(page) <= 0
    assert small_tap_targets(page) == []
    # A double tap, as a half-awake thumb gives: saved once.
    page.get_by_role("button", name="Done").dblclick()
    expect(page).to_have_url(re.compile(r"/diary/$"))
    expect(page.get_by_role("status").first).to_contain_text("Cramp details saved")
    episode.refresh_from_db()
    assert (episode.side, episode.site) == ("right", "foot")
    assert data_version(patient) == before + 1

    page.goto("/diary/history/")
    expect(page.locator("article.card").first).to_contain_text("right foot")

    # Back on the cramp's page: the saved answers, and no draft offered as unsent.
    page.goto(f"/diary/episodes/{episode.pk}/")
    expect(page.locator("#id_side_1")).to_be_checked()
    expect(page.locator("#id_site_1")).to_be_checked()
    expect(page.get_by_text(KEPT)).to_have_count(0)
    assert page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('stimdiary:draft:'))"
    ) == []


def test_done_with_nothing_chosen_goes_home_and_says_nothing_was_saved(open_page) -> None:
    patient = make_patient("pat", timezone="Europe/Amsterdam")
    episode = log_cramp(patient, timezone.now() - timedelta(hours=1), severity=3)
    before = data_version(patient)
    page = open_page()
    log_in(page, "pat")
    page.goto(f"/diary/episodes/{episode.pk}/")
    page.get_by_role("button", name="Done").click()
    expect(page).to_have_url(re.compile(r"/diary/$"))
    expect(page.get_by_text("Cramp details saved")).to_have_count(0)
    assert data_version(patient) == before
    page.goto(f"/diary/episodes/{episode.pk}/")
    expect(page.get_by_text(KEPT)).to_have_count(0)


def test_details_tapped_with_no_connection_wait_on_the_phone_and_are_sent(open_page) -> None:
    patient = make_patient("pat", timezone="Europe/Amsterdam")
    episode = log_cramp(patient, timezone.now() - timedelta(hours=1), severity=3)
    page = open_page()
    log_in(page, "pat")
    page.goto(f"/diary/episodes/{episode.pk}/")

    page.context.set_offline(True)
    page.get_by_text("Right", exact=True).click()
    page.get_by_text("Foot", exact=True).click()
    page.get_by_text("Stretching", exact=True).click()
    page.get_by_text("Heat", exact=True).click()
    page.get_by_role("button", name="Done").click()
    notice = page.locator("#outbox-notice")
    expect(notice).to_contain_text("The details of 1 cramp are waiting to send")
    # Tapped again: still one entry waiting, not two.
    page.get_by_role("button", name="Done").click()
    expect(notice).to_contain_text("The details of 1 cramp are waiting to send")
    assert len(page.evaluate("window.stimdiaryOutbox.entries()")) == 1
    episode.refresh_from_db()
    assert episode.side == ""

    page.context.set_offline(False)
    page.evaluate("window.stimdiaryOutbox.flush()")
    expect(notice).to_contain_text("Sent: the details of 1 cramp", timeout=15_000)
    episode.refresh_from_db()
    assert (episode.side, episode.site) == ("right", "foot")
    assert episode.relieved_by == ["stretching", "heat"]


def test_details_the_server_refuses_after_offline_say_so_and_save_nothing(open_page) -> None:
    patient = make_patient("pat", timezone="Europe/Amsterdam")
    episode = log_cramp(patient, timezone.now() - timedelta(hours=1), severity=3)
    page = open_page()
    log_in(page, "pat")
    page.goto(f"/diary/episodes/{episode.pk}/")
    page.context.set_offline(True)
    page.get_by_text("Right", exact=True).click()
    page.get_by_label("When did it start?").fill("2099-01-01T02:00")
    page.get_by_role("button", name="Done").click()
    notice = page.locator("#outbox-notice")
    expect(notice).to_contain_text("waiting to send")

    page.context.set_offline(False)
    page.evaluate("window.stimdiaryOutbox.flush()")
    expect(notice).to_contain_text("The details of a cramp were not saved", timeout=15_000)
    expect(notice).to_contain_text("future")
    episode.refresh_from_db()
    assert episode.side == ""
