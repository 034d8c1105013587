"""Bad signal in the bedroom: nothing the patient typed or tapped is lost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from diary.models import CrampEpisode
from tests.browser.conftest import log_in
from tests.factories import log_cramp, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cramp_logged_offline_waits_on_the_phone_and_is_sent_when_back_online(
    open_page,
) -> None:
    patient = make_patient("pat")
    page = open_page()
    log_in(page, "pat")
    page.goto("/diary/cramp/")

    page.context.set_offline(True)
    page.get_by_role("button", name="Severity 7", exact=True).click()
    notice = page.locator("#outbox-notice")
    expect(notice).to_contain_text("1 cramp is waiting to send")
    assert CrampEpisode.objects.filter(night__patient=patient).count() == 0

    # A second cramp that same night is a cramp of its own, not a repeat of the first.
    page.get_by_role("button", name="Severity 3", exact=True).click()
    expect(notice).to_contain_text("2 cramps are waiting to send")

    page.context.set_offline(False)
    expect(notice).to_contain_text("Sent: 2 cramps", timeout=15_000)
    saved = CrampEpisode.objects.filter(night__patient=patient).order_by("severity")
    assert [e.severity for e in saved] == [3, 7]
    for episode in saved:
        assert abs(episode.started_at - timezone.now()) < timedelta(minutes=5)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('outbox'))") == []


def test_a_cramp_waiting_on_the_phone_is_sent_once_even_if_sent_twice(open_page) -> None:
    patient = make_patient("pat")
    page = open_page()
    log_in(page, "pat")
    page.goto("/diary/cramp/")
    page.context.set_offline(True)
    page.get_by_role("button", name="Severity 5", exact=True).click()
    expect(page.locator("#outbox-notice")).to_contain_text("1 cramp is waiting to send")
    queued = page.evaluate("window.stimdiaryOutbox.entries()")
    assert len(queued) == 1 and queued[0]["state"] == "waiting"

    page.context.set_offline(False)
    expect(page.locator("#outbox-notice")).to_contain_text("Sent: 1 cramp", timeout=15_000)
    # The connection dropped before the phone heard back: it sends the same cramp again.
    page.evaluate("entry => window.stimdiaryOutbox.put(entry)", queued[0])
    page.goto("/diary/")
    expect(page.locator("#outbox-notice")).to_contain_text("Sent: 1 cramp", timeout=15_000)
    assert CrampEpisode.objects.filter(night__patient=patient).count() == 1


def wait_for_service_worker(page) -> None:
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)


def test_the_diary_opens_with_no_connection_and_sends_what_was_logged(open_page) -> None:
    patient = make_patient("pat")
    page = open_page()
    log_in(page, "pat")
    page.goto("/diary/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    wait_for_service_worker(page)
    page.goto("/diary/cramp/")  # opened once with a connection: now kept on the phone
    # Written elsewhere after the copy was made: the page from the network would show it.
    log_cramp(patient, timezone.now() - timedelta(minutes=5), severity=2)

    page.context.set_offline(True)
    page.goto("/diary/")  # the app opened at night with no signal
    expect(page.get_by_role("link", name="Log a cramp")).to_be_visible()
    expect(page.get_by_text("Tonight so far")).to_have_count(0)  # the phone's own copy
    expect(page.get_by_role("button", name=re.compile("No cramps"))).to_be_visible()
    page.get_by_role("link", name="Log a cramp").click()
    page.get_by_role("button", name="Severity 6", exact=True).click()
    expect(page.locator("#outbox-notice")).to_contain_text("1 cramp is waiting to send")
    page.close()  # the app is closed; what waits is on the phone, not in the page

    page = page.context.new_page()
    page.context.set_offline(False)
    page.goto("/diary/")
    expect(page.locator("#outbox-notice")).to_contain_text("Sent: 1 cramp", timeout=15_000)
    saved = CrampEpisode.objects.filter(night__patient=patient).order_by("severity")
    assert [e.severity for e in saved] == [2, 6]


def test_an_entry_the_server_refuses_is_shown_with_its_reason_and_can_be_discarded(
    open_page,
) -> None:
    patient = make_patient("pat")
    page = open_page()
    log_in(page, "pat")
    page.goto("/diary/cramp/")
    page.context.set_offline(True)
    # A time far in the future: kept on the phone, refused by the server.
    page.evaluate(
        "document.querySelector('input[type=datetime-local]').value = '2099-01-01T02:00'"
    )
    page.get_by_role("button", name="Severity 4", exact=True).click()
    notice = page.locator("#outbox-notice")
    expect(notice).to_contain_text("1 cramp is waiting to send")

    page.context.set_offline(False)
    page.evaluate("window.stimdiaryOutbox.flush()")
    expect(notice).to_contain_text("was not saved", timeout=15_000)
    expect(notice).to_contain_text("future")
    assert CrampEpisode.objects.filter(night__patient=patient).count() == 0
    page.reload()  # still there after the page is opened again
    expect(page.locator("#outbox-notice")).to_contain_text("was not saved")
    page.get_by_role("button", name="Discard").click()
    expect(page.locator("#outbox-notice")).to_have_count(0)
    assert page.evaluate("window.stimdiaryOutbox.entries()") == []


def test_what_was_typed_survives_a_dropped_connection(open_page) -> None:
    # Saved with no connection, the details wait in the phone's outbox (issue 28: nothing
    # typed is lost) and reach the diary once the phone is back online.
    patient = make_patient("pat")
    episode = log_cramp(patient, timezone.now() - timedelta(hours=20), severity=4)
    page = open_page()
    log_in(page, "pat")
    page.goto(f"/diary/episodes/{episode.pk}/")
    page.get_by_label("Notes").fill("Calf, left, eased after standing")
    page.get_by_label("How long did it last? (minutes)").fill("12")

    page.context.set_offline(True)
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("status").first).to_contain_text("waiting to send")
    episode.refresh_from_db()
    assert episode.duration_min is None
    page.context.set_offline(False)

    page.goto(f"/diary/episodes/{episode.pk}/")
    expect(page.get_by_role("status").first).to_contain_text(
        "Sent: the details of 1 cramp from this phone are now in your diary."
    )
    episode.refresh_from_db()
    assert (episode.duration_min, episode.notes) == (12, "Calf, left, eased after standing")
    page.wait_for_function(
        "Object.keys(localStorage).filter(k => k.includes('draft')).length === 0"
    )

    # Opened again, the page shows what the server has, with no stale draft on top.
    page.goto(f"/diary/episodes/{episode.pk}/")
    expect(page.get_by_label("How long did it last? (minutes)")).to_have_value("12")
    expect(page.get_by_text("We kept what you typed")).to_have_count(0)


def test_a_draft_does_not_overwrite_what_the_server_sent_back_with_errors(open_page) -> None:
    patient = make_patient("pat")
    episode = log_cramp(patient, timezone.now() - timedelta(hours=20), severity=4)
    page = open_page()
    log_in(page, "pat")
    page.goto(f"/diary/episodes/{episode.pk}/")
    tomorrow = timezone.now().astimezone(patient.tz) + timedelta(days=1)
    tomorrow = tomorrow.strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("When did it start?").fill(tomorrow)
    page.get_by_label("How long did it last? (minutes)").fill("15")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("That time is in the future.")).to_be_visible()
    expect(page.get_by_text("We kept what you typed")).to_have_count(0)
    expect(page.get_by_label("When did it start?")).to_have_value(tomorrow)


def test_log_out_leaves_no_diary_draft_on_a_shared_phone(open_page) -> None:
    patient = make_patient("pat")
    episode = log_cramp(patient, timezone.now() - timedelta(hours=20), severity=4)
    page = open_page()
    log_in(page, "pat")
    page.goto(f"/diary/episodes/{episode.pk}/")
    page.get_by_label("Notes").fill("private words")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('draft'))") != []
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/|/$"))
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('draft'))") == []
