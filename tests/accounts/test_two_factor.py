"""Clinicians and staff can turn on two-factor log-in (TOTP). Once on, the password alone
reaches no clinician page, nor the admin: the one-time code comes first."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from diary.models import Patient
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _no_throttle(settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the phone shows; a code is accepted once, so later steps use the next one."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():0{device.digits}d}"


def turn_on_two_factor(client: Client, user: User) -> TOTPDevice:
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content  # the QR code, inline so CSP allows it
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/two-factor/", {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def password_log_in(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_clinician_turns_on_two_factor_with_a_code_from_the_app(
    dr_lee: User, lee_client: Client
) -> None:
    turn_on_two_factor(lee_client, dr_lee)

    assert b"Two-factor log-in is on" in lee_client.get("/accounts/two-factor/").content
    assert lee_client.get("/clinic/").status_code == 200  # the session that set it up is verified


def test_a_wrong_code_does_not_turn_it_on(dr_lee: User, lee_client: Client) -> None:
    lee_client.get("/accounts/two-factor/")

    response = lee_client.post("/accounts/two-factor/", {"token": "000000"})

    assert response.status_code == 200
    assert b"did not match" in response.content
    assert not TOTPDevice.objects.filter(user=dr_lee, confirmed=True).exists()


def test_with_two_factor_on_the_password_alone_reaches_no_clinician_page(
    dr_lee: User, lee_client: Client, alice: Patient
) -> None:
    turn_on_two_factor(lee_client, dr_lee)
    client = password_log_in(dr_lee)

    for url in ("/clinic/", f"/clinic/patients/{alice.pk}/", "/admin/", "/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/two-factor/verify/?next="), url


def test_the_code_after_the_password_opens_the_clinician_pages(
    dr_lee: User, lee_client: Client, alice: Patient
) -> None:
    device = turn_on_two_factor(lee_client, dr_lee)
    client = password_log_in(dr_lee)

    wrong = client.post("/accounts/two-factor/verify/", {"token": "123456", "next": "/clinic/"})
    assert wrong.status_code == 200
    right = client.post(
        "/accounts/two-factor/verify/", {"token": code(device, steps_ahead=1), "next": "/clinic/"}
    )

    assert right["Location"] == "/clinic/"
    assert client.get(f"/clinic/patients/{alice.pk}/").status_code == 200


def test_the_verify_step_never_redirects_off_site(dr_lee: User, lee_client: Client) -> None:
    device = turn_on_two_factor(lee_client, dr_lee)
    client = password_log_in(dr_lee)

    response = client.post(
        "/accounts/two-factor/verify/",
        {"token": code(device, steps_ahead=1), "next": "https://evil.example/"},
    )

    assert response["Location"] == "/clinic/"


def test_a_clinician_without_a_device_is_not_asked_for_a_code(dr_lee: User) -> None:
    client = password_log_in(dr_lee)
    assert client.get("/clinic/").status_code == 200


def test_turning_it_off_needs_a_current_code(dr_lee: User, lee_client: Client) -> None:
    device = turn_on_two_factor(lee_client, dr_lee)

    refused = lee_client.post("/accounts/two-factor/disable/", {"token": "000000"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=dr_lee).exists()

    lee_client.post("/accounts/two-factor/disable/", {"token": code(device, steps_ahead=1)})
    assert not TOTPDevice.objects.filter(user=dr_lee).exists()
    assert password_log_in(dr_lee).get("/clinic/").status_code == 200


def test_patients_are_not_offered_two_factor(alice_client: Client, alice: Patient) -> None:
    response = alice_client.get("/accounts/two-factor/")

    assert response["Location"] == "/diary/"
    assert not TOTPDevice.objects.exists()


def test_staff_can_turn_it_on_for_the_admin(admin_user: Any, admin_client: Client) -> None:
    device = turn_on_two_factor(admin_client, admin_user)
    client = Client()
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")

    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/verify/")
    client.post("/accounts/two-factor/verify/", {"token": code(device, steps_ahead=1)})
    assert client.get("/admin/").status_code == 200
