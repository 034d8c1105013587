"""django-otp's own throttling stays on (OTP_TOTP_THROTTLE_FACTOR at its default, 1): after a
wrong code the next try must wait 1 second, then 2, 4, ... A correct code typed during the
wait is not checked, and the person is told to wait, never that the code was wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from tests.accounts.test_two_factor import code, password_log_in, turn_on_two_factor

# Five seconds into a 30-second TOTP step, so a few seconds' travel keeps the same code.
START = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)
VERIFY = "/accounts/two-factor/verify/"


def test_the_default_throttle_is_on() -> None:
    assert getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1) == 1


def test_a_right_code_during_the_wait_is_told_to_wait_not_that_it_is_wrong(
    dr_lee: User, lee_client: Client
) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        device = turn_on_two_factor(lee_client, dr_lee)
        client = password_log_in(dr_lee)

        wrong = client.post(VERIFY, {"token": "123456", "next": "/clinic/"})
        assert wrong.status_code == 200
        assert "That code did not match" in wrong.content.decode()

        right_too_soon = client.post(
            VERIFY, {"token": code(device, steps_ahead=1), "next": "/clinic/"}
        )
        body = right_too_soon.content.decode()
        assert right_too_soon.status_code == 200
        assert "Too many tries: wait 1 second, then enter the code again." in body
        assert "did not match" not in body
        assert client.get("/clinic/").status_code == 302  # nothing signed in

        traveller.shift(2)
        right = client.post(VERIFY, {"token": code(device, steps_ahead=1), "next": "/clinic/"})

        assert right.status_code == 302
        assert right["Location"] == "/clinic/"
        assert client.get("/clinic/").status_code == 200


def test_the_wait_grows_after_each_wrong_code_and_says_how_long(
    dr_lee: User, lee_client: Client
) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        turn_on_two_factor(lee_client, dr_lee)
        client = password_log_in(dr_lee)
        client.post(VERIFY, {"token": "123456"})
        traveller.shift(2)
        client.post(VERIFY, {"token": "654321"})  # second wrong code: 2 seconds' wait

        response = client.post(VERIFY, {"token": "111111"})

        assert response.status_code == 200
        assert "wait 2 seconds" in response.content.decode()


def test_a_wrong_code_during_the_wait_does_not_make_the_wait_longer(
    dr_lee: User, lee_client: Client
) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        device = turn_on_two_factor(lee_client, dr_lee)
        client = password_log_in(dr_lee)
        client.post(VERIFY, {"token": "123456"})
        client.post(VERIFY, {"token": "654321"})  # during the wait: not checked

        traveller.shift(1.5)
        right = client.post(VERIFY, {"token": code(device, steps_ahead=1)})

        assert right.status_code == 302
