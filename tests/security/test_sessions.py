"""Clinicians and staff are logged out after CLINICIAN_IDLE_TIMEOUT without a request;
patients keep their long session (a log-in prompt at 3 a.m. would cost an entry)."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.test import Client

from accounts.sessions import LAST_SEEN_KEY


def idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - minutes * 60
    session.save()


def test_the_default_idle_timeout_is_30_minutes() -> None:
    assert timedelta(minutes=30) == settings.CLINICIAN_IDLE_TIMEOUT


def test_a_clinician_idle_past_the_timeout_is_logged_out(lee_client: Client) -> None:
    assert lee_client.get("/clinic/").status_code == 200
    idle_for(lee_client, 31)

    response = lee_client.get("/clinic/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fclinic%2F"
    assert "_auth_user_id" not in lee_client.session
    assert lee_client.get("/clinic/")["Location"].startswith("/accounts/login/")


def test_a_clinician_active_within_the_timeout_stays_logged_in(lee_client: Client) -> None:
    idle_for(lee_client, 29)
    assert lee_client.get("/clinic/").status_code == 200
    idle_for(lee_client, 29)
    assert lee_client.get("/clinic/").status_code == 200


def test_the_timeout_is_configurable(lee_client: Client, settings) -> None:
    settings.CLINICIAN_IDLE_TIMEOUT = timedelta(minutes=5)
    idle_for(lee_client, 6)
    assert lee_client.get("/clinic/").status_code == 302


def test_a_clinicians_stored_session_expires_with_the_timeout(lee_client: Client) -> None:
    lee_client.get("/clinic/")
    assert lee_client.session.get_expiry_age() <= 30 * 60


def test_a_patient_is_not_logged_out_after_a_long_pause(alice_client: Client) -> None:
    idle_for(alice_client, 60 * 24 * 3)

    assert alice_client.get("/diary/").status_code == 200
    assert alice_client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_staff_are_held_to_the_clinician_timeout(admin_client: Client) -> None:
    assert admin_client.get("/admin/").status_code == 200
    idle_for(admin_client, 31)
    assert admin_client.get("/admin/").status_code == 302
