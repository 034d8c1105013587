"""Cramps added to past nights from the phone land on those nights (issue 13)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from diary.models import CrampEpisode
from tests.browser.conftest import (
    horizontal_overflow,
    log_in,
    screenshot,
    small_tap_targets,
    zone_where_local_hour_is,
)
from tests.factories import make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cramps_added_to_six_nights_ago_and_to_last_night_land_on_those_nights(
    open_page,
) -> None:
    # Afternoon where the patient lives, so "last night" is plainly the night before today.
    zone = zone_where_local_hour_is(range(13, 18))
    patient = make_patient("pat", timezone=zone)
    last_night = patient.last_completed_night()
    six_ago = last_night - timedelta(days=5)  # six nights back from tonight
    page = open_page(zone=zone)
    page.set_default_timeout(30_000)  # a shared, busy test machine
    log_in(page, "pat")

    # The night six days ago, through "Log a missed night" on the home page.
    page.get_by_role("link", name="Log a missed night").click()
    page.get_by_label("Which night?").fill(six_ago.isoformat())
    page.get_by_role("button", name="I had cramps that night").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Add a cramp to the night of {six_ago:%A %-d %B}"
    )
    assert horizontal_overflow(page) <= 0
    assert small_tap_targets(page) == []
    screenshot(page, "i13-past-night-cramp-phone")
    page.get_by_role("button", name="Severity 6", exact=True).click()
    expect(page).to_have_url(re.compile(r"/diary/episodes/\d+/$"))
    expect(page.get_by_role("status").first).to_contain_text(
        f"Cramp saved to the night of {six_ago:%A %-d %B %Y}, at 03:00"
    )

    # Last night, from the home page's "I had cramps last night".
    page.goto("/diary/")
    page.get_by_role("link", name="I had cramps last night").click()
    page.get_by_role("button", name="Severity 4", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Cramp saved to the night of {last_night:%A %-d %B %Y}"
    )

    # And a second one to last night, from "Add a cramp to that night", at a time typed.
    page.goto("/diary/")
    page.get_by_role("link", name="Add a cramp to that night").click()
    page.get_by_label("When did it start?").fill(f"{last_night.isoformat()}T23:10")
    page.get_by_role("button", name="Severity 2", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("at 23:10")

    saved = {
        (e.night.date, e.severity, e.started_at.astimezone(patient.tz).strftime("%H:%M"))
        for e in CrampEpisode.objects.filter(night__patient=patient).select_related("night")
    }
    assert saved == {(six_ago, 6, "03:00"), (last_night, 4, "03:00"), (last_night, 2, "23:10")}

    page.goto("/diary/history/")
    cards = page.locator("article.card")
    last_card = cards.filter(has_text=f"{last_night:%a %-d %b %Y}")
    expect(last_card).to_contain_text("2 cramps")
    expect(last_card).to_contain_text("severity 4")
    six_card = cards.filter(has_text=f"{six_ago:%a %-d %b %Y}")
    expect(six_card).to_contain_text("1 cramp")
    expect(six_card).to_contain_text("time not given · severity 6")
    screenshot(page, "i13-history-after-past-nights", full_page=True)


def test_a_past_night_cramp_kept_offline_is_sent_to_that_night(open_page) -> None:
    zone = zone_where_local_hour_is(range(13, 18))
    patient = make_patient("pat", timezone=zone)
    night = patient.last_completed_night() - timedelta(days=3)
    page = open_page(zone=zone)
    page.set_default_timeout(30_000)
    log_in(page, "pat")
    page.goto(f"/diary/cramp/?night={night.isoformat()}")

    page.context.set_offline(True)
    page.get_by_role("button", name="Severity 5", exact=True).click()
    notice = page.locator("#outbox-notice")
    expect(notice).to_contain_text("1 cramp is waiting to send")
    assert not CrampEpisode.objects.filter(night__patient=patient).exists()

    page.context.set_offline(False)
    expect(notice).to_contain_text("Sent: 1 cramp", timeout=15_000)
    episode = CrampEpisode.objects.get(night__patient=patient)
    assert episode.night.date == night
    assert episode.started_at.astimezone(patient.tz).strftime("%H:%M") == "03:00"
