"""Reminders by phone notification only where this server can send them: without VAPID keys
the choice is shown but cannot be picked, a post choosing it is refused next to the field, and
a patient who chose it earlier is told that reminders come by email."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from diary.models import Patient
from notify.dispatch import patient_channel, preference_of
from notify.models import Preference, PushSubscription

URL = "/settings/reminders/"
NOT_SET_UP = "Phone notifications are not set up on this server; reminders come by email."


@pytest.fixture
def no_push(settings) -> None:
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_PRIVATE_KEY = ""


@pytest.fixture
def push(settings) -> None:
    # Never used to send here: the page needs only to know that keys exist.
    settings.VAPID_PUBLIC_KEY = "BPublicKeyForThePage"
    settings.VAPID_PRIVATE_KEY = "private-key-for-sending"
    settings.VAPID_SUBJECT = "mailto:clinic@example.org"


def radio(body: str, value: str) -> str:
    match = re.search(rf'<input type="radio"[^>]*value="{value}"[^>]*>', body)
    assert match, value
    return match.group(0)


def test_without_push_the_phone_choice_cannot_be_picked(no_push, alice, alice_client) -> None:
    response = alice_client.get(URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert "disabled" in radio(body, "push")
    assert "disabled" not in radio(body, "email")
    assert NOT_SET_UP in body


def test_without_push_a_post_choosing_it_is_refused_and_saves_nothing(
    no_push, alice, alice_client
) -> None:
    response = alice_client.post(
        URL, {"email": "alice@example.org", "evening_enabled": "on", "evening_time": "20:15",
              "channel": "push"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "is-invalid" in radio(body, "push")
    assert "Choose email" in body
    assert not Preference.objects.filter(user=alice.user).exists()
    alice.user.refresh_from_db()
    assert alice.user.email == ""


def test_a_stored_phone_choice_without_push_says_reminders_come_by_email(
    no_push, alice: Patient, alice_client: Client
) -> None:
    Preference.objects.create(user=alice.user, channel="push")
    alice.user.email = "alice@example.org"
    alice.user.save()

    response = alice_client.get(URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert "You chose notifications on your phone" in body
    assert NOT_SET_UP in body
    assert "checked" in radio(body, "email")  # Save keeps working: what is really used
    assert patient_channel(alice.user, preference_of(alice.user)) == "email"
    saved = alice_client.post(
        URL, {"email": "alice@example.org", "evening_time": "21:00", "channel": "email"}
    )
    assert saved.status_code == 302
    assert Preference.objects.get(user=alice.user).channel == "email"


def test_with_push_set_up_the_choice_is_saved_and_a_phone_is_asked_for(
    push, alice: Patient, alice_client: Client
) -> None:
    page = alice_client.get(URL).content.decode()
    assert "disabled" not in radio(page, "push")
    assert NOT_SET_UP not in page

    response = alice_client.post(
        URL, {"email": "alice@example.org", "evening_time": "21:00", "channel": "push"},
        follow=True,
    )

    assert response.status_code == 200
    assert Preference.objects.get(user=alice.user).channel == "push"
    assert "No phone has allowed notifications yet" in response.content.decode()
    PushSubscription.objects.create(
        user=alice.user, endpoint="https://push.example/1", p256dh="k", auth="a"
    )
    assert "No phone has allowed" not in alice_client.get(URL).content.decode()
