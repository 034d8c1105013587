"""A cramp added to a past night lands on that night, at the time shown (issue 13)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from diary.models import CrampEpisode, Night
from diary.services import night_check_in

pytestmark = pytest.mark.django_db


def test_the_form_for_a_past_night_names_it_and_starts_at_three_that_night(alice, alice_client):
    night = alice.last_completed_night() - timedelta(days=5)
    response = alice_client.get(reverse("diary:log-cramp") + f"?night={night.isoformat()}")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Add a cramp to the night of {night:%A %-d %B}" in body
    assert f'data-night="{night.isoformat()}"' in body
    after = night + timedelta(days=1)
    assert f'value="{after.isoformat()}T03:00"' in body
    assert f'name="night" value="{night.isoformat()}"' in body


def test_a_past_night_cramp_sent_with_the_time_shown_lands_on_that_night(alice, alice_client):
    night = alice.last_completed_night() - timedelta(days=6)
    shown = f"{night + timedelta(days=1):%Y-%m-%d}T02:00"
    response = alice_client.post(
        reverse("diary:log-cramp"),
        {"severity": "6", "started_at": shown, "night": night.isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    episode = CrampEpisode.objects.get()
    assert episode.night.date == night
    assert episode.started_at == datetime.fromisoformat(shown).replace(tzinfo=alice.tz)
    assert f"Cramp saved to the night of {night:%A %-d %B %Y}, at 02:00" in (
        response.content.decode()
    )


def test_a_past_night_cramp_with_no_time_gets_the_nights_default_not_now(alice, alice_client):
    night = alice.last_completed_night() - timedelta(days=2)
    alice_client.post(reverse("diary:log-cramp"), {"severity": "4", "night": night.isoformat()})
    episode = CrampEpisode.objects.get()
    assert episode.night.date == night
    assert episode.started_at.astimezone(alice.tz).hour == 3


def test_the_patient_may_change_the_time_within_the_night(alice, alice_client):
    night = alice.last_completed_night() - timedelta(days=3)
    alice_client.post(
        reverse("diary:log-cramp"),
        {"severity": "4", "night": night.isoformat(), "started_at": f"{night}T23:40"},
    )
    episode = CrampEpisode.objects.get()
    assert (episode.night.date, episode.started_at.astimezone(alice.tz).strftime("%H:%M")) == (
        night, "23:40",
    )


def test_a_time_outside_the_chosen_night_is_refused_and_nothing_saved(alice, alice_client):
    night = alice.last_completed_night() - timedelta(days=3)
    other = night + timedelta(days=2)
    response = alice_client.post(
        reverse("diary:log-cramp"),
        {"severity": "4", "night": night.isoformat(), "started_at": f"{other}T02:00"},
    )
    assert response.status_code == 200
    assert f"That time is not in the night of {night:%A %-d %B %Y}" in str(
        response.context["form"].errors["started_at"]
    )
    assert not CrampEpisode.objects.exists()
    assert not Night.objects.exists()


def test_a_night_that_has_not_begun_is_refused(alice, alice_client):
    tomorrow = timezone.now().astimezone(alice.tz).date() + timedelta(days=2)
    response = alice_client.post(
        reverse("diary:log-cramp"), {"severity": "4", "night": tomorrow.isoformat()}
    )
    assert response.status_code == 200
    assert "That night has not begun yet" in response.content.decode()
    assert not CrampEpisode.objects.exists()


@pytest.mark.parametrize("night", ["9999-12-31", "not-a-date", "2026-02-30", ""])
def test_an_odd_night_in_the_address_opens_the_plain_form(alice_client, night):
    response = alice_client.get(reverse("diary:log-cramp") + f"?night={night}")
    assert response.status_code == 200
    assert b"data-night" not in response.content
    assert b"Add a cramp to the night of" not in response.content


def test_a_cramp_added_to_a_night_logged_cramp_free_turns_it_into_a_cramp_night(
    alice, alice_client
):
    night = alice.last_completed_night() - timedelta(days=1)
    night_check_in(patient=alice, night_date=night, cramp_free=True)
    alice_client.post(reverse("diary:log-cramp"), {"severity": "3", "night": night.isoformat()})
    logged = Night.objects.get(patient=alice, date=night)
    assert logged.episodes.count() == 1
    history = alice_client.get(reverse("diary:history"))
    assert history.status_code == 200
    assert history.context["rows"][0]["night"].date == night
    assert len(history.context["rows"][0]["episodes"]) == 1


def test_missed_night_with_cramps_leads_to_the_form_for_that_night(alice, alice_client):
    night = alice.last_completed_night() - timedelta(days=6)
    response = alice_client.post(
        reverse("diary:night-new"), {"date": night.isoformat(), "had_cramps": "1"}
    )
    assert response.status_code == 302
    form_page = alice_client.get(response.url)
    assert form_page.status_code == 200
    assert f"Add a cramp to the night of {night:%A %-d %B}" in form_page.content.decode()


def test_bob_cannot_put_a_cramp_on_alices_night(alice, bob, bob_client):
    night = alice.last_completed_night() - timedelta(days=1)
    night_check_in(patient=alice, night_date=night, cramp_free=True)
    bob_client.post(reverse("diary:log-cramp"), {"severity": "3", "night": night.isoformat()})
    assert CrampEpisode.objects.get().night.patient == bob
    assert not Night.objects.get(patient=alice).episodes.exists()
