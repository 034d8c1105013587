"""A hospital sign-in starts the same session as a password log-in: the clinician's idle
timeout, the session epoch (a password or two-factor change, or staff unlinking the identity,
ends it), and log-out."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import HospitalIdentity
from accounts.sessions import sessions_end_others
from tests.accounts.oidc_provider import CLIENT_ID, LocalProvider, sign_in_with_hospital
from tests.factories import PASSWORD
from tests.security.test_sessions import idle_for


@pytest.fixture
def lee_signed_in(hospital: LocalProvider, dr_lee: User) -> Client:
    HospitalIdentity.objects.create(user=dr_lee, issuer=hospital.base_url, subject="h-1001")
    hospital.identity = {"sub": "h-1001"}
    client = Client()
    assert sign_in_with_hospital(client, hospital).redirect_chain[-1][0] == "/clinic/"
    return client


def test_the_idle_timeout_applies(lee_signed_in: Client) -> None:
    assert lee_signed_in.session.get_expiry_age() <= 30 * 60
    idle_for(lee_signed_in, 31)

    response = lee_signed_in.get("/clinic/")

    assert response["Location"] == "/accounts/login/?next=%2Fclinic%2F"
    assert lee_signed_in.get("/clinic/")["Location"].startswith("/accounts/login/")


def test_a_change_to_the_account_ends_the_session(lee_signed_in: Client, dr_lee: User) -> None:
    sessions_end_others(user=dr_lee, request=None)  # a password change elsewhere, say

    assert lee_signed_in.get("/clinic/")["Location"].startswith("/accounts/login/")


def test_staff_unlinking_the_identity_ends_its_sessions(
    lee_signed_in: Client, dr_lee: User, admin_client: Client
) -> None:
    link = HospitalIdentity.objects.get(user=dr_lee)

    response = admin_client.post(
        f"/admin/accounts/hospitalidentity/{link.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not HospitalIdentity.objects.exists()
    assert lee_signed_in.get("/clinic/")["Location"].startswith("/accounts/login/")


def test_log_out_ends_the_session(lee_signed_in: Client) -> None:
    assert lee_signed_in.get("/accounts/logout/").status_code == 405

    response = lee_signed_in.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert lee_signed_in.get("/clinic/")["Location"].startswith("/accounts/login/")


def test_log_out_also_ends_the_providers_session_when_its_endpoint_is_set(
    lee_signed_in: Client, hospital: LocalProvider, settings
) -> None:
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{hospital.base_url}/logout"

    response = lee_signed_in.post("/accounts/logout/")

    assert response.status_code == 302
    to_provider = urlsplit(response["Location"])
    assert f"{to_provider.scheme}://{to_provider.netloc}{to_provider.path}" == (
        f"{hospital.base_url}/logout"
    )
    assert parse_qs(to_provider.query) == {
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": ["http://testserver/accounts/login/"],
    }
    back = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"] == (
        "http://testserver/accounts/login/"
    )
    assert hospital.sessions_ended == ["http://testserver/accounts/login/"]
    assert lee_signed_in.get("/clinic/")["Location"].startswith("/accounts/login/")


def test_a_password_log_in_logs_out_here_only(
    hospital: LocalProvider, dr_lee: User, settings
) -> None:
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{hospital.base_url}/logout"
    client = Client()
    client.force_login(dr_lee)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert hospital.sessions_ended == []


def test_a_password_log_in_after_a_hospital_sign_in_logs_out_here_only(
    lee_signed_in: Client, hospital: LocalProvider, dr_lee: User, settings
) -> None:
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{hospital.base_url}/logout"
    assert lee_signed_in.post("/accounts/logout/")["Location"].startswith(hospital.base_url)
    # The same browser, later, with the password: its log-out is StimDiary's alone.
    assert lee_signed_in.post(
        "/accounts/login/", {"username": "dr.lee", "password": PASSWORD}
    ).status_code == 302

    response = lee_signed_in.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"


def test_a_deactivated_user_is_signed_out_at_the_next_request(
    lee_signed_in: Client, dr_lee: User
) -> None:
    User.objects.filter(pk=dr_lee.pk).update(is_active=False)

    assert lee_signed_in.get("/clinic/")["Location"].startswith("/accounts/login/")
