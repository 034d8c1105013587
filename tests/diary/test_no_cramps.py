from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from diary.models import Night
from tests.factories import local, log_cramp

pytestmark = pytest.mark.django_db


def last_night(patient):
    return patient.last_completed_night()


def _at_local(patient, hour: int) -> datetime:
    return datetime.combine(patient.local_now().date(), time(hour), tzinfo=patient.tz)


def test_home_offers_the_one_tap_cramp_free_night(alice, alice_client):
    with time_machine.travel(_at_local(alice, 14), tick=False):
        response = alice_client.get(reverse("diary:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No cramps last night" in page
    assert "Log a cramp" in page


def test_in_the_small_hours_the_one_tap_names_the_night_before(alice, alice_client):
    with time_machine.travel(_at_local(alice, 3), tick=False):
        response = alice_client.get(reverse("diary:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No cramps that night" in page
    assert "No cramps last night" not in page


def test_one_tap_records_a_cramp_free_night_of_its_own(alice, alice_client):
    response = alice_client.post(
        reverse("diary:no-cramps"), {"date": last_night(alice).isoformat()}
    )
    assert response.status_code == 302
    night = Night.objects.get()
    assert night.date == last_night(alice)
    assert night.checked_in_at is not None
    assert not night.episodes.exists()
    home = alice_client.get(reverse("diary:home")).content.decode()
    assert "No cramps." in home


def test_tapping_twice_keeps_one_night(alice, alice_client):
    for _ in range(2):
        alice_client.post(reverse("diary:no-cramps"), {"date": last_night(alice).isoformat()})
    assert Night.objects.count() == 1


def test_a_night_with_cramps_is_never_turned_cramp_free(alice, alice_client):
    night_date = last_night(alice)
    log_cramp(alice, local(alice, night_date + timedelta(days=1), 2))
    response = alice_client.post(
        reverse("diary:no-cramps"), {"date": night_date.isoformat()}, follow=True
    )
    assert "You logged 1 cramp that night" in response.content.decode()
    assert Night.objects.get().episodes.count() == 1
    assert Night.objects.get().checked_in_at is None


def test_tonight_cannot_be_declared_cramp_free_before_it_ends(alice, alice_client):
    today = timezone.now().astimezone(alice.tz).date()
    alice_client.post(reverse("diary:no-cramps"), {"date": today.isoformat()})
    assert not Night.objects.exists()


def test_an_unlogged_night_is_missing_not_zero(alice, alice_client):
    alice_client.post(reverse("diary:no-cramps"), {"date": last_night(alice).isoformat()})
    page = alice_client.get(reverse("diary:home")).content.decode()
    assert "1 of the last 14 nights" in page


def test_a_second_night_for_a_logged_date_is_refused_with_a_link_to_it(alice, alice_client):
    night_date = last_night(alice) - timedelta(days=3)
    alice_client.post(
        reverse("diary:night-new"), {"date": night_date.isoformat(), "no_cramps": "1"}
    )
    response = alice_client.post(
        reverse("diary:night-new"), {"date": night_date.isoformat(), "no_cramps": "1"}
    )
    night = Night.objects.get()
    page = response.content.decode()
    assert "You already logged that night" in page
    assert reverse("diary:night", args=[night.pk]) in page


def test_a_missed_night_with_cramps_leads_to_the_cramp_log_for_that_night(alice, alice_client):
    night_date = last_night(alice) - timedelta(days=2)
    response = alice_client.post(
        reverse("diary:night-new"), {"date": night_date.isoformat(), "had_cramps": "1"}
    )
    assert response.url == reverse("diary:log-cramp") + f"?night={night_date.isoformat()}"
    page = alice_client.get(response.url).content.decode()
    assert (night_date + timedelta(days=1)).isoformat() + "T03:00" in page


def test_in_the_small_hours_the_night_still_going_on_cannot_be_called_cramp_free(
    alice, alice_client, settings
):
    # Whatever the hour now, move the end of a night so that it is still "the small hours".
    settings.NIGHT_END_HOUR = 24
    current = timezone.now().astimezone(alice.tz).date() - timedelta(days=1)
    alice_client.post(reverse("diary:no-cramps"), {"date": current.isoformat()})
    assert not Night.objects.exists()
    page = alice_client.get(reverse("diary:home")).content.decode()
    assert "How was the night before?" in page
    assert (current - timedelta(days=1)).isoformat() in page
