"""Reminder settings, the one-click off link, push subscriptions and password reset by email."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from notify.dispatch import unsubscribe_token
from notify.models import Preference, PushSubscription


def test_a_patient_sets_email_and_an_evening_reminder(alice, alice_client) -> None:
    response = alice_client.get("/settings/reminders/")
    assert response.status_code == 200
    assert "Remind me to log last night" in response.content.decode()
    response = alice_client.post(
        "/settings/reminders/",
        {"email": "alice@example.org", "evening_enabled": "on", "evening_time": "20:15",
         "channel": "email"},
    )
    assert response.status_code == 302
    alice.user.refresh_from_db()
    preference = Preference.objects.get(user=alice.user)
    assert alice.user.email == "alice@example.org"
    assert preference.evening_time.strftime("%H:%M") == "20:15"
    assert preference.nudge_enabled is False  # unticked box


def test_bad_values_are_refused_next_to_the_field_and_nothing_is_saved(alice, alice_client) -> None:
    response = alice_client.post(
        "/settings/reminders/",
        {"email": "not an address", "evening_enabled": "on", "evening_time": "25:99",
         "channel": "pigeon"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert "Enter a valid time." in body
    assert not Preference.objects.filter(user=alice.user).exists()
    alice.user.refresh_from_db()
    assert alice.user.email == ""


def test_an_email_address_belongs_to_one_account(alice, bob, bob_client) -> None:
    alice.user.email = "shared@example.org"
    alice.user.save()
    response = bob_client.post(
        "/settings/reminders/", {"email": "SHARED@example.org", "channel": "email"}
    )
    assert response.status_code == 200
    assert "Another account uses this address." in response.content.decode()


def test_a_clinician_needs_an_address_for_the_digest(dr_lee, lee_client) -> None:
    response = lee_client.post("/settings/reminders/", {"email": "", "digest_time": "07:30"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    response = lee_client.post(
        "/settings/reminders/",
        {"email": "lee@example.org", "digest_enabled": "on", "digest_time": "08:00"},
    )
    assert response.status_code == 302
    assert Preference.objects.get(user=dr_lee).digest_time.hour == 8


def test_the_settings_page_needs_a_login() -> None:
    response = Client().get("/settings/reminders/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_off_link_turns_off_only_its_own_kind_and_only_on_post(alice) -> None:
    url = f"/settings/reminders/off/{unsubscribe_token(alice.user, 'evening')}/"
    client = Client()  # no log-in: the signed link is enough
    response = client.get(url)
    assert response.status_code == 200
    assert not Preference.objects.filter(user=alice.user).exists()  # a link preview changes nothing
    response = client.post(url)
    assert response.status_code == 200
    assert "Turned off" in response.content.decode()
    preference = Preference.objects.get(user=alice.user)
    assert preference.evening_enabled is False and preference.nudge_enabled is True


def test_a_tampered_off_link_is_refused(alice) -> None:
    token = unsubscribe_token(alice.user, "evening")
    response = Client().post(f"/settings/reminders/off/{token[:-2]}xx/")
    assert response.status_code == 404
    assert not Preference.objects.filter(user=alice.user).exists()


def test_a_phone_registers_for_push(alice, alice_client) -> None:
    subscription = {
        "endpoint": "https://push.example.org/send/abc",
        "keys": {
            "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1Xbjh"
            "azAkj7I99e8QcYP7DkM",
            "auth": "tBHItJI5svbpez7KI4CCXg",
        },
    }
    response = alice_client.post(
        "/settings/reminders/push/subscribe/", subscription, content_type="application/json"
    )
    assert response.status_code == 200
    assert PushSubscription.objects.get(user=alice.user).endpoint.endswith("/abc")
    response = alice_client.post(
        "/settings/reminders/push/subscribe/", {"endpoint": "javascript:alert(1)"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = alice_client.post(
        "/settings/reminders/push/subscribe/", "[[[", content_type="application/json"
    )
    assert response.status_code == 400
    assert PushSubscription.objects.count() == 1


def test_password_reset_answers_the_same_whether_or_not_the_address_exists(alice) -> None:
    alice.user.email = "alice@example.org"
    alice.user.save()
    client = Client()
    known = client.post("/accounts/password-reset/", {"email": "alice@example.org"})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.org"]
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+)", mail.outbox[0].body)
    assert link is not None
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200 and "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-new-long-pass-9", "new_password2": "a-new-long-pass-9"}
    )
    assert response.status_code == 302
    alice.user.refresh_from_db()
    assert alice.user.check_password("a-new-long-pass-9")


def test_the_login_page_offers_password_reset() -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert 'href="/accounts/password-reset/"' in response.content.decode()


def test_the_clinic_can_give_a_new_patient_an_email_address_at_onboarding(
    alice, lee_client
) -> None:
    new_patient = {
        "username": "dev", "timezone": "Europe/Amsterdam", "therapy": "sacral", "phase": "trial",
        "implanted_on": "2025-05-20", "lead_site": "right S3",
        "effective_at": "2025-05-20T15:00", "amplitude": "1.5", "amplitude_unit": "mA",
        "pulse_width_us": "210", "frequency_hz": "14", "email": "dev@example.org",
    }
    response = lee_client.post("/clinic/patients/new/", new_patient)
    assert response.status_code == 200
    assert User.objects.get(username="dev").email == "dev@example.org"
    alice.user.email = "alice@example.org"
    alice.user.save()
    response = lee_client.post(
        "/clinic/patients/new/", {**new_patient, "username": "eve", "email": "ALICE@example.org"}
    )
    assert response.status_code == 200
    assert "Another account uses this address." in response.content.decode()
    assert not User.objects.filter(username="eve").exists()
