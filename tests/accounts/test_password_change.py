"""Every user changes their own password with Django's view, in the app's pages; a change of
password (their own or a staff reset), or of two-factor log-in, ends every other session of
the user at its next request, and keeps the one that made it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from diary.models import Patient
from tests.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase-31"


@pytest.fixture(autouse=True)
def _no_throttle(settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def logged_in(user: User, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.content[:500]
    return client


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():0{device.digits}d}"


def change_password(client: Client) -> Any:
    return client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })


def assert_logged_out(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302, url
    assert response["Location"].startswith("/accounts/login/"), response["Location"]
    assert "_auth_user_id" not in client.session


def test_a_patient_changes_their_password_on_the_apps_page(alice: Patient) -> None:
    client = logged_in(alice.user)
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert b"Change your password" in page.content
    assert b'href="/static/css/app.css"' in page.content  # the app's own layout, not the admin's

    response = change_password(client)

    assert response["Location"] == "/accounts/password/done/"
    assert b"Your password is changed" in client.get("/accounts/password/done/").content
    assert client.get("/diary/").status_code == 200  # the session that changed it stays
    assert logged_in(alice.user, NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing(alice: Patient) -> None:
    client = logged_in(alice.user)

    response = client.post("/accounts/password/", {
        "old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })

    assert response.status_code == 200
    assert b"Your old password was entered incorrectly" in response.content
    alice.user.refresh_from_db()
    assert alice.user.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_next_to_the_field(alice: Patient) -> None:
    client = logged_in(alice.user)

    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678",
    })

    assert response.status_code == 200
    assert b"too common" in response.content


def test_a_session_opened_before_a_password_change_is_logged_out(alice: Patient) -> None:
    stolen = logged_in(alice.user)
    assert stolen.get("/diary/").status_code == 200
    own = logged_in(alice.user)

    change_password(own)

    assert_logged_out(stolen, "/diary/")
    assert own.get("/diary/").status_code == 200


def test_a_clinicians_password_change_ends_their_other_sessions(dr_lee: User) -> None:
    stolen = logged_in(dr_lee)
    own = logged_in(dr_lee)

    change_password(own)

    assert_logged_out(stolen, "/clinic/")
    assert own.get("/clinic/").status_code == 200


def test_a_session_opened_before_turning_on_two_factor_is_logged_out(dr_lee: User) -> None:
    stolen = logged_in(dr_lee)
    assert stolen.get("/clinic/").status_code == 200
    own = logged_in(dr_lee)

    own.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=dr_lee, confirmed=False)
    assert own.post("/accounts/two-factor/", {"token": code(device)}).status_code == 302

    assert_logged_out(stolen, "/clinic/")
    assert own.get("/clinic/").status_code == 200


def test_turning_two_factor_off_ends_the_other_sessions(dr_lee: User) -> None:
    own = logged_in(dr_lee)
    own.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=dr_lee, confirmed=False)
    own.post("/accounts/two-factor/", {"token": code(device)})
    other = logged_in(dr_lee)
    other.post("/accounts/two-factor/verify/", {"token": code(device, steps_ahead=1)})
    assert other.get("/clinic/").status_code == 200

    own.post("/accounts/two-factor/disable/", {"token": code(device, steps_ahead=2)})

    assert not TOTPDevice.objects.filter(user=dr_lee).exists()
    assert_logged_out(other, "/clinic/")
    assert own.get("/clinic/").status_code == 200


def test_a_staff_password_reset_ends_the_users_sessions(
    alice: Patient, admin_user: User, admin_client: Client
) -> None:
    patient = logged_in(alice.user)

    response = admin_client.post(
        f"/admin/auth/user/{alice.user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/admin/auth/user/{alice.user.pk}/change/"
    assert_logged_out(patient, "/diary/")
    assert admin_client.get("/admin/").status_code == 200
    assert logged_in(alice.user, NEW_PASSWORD)


def test_an_invalid_staff_reset_ends_nothing(
    alice: Patient, admin_user: User, admin_client: Client
) -> None:
    patient = logged_in(alice.user)

    response = admin_client.post(
        f"/admin/auth/user/{alice.user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": "something-else", "usable_password": "true"},
    )

    assert response.status_code == 200
    assert patient.get("/diary/").status_code == 200


def test_staff_change_their_own_password_on_the_same_page(admin_client: Client) -> None:
    response = admin_client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_every_page_links_to_the_password_change(alice_client: Client, lee_client: Client) -> None:
    for client, url in ((alice_client, "/diary/"), (lee_client, "/clinic/")):
        response = client.get(url)
        assert response.status_code == 200
        assert b'href="/accounts/password/"' in response.content



def test_a_password_reset_by_email_ends_the_sessions_opened_before(alice: Patient) -> None:
    stolen = logged_in(alice.user)
    alice.user.refresh_from_db()  # the token covers last_login, which the log-in just set
    uid = urlsafe_base64_encode(force_bytes(alice.user.pk))
    token = default_token_generator.make_token(alice.user)
    client = Client()
    form = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    assert form.status_code == 200

    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done.status_code == 302
    assert_logged_out(stolen, "/diary/")
