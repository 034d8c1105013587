"""django-axes locks the pair (user name, client address) after AXES_FAILURE_LIMIT failed
log-ins: then even the right password is refused from that address, while the user still gets
in from any other. Behind the TLS proxy (BEHIND_PROXY=1) the address is the one the proxy
wrote into X-Forwarded-For, never the proxy's own nor one the client made up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client

from accounts.addresses import client_address
from diary.models import Patient
from tests.factories import PASSWORD

PROXY = "127.0.0.1"


def log_in(
    client: Client, password: str, address: str = "203.0.113.5", username: str = "alice",
    **headers: str,
) -> int:
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address,
        **headers,
    )
    return response.status_code


def log_in_via_proxy(client: Client, password: str, forwarded_for: str) -> int:
    return log_in(client, password, address=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def behind_proxy(settings) -> None:
    settings.BEHIND_PROXY = True


def test_the_right_password_logs_in(alice: Patient, client: Client) -> None:
    assert log_in(client, PASSWORD) == 302
    assert is_logged_in(client)


def test_repeated_failures_lock_the_account_from_that_address(alice: Patient) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong-guess") == 200  # the form again, with an error
    assert log_in(client, "wrong-guess") == 429

    status = log_in(client, PASSWORD)

    assert status == 429
    assert not is_logged_in(client)


def test_the_lock_page_says_when_to_try_again_without_naming_the_account(
    alice: Patient,
) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong-guess")

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )

    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content
    assert b"You can try again in 15 minutes" in response.content
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    assert b"alice" not in response.content


def test_trying_again_during_the_lock_does_not_push_the_time_back(alice: Patient) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong-guess")
    # Five minutes pass.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=5))
    for _ in range(3):
        log_in(client, "wrong-guess")
    later = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD},
                        REMOTE_ADDR="203.0.113.5")

    assert later.status_code == 429
    assert int(later["Retry-After"]) <= 10 * 60
    assert b"try again in 10 minutes" in later.content


def test_a_lock_on_one_address_does_not_lock_the_user_out_elsewhere(alice: Patient) -> None:
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, "wrong-guess", address="203.0.113.5")

    patient = Client()
    assert log_in(patient, PASSWORD, address="198.51.100.7") == 302
    assert is_logged_in(patient)


def test_behind_the_proxy_a_strangers_failures_never_lock_the_user_out_elsewhere(
    alice: Patient, behind_proxy: None
) -> None:
    """Every request comes from the proxy's address; the proxy names the client."""
    attacker = Client()
    for _ in range(7):
        log_in_via_proxy(attacker, "wrong-guess", forwarded_for="203.0.113.5")

    patient = Client()
    assert log_in_via_proxy(patient, PASSWORD, forwarded_for="198.51.100.7") == 302
    assert is_logged_in(patient)
    assert log_in_via_proxy(Client(), PASSWORD, forwarded_for="203.0.113.5") == 429


def test_behind_the_proxy_a_made_up_forwarded_address_locks_only_the_sender(
    alice: Patient, behind_proxy: None
) -> None:
    """The client writes the left of X-Forwarded-For; the proxy appends the address it saw."""
    attacker = Client()
    for _ in range(7):
        log_in_via_proxy(attacker, "wrong-guess", forwarded_for="198.51.100.7, 203.0.113.5")

    assert log_in_via_proxy(Client(), PASSWORD, forwarded_for="198.51.100.7") == 302
    assert log_in_via_proxy(Client(), PASSWORD, forwarded_for="203.0.113.5") == 429


def test_without_the_proxy_setting_the_forwarded_header_is_ignored(alice: Patient) -> None:
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, "wrong-guess", HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert log_in(Client(), PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99") == 429
    assert log_in(Client(), PASSWORD, address="198.51.100.7") == 302


@pytest.mark.parametrize("failures", [1, 2])
def test_a_few_typos_do_not_lock_anyone_out(alice: Patient, failures: int) -> None:
    client = Client()
    for _ in range(failures):
        log_in(client, "typo")
    assert log_in(client, PASSWORD) == 302


@pytest.mark.parametrize(
    ("behind", "remote", "forwarded", "expected"),
    [
        (False, "192.0.2.1", "", "192.0.2.1"),
        (False, "192.0.2.1", "198.51.100.7", "192.0.2.1"),
        (True, PROXY, "198.51.100.7", "198.51.100.7"),
        (True, PROXY, "10.0.0.1, 198.51.100.7", "198.51.100.7"),
        (True, PROXY, "198.51.100.7:51234", "198.51.100.7"),
        (True, PROXY, "[2001:db8::7]:443", "2001:db8::7"),
        (True, PROXY, "", PROXY),  # not through the proxy: only the socket is known
        (True, PROXY, "not-an-address", PROXY),
    ],
)
def test_the_client_address_rule(
    rf, settings, behind: bool, remote: str, forwarded: str, expected: str
) -> None:
    settings.BEHIND_PROXY = behind
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_two_proxies_in_a_row(rf, settings) -> None:
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 2
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.2")
    assert client_address(request) == "198.51.100.7"
