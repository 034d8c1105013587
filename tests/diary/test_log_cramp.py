from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from diary.models import CrampEpisode, Night
from programming.services import timeline_for
from tests.factories import change_settings

pytestmark = pytest.mark.django_db


def test_the_log_page_offers_eleven_severity_buttons(alice_client):
    response = alice_client.get(reverse("diary:log-cramp"))
    assert response.status_code == 200
    for n in range(11):
        assert f'name="severity" value="{n}"'.encode() in response.content


def test_one_tap_on_a_severity_logs_a_cramp_now(alice, alice_client):
    before = timezone.now()
    response = alice_client.post(reverse("diary:log-cramp"), {"severity": "7"})
    episode = CrampEpisode.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("diary:episode", args=[episode.pk])
    assert episode.severity == 7
    assert before - timedelta(seconds=1) <= episode.started_at <= timezone.now()
    assert episode.night.patient == alice


def test_a_cramp_at_two_in_the_morning_goes_on_the_night_before(alice, alice_client):
    alice_client.post(
        reverse("diary:log-cramp"), {"severity": "5", "started_at": "2026-03-11T02:00"}
    )
    night = Night.objects.get()
    assert night.date == date(2026, 3, 10)
    assert night.timezone == "Europe/Amsterdam"
    assert CrampEpisode.objects.get().started_at == datetime(
        2026, 3, 11, 2, 0, tzinfo=ZoneInfo("Europe/Amsterdam")
    )


def test_the_time_typed_is_read_in_the_patients_own_zone(bob, bob_client):
    bob_client.post(reverse("diary:log-cramp"), {"severity": "5", "started_at": "2026-03-11T02:00"})
    assert CrampEpisode.objects.get().started_at == datetime(
        2026, 3, 11, 6, 0, tzinfo=ZoneInfo("UTC")
    )  # EDT, UTC-4


def test_a_time_in_the_future_is_refused_next_to_the_field(alice_client):
    later = (timezone.now() + timedelta(hours=2)).astimezone(ZoneInfo("Europe/Amsterdam"))
    response = alice_client.post(
        reverse("diary:log-cramp"),
        {"severity": "5", "started_at": later.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 200
    assert "That time is in the future" in response.content.decode()
    assert not CrampEpisode.objects.exists()
    assert not Night.objects.exists()


@pytest.mark.parametrize("severity", ["11", "-1", "ten", ""])
def test_a_severity_outside_zero_to_ten_is_refused(alice_client, severity):
    response = alice_client.post(reverse("diary:log-cramp"), {"severity": severity})
    assert response.status_code == 200
    assert (
        "Choose a severity between 0 and 10" in response.content.decode()
        or "required" in response.content.decode()
    )
    assert not CrampEpisode.objects.exists()


def test_submitting_the_same_form_twice_logs_one_cramp(alice_client):
    token = str(uuid.uuid4())
    data = {"severity": "6", "started_at": "2026-03-11T02:00", "client_token": token}
    first = alice_client.post(reverse("diary:log-cramp"), data)
    second = alice_client.post(reverse("diary:log-cramp"), data)
    assert CrampEpisode.objects.count() == 1
    assert first.url == second.url


def test_another_patients_token_never_returns_their_cramp(alice_client, bob_client):
    token = str(uuid.uuid4())
    alice_client.post(reverse("diary:log-cramp"), {"severity": "6", "client_token": token})
    response = bob_client.post(reverse("diary:log-cramp"), {"severity": "2", "client_token": token})
    assert CrampEpisode.objects.count() == 2
    bobs = CrampEpisode.objects.get(night__patient__user__username="bob")
    assert response.url == reverse("diary:episode", args=[bobs.pk])


def test_a_logged_cramp_is_attributed_to_the_settings_at_its_moment(alice, alice_client):
    zone = alice.tz
    change_settings(
        alice, datetime(2026, 3, 10, 15, 0, tzinfo=zone), amplitude="1.5", reason="reduce_amplitude"
    )
    alice_client.post(
        reverse("diary:log-cramp"), {"severity": "4", "started_at": "2026-03-10T14:59"}
    )
    alice_client.post(
        reverse("diary:log-cramp"), {"severity": "4", "started_at": "2026-03-10T15:00"}
    )
    early, late = CrampEpisode.objects.order_by("started_at")
    timeline = timeline_for(alice)
    assert timeline.at(early.started_at).amplitude == 2.0
    assert timeline.at(late.started_at).amplitude == 1.5
    page = alice_client.get(reverse("diary:episode", args=[late.pk])).content.decode()
    assert "1.5 mA" in page
