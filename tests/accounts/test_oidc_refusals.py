"""An answer that was not made for this sign-in is refused: a forged or replayed state, a
nonce, issuer, audience or key that does not match, an expired ID token, an error from the
provider. Each goes back to the log-in page with a message, signed in as no one, and no log
line carries a code, a token or a claim. Unconfigured, none of it exists."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import HospitalIdentity
from tests.accounts.oidc_provider import LocalProvider, sign_in_with_hospital, start_sign_in
from tests.accounts.test_oidc_sign_in import logged_in_user
from tests.security.test_production_settings import BASE_DIR

FAILED = "The sign-in with St Example Hospital could not be completed."


@pytest.fixture
def lee_at_hospital(hospital: LocalProvider, dr_lee: User) -> User:
    User.objects.filter(pk=dr_lee.pk).update(email="dr.lee@hospital.example")
    HospitalIdentity.objects.create(user=dr_lee, issuer=hospital.base_url, subject="h-1001")
    hospital.identity = {"sub": "h-1001", "email": "dr.lee@hospital.example"}
    return dr_lee


def assert_failed(response, client: Client) -> None:
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert FAILED in response.content.decode()
    assert logged_in_user(client) is None


def test_a_forged_state_is_refused(hospital: LocalProvider, lee_at_hospital: User) -> None:
    client = Client()
    callback = start_sign_in(client, hospital)
    forged = callback.replace("state=", "state=forged")

    assert_failed(client.get(forged, follow=True), client)


def test_a_state_started_in_another_browser_is_refused(
    hospital: LocalProvider, lee_at_hospital: User
) -> None:
    callback = start_sign_in(Client(), hospital)  # the victim's browser started it
    attacker = Client()
    attacker.get("/accounts/login/")

    assert_failed(attacker.get(callback, follow=True), attacker)


def test_a_callback_is_used_once(hospital: LocalProvider, lee_at_hospital: User) -> None:
    client = Client()
    callback = start_sign_in(client, hospital)
    assert client.get(callback, follow=True).redirect_chain[-1][0] == "/clinic/"
    client.post("/accounts/logout/")

    assert_failed(client.get(callback, follow=True), client)


def test_a_password_log_in_never_takes_a_code_from_its_url(
    hospital: LocalProvider, lee_at_hospital: User
) -> None:
    client = Client()
    query = start_sign_in(client, hospital).split("?", 1)[1]

    response = client.post(
        f"/accounts/login/?{query}", {"username": "dr.lee", "password": "not-the-password"}
    )

    assert response.status_code == 200  # the form's own error, nothing else
    assert logged_in_user(client) is None


@pytest.mark.parametrize(
    "claims",
    [
        {"nonce": "forged-nonce"},
        {"aud": "another-client"},
        {"aud": ["stimdiary-test", "another-client"], "azp": "another-client"},
        {"iss": "http://127.0.0.1:1/another-issuer"},
        {"exp": int(time.time()) - 600},
    ],
    ids=["nonce", "audience", "azp", "issuer", "expired"],
)
def test_an_id_token_not_made_for_this_sign_in_is_refused(
    hospital: LocalProvider, lee_at_hospital: User, claims: dict
) -> None:
    hospital.id_token_claims = claims
    client = Client()

    assert_failed(sign_in_with_hospital(client, hospital), client)


def test_an_id_token_signed_with_another_key_is_refused(
    hospital: LocalProvider, lee_at_hospital: User
) -> None:
    hospital.sign_with_other_key = True
    client = Client()

    assert_failed(sign_in_with_hospital(client, hospital), client)


def test_an_error_from_the_provider_is_refused(
    hospital: LocalProvider, lee_at_hospital: User
) -> None:
    hospital.refuse_with = "access_denied"
    client = Client()

    assert_failed(sign_in_with_hospital(client, hospital), client)


def test_a_provider_that_does_not_answer_is_a_message_not_an_error(
    hospital: LocalProvider, lee_at_hospital: User, settings
) -> None:
    client = Client()
    callback = start_sign_in(client, hospital)
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there

    assert_failed(client.get(callback, follow=True), client)


def test_no_log_line_carries_a_code_a_token_or_a_claim(
    hospital: LocalProvider, lee_at_hospital: User, alice, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    sign_in_with_hospital(Client(), hospital)  # signed in
    User.objects.filter(pk=alice.user.pk).update(email="alice@hospital.example")
    hospital.identity = {"sub": "h-2002", "email": "alice@hospital.example"}
    sign_in_with_hospital(Client(), hospital)  # a patient, refused
    hospital.id_token_claims = {"nonce": "forged-nonce"}
    sign_in_with_hospital(Client(), hospital)  # a forged answer, refused

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Hospital sign-in refused" in logged  # the reasons are there
    secrets = [*hospital.issued, "h-1001", "h-2002", "hospital.example", "forged-nonce"]
    assert len(hospital.issued) >= 7
    assert not [value for value in secrets if value in logged]


def test_unconfigured_there_is_no_button_and_the_urls_answer_404(
    settings, dr_lee: User
) -> None:
    settings.OIDC_ENABLED = False
    client = Client()

    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b'name="password"' in page.content
    assert b"Sign in with" not in page.content and b"hospital-sign-in" not in page.content
    for url in ("/accounts/oidc/sign-in/", "/accounts/oidc/callback/?code=x&state=y"):
        assert client.get(url).status_code == 404, url
    assert "accounts.oidc.HospitalAccountBackend" not in settings.AUTHENTICATION_BACKENDS


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.OIDC_ENABLED, s.AUTHENTICATION_BACKENDS[-1])"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
    )


def test_the_environment_turns_it_on_and_half_of_it_refuses_to_start() -> None:
    full = {
        "OIDC_PROVIDER_NAME": "St Example Hospital",
        "OIDC_OP_ISSUER": "https://login.hospital.example",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.hospital.example/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://login.hospital.example/token",
        "OIDC_OP_USER_ENDPOINT": "https://login.hospital.example/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://login.hospital.example/jwks",
        "OIDC_RP_CLIENT_ID": "stimdiary",
        "OIDC_RP_CLIENT_SECRET": "a-secret",
    }
    on = run_settings(full)
    assert on.returncode == 0, on.stderr
    assert on.stdout.split()[-2:] == ["True", "accounts.oidc.HospitalAccountBackend"]

    half = run_settings({**full, "OIDC_RP_CLIENT_SECRET": ""})
    assert half.returncode != 0
    assert "OIDC_RP_CLIENT_SECRET" in half.stderr and "a-secret" not in half.stderr
