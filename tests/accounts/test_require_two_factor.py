"""REQUIRE_TWO_FACTOR (on in production, off in development): a clinician or staff member
without a confirmed device is walked through setting one up at their next log-in, before any
other page; patients are never asked. Off, the password alone still works."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from diary.models import Patient
from tests.factories import PASSWORD
from tests.security.sweep import all_routes, build_alice_world, url_for
from tests.security.test_production_settings import BASE_DIR, PRODUCTION_ENV


@pytest.fixture(autouse=True)
def _no_throttle(settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def required(settings) -> None:
    settings.REQUIRE_TWO_FACTOR = True


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():0{device.digits}d}"


def password_log_in(user: User, next_url: str = "") -> tuple[Client, Any]:
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )
    return client, response


def test_a_clinician_without_a_device_is_walked_through_setup_at_log_in(
    required: None, dr_lee: User, alice: Patient
) -> None:
    client, response = password_log_in(dr_lee)
    assert response.status_code == 302

    for url in ("/clinic/", f"/clinic/patients/{alice.pk}/", "/accounts/password/", "/"):
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith("/accounts/two-factor/?next="), url

    setup = client.get("/accounts/two-factor/?next=/clinic/")
    assert setup.status_code == 200
    assert b"Your clinic requires two-factor log-in" in setup.content
    assert b"data:image/svg+xml" in setup.content
    device = TOTPDevice.objects.get(user=dr_lee, confirmed=False)
    done = client.post("/accounts/two-factor/", {"token": code(device), "next": "/clinic/"})

    assert done["Location"] == "/clinic/"
    assert client.get(f"/clinic/patients/{alice.pk}/").status_code == 200


def test_without_a_device_no_clinician_url_answers_but_the_setup(
    required: None, dr_lee: User, alice: Patient
) -> None:
    world = build_alice_world(alice)
    client, _ = password_log_in(dr_lee)
    routes = [r for r in all_routes() if not r.is_public and r.audience == "clinician"]
    assert len(routes) > 10
    for route in routes:
        url = url_for(route, world)
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/two-factor/?next="), url


def test_a_wrong_code_leaves_the_clinician_at_the_setup(required: None, dr_lee: User) -> None:
    client, _ = password_log_in(dr_lee)
    client.get("/accounts/two-factor/")

    response = client.post("/accounts/two-factor/", {"token": "000000"})

    assert response.status_code == 200
    assert b"did not match" in response.content
    assert client.get("/clinic/")["Location"].startswith("/accounts/two-factor/")


def test_the_setup_can_be_left_by_logging_out(required: None, dr_lee: User) -> None:
    client, _ = password_log_in(dr_lee)

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_staff_are_walked_through_setup_before_the_admin(
    required: None, admin_user: User
) -> None:
    client = Client()
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=")


def test_with_a_device_the_code_is_asked_for_not_the_setup(
    required: None, dr_lee: User
) -> None:
    device = TOTPDevice.objects.create(user=dr_lee, name="phone", confirmed=True)
    client, _ = password_log_in(dr_lee)

    assert client.get("/clinic/")["Location"].startswith("/accounts/two-factor/verify/")
    client.post("/accounts/two-factor/verify/", {"token": code(device)})
    assert client.get("/clinic/").status_code == 200


def test_removing_the_device_when_required_starts_a_new_setup(
    required: None, dr_lee: User
) -> None:
    device = TOTPDevice.objects.create(user=dr_lee, name="phone", confirmed=True)
    client, _ = password_log_in(dr_lee)
    client.post("/accounts/two-factor/verify/", {"token": code(device)})
    on = client.get("/accounts/two-factor/")
    assert b"Move to a new phone" in on.content

    client.post("/accounts/two-factor/disable/", {"token": code(device, steps_ahead=1)})

    assert client.get("/clinic/")["Location"].startswith("/accounts/two-factor/?next=")


def test_patients_are_never_asked_to_set_it_up(required: None, alice: Patient) -> None:
    client, _ = password_log_in(alice.user)
    assert client.get("/diary/").status_code == 200


def test_when_not_required_the_password_alone_reaches_the_clinic(
    settings, dr_lee: User
) -> None:
    settings.REQUIRE_TWO_FACTOR = False
    client, _ = password_log_in(dr_lee)
    assert client.get("/clinic/").status_code == 200


def setting_in(env: dict[str, str]) -> str:
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REQUIRE_TWO_FACTOR)"
    )
    dropped = {"DEBUG", "REQUIRE_TWO_FACTOR", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k not in dropped},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **env,
        },
        capture_output=True, text=True, timeout=120,
    )
    return result.stdout.strip().splitlines()[-1]


def test_it_is_required_in_production_and_not_in_development() -> None:
    assert setting_in(PRODUCTION_ENV) == "True"
    assert setting_in({"DEBUG": "1"}) == "False"
    assert setting_in({**PRODUCTION_ENV, "REQUIRE_TWO_FACTOR": "0"}) == "False"
