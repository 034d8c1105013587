"""Recovery codes: a clinician or staff member with two-factor log-in makes a set of single-use
codes (after a current code from the app), sees them once, and can log in with one on a day
without the phone. A used code, an old set's code and another user's code are refused."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from diary.models import Patient
from tests.accounts.test_two_factor import code, password_log_in, turn_on_two_factor

VERIFY = "/accounts/two-factor/verify/"
MAKE = "/accounts/two-factor/recovery-codes/"


@pytest.fixture(autouse=True)
def _no_throttle(settings) -> None:
    # Throttling has its own tests (test_two_factor_throttle.py); here codes follow each other.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def next_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return code(device, steps_ahead=1)


def make_codes(client: Client, device: TOTPDevice) -> list[str]:
    response = client.post(MAKE, {"recovery-token": next_code(device)})
    assert response.status_code == 200
    return re.findall(r'user-select-all">([a-z]{5}-[a-z]{5})<', response.content.decode())


def test_a_clinician_makes_ten_codes_shown_once_and_not_stored_as_shown(
    dr_lee: User, lee_client: Client
) -> None:
    device = turn_on_two_factor(lee_client, dr_lee)
    page = lee_client.get("/accounts/two-factor/")
    assert "You have no recovery codes yet." in page.content.decode()

    codes = make_codes(lee_client, device)

    assert len(codes) == len(set(codes)) == 10
    stored = set(StaticToken.objects.filter(device__user=dr_lee).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes}
    after = lee_client.get("/accounts/two-factor/").content.decode()
    assert "You have 10 unused recovery codes." in after
    assert codes[0] not in after  # shown once only
    entry = LogEntry.objects.get(additional_data__what="recovery_codes_made")
    assert entry.actor == dr_lee and entry.object_pk == str(dr_lee.pk)
    assert not any(c.replace("-", "") in str(entry.changes) for c in codes)


def test_making_codes_needs_a_current_code_from_the_app(dr_lee: User, lee_client: Client) -> None:
    turn_on_two_factor(lee_client, dr_lee)

    response = lee_client.post(MAKE, {"recovery-token": "000000"})

    assert response.status_code == 400
    assert "That code did not match" in response.content.decode()
    assert not StaticDevice.objects.filter(user=dr_lee).exists()


def test_a_recovery_code_logs_in_once_and_says_how_many_are_left(
    dr_lee: User, lee_client: Client
) -> None:
    device = turn_on_two_factor(lee_client, dr_lee)
    codes = make_codes(lee_client, device)
    client = password_log_in(dr_lee)

    response = client.post(VERIFY, {"token": codes[0].upper(), "next": "/clinic/"}, follow=True)

    assert response.redirect_chain[0] == ("/clinic/", 302)
    assert response.status_code == 200
    assert "You have 9 recovery codes left." in response.content.decode()
    entry = LogEntry.objects.get(additional_data__what="recovery_code_used")
    assert entry.additional_data["codes_left"] == 9
    assert entry.actor == dr_lee

    again = password_log_in(dr_lee)
    refused = again.post(VERIFY, {"token": codes[0], "next": "/clinic/"})
    assert refused.status_code == 200
    assert "That recovery code is not right, or it was used already." in refused.content.decode()
    assert again.get("/clinic/").status_code == 302
    assert StaticToken.objects.filter(device__user=dr_lee).count() == 9


def test_a_new_set_makes_the_old_codes_stop_working(dr_lee: User, lee_client: Client) -> None:
    device = turn_on_two_factor(lee_client, dr_lee)
    old = make_codes(lee_client, device)
    new = make_codes(lee_client, device)
    client = password_log_in(dr_lee)

    refused = client.post(VERIFY, {"token": old[1]})
    assert refused.status_code == 200
    assert "not right, or it was used already" in refused.content.decode()
    assert client.get("/clinic/").status_code == 302

    accepted = client.post(VERIFY, {"token": new[1].replace("-", " ")})
    assert accepted.status_code == 302
    assert client.get("/clinic/").status_code == 200
    assert StaticToken.objects.filter(device__user=dr_lee).count() == 9
    made = LogEntry.objects.filter(additional_data__what="recovery_codes_made").order_by("pk")
    assert [e.additional_data["replaced_unused"] for e in made] == [0, 10]


def test_another_users_code_is_refused(
    dr_lee: User, lee_client: Client, dr_okafor: User
) -> None:
    okafor_client = Client()
    okafor_client.force_login(dr_okafor, backend="django.contrib.auth.backends.ModelBackend")
    okafor_codes = make_codes(okafor_client, turn_on_two_factor(okafor_client, dr_okafor))
    turn_on_two_factor(lee_client, dr_lee)
    make_codes(lee_client, TOTPDevice.objects.get(user=dr_lee))
    client = password_log_in(dr_lee)

    refused = client.post(VERIFY, {"token": okafor_codes[0]})

    assert refused.status_code == 200
    assert "not right, or it was used already" in refused.content.decode()
    assert client.get("/clinic/").status_code == 302
    assert StaticToken.objects.filter(device__user=dr_okafor).count() == 10


def test_turning_two_factor_off_removes_the_codes(dr_lee: User, lee_client: Client) -> None:
    device = turn_on_two_factor(lee_client, dr_lee)
    make_codes(lee_client, device)

    lee_client.post("/accounts/two-factor/disable/", {"token": next_code(device)})

    assert not StaticDevice.objects.filter(user=dr_lee).exists()
    assert LogEntry.objects.filter(additional_data__what="recovery_codes_removed").exists()
    assert password_log_in(dr_lee).get("/clinic/").status_code == 200  # no code asked for


def test_without_two_factor_there_are_no_codes_to_make(
    dr_lee: User, lee_client: Client, alice: Patient, alice_client: Client
) -> None:
    no_device = lee_client.post(MAKE, {"recovery-token": "123456"})
    assert no_device.status_code == 302 and no_device["Location"] == "/accounts/two-factor/"
    patient = alice_client.post(MAKE, {"recovery-token": "123456"})
    assert patient.status_code == 302 and patient["Location"] == "/diary/"
    assert lee_client.get(MAKE).status_code == 405
    assert not StaticDevice.objects.exists()
