"""django-axes locks a user name from one address after AXES_FAILURE_LIMIT failed log-ins;
then even the right password is refused from there, while other addresses still get in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from diary.models import Patient
from tests.factories import PASSWORD


def log_in(client: Client, password: str, address: str = "203.0.113.5") -> int:
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_logs_in(alice: Patient, client: Client) -> None:
    assert log_in(client, PASSWORD) == 302
    assert is_logged_in(client)


def test_repeated_failures_lock_the_account_from_that_address(alice: Patient) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong-guess") == 200  # the form again, with an error
    assert log_in(client, "wrong-guess") in {403, 429}

    status = log_in(client, PASSWORD)

    assert status in {403, 429}
    assert not is_logged_in(client)


def test_the_lock_page_says_what_happened_without_naming_the_account(alice: Patient) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong-guess")

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )

    assert b"Too many failed log-ins" in response.content
    assert b"alice" not in response.content


def test_a_lock_on_one_address_does_not_lock_the_user_out_elsewhere(alice: Patient) -> None:
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, "wrong-guess", address="203.0.113.5")

    patient = Client()
    assert log_in(patient, PASSWORD, address="198.51.100.7") == 302
    assert is_logged_in(patient)


@pytest.mark.parametrize("failures", [1, 2])
def test_a_few_typos_do_not_lock_anyone_out(alice: Patient, failures: int) -> None:
    client = Client()
    for _ in range(failures):
        log_in(client, "typo")
    assert log_in(client, PASSWORD) == 302
