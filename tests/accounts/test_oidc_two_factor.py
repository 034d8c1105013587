"""Clinicians and staff must pass a second factor. After the hospital's sign-in, the identity
provider's own counts when its ID token says so (`amr` with mfa, otp or hwk; an `acr` listed
in OIDC_MFA_ACR_VALUES); otherwise StimDiary asks for its own code, or for its setup when
REQUIRE_TWO_FACTOR is on and there is no device, as after a password."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import HospitalIdentity
from tests.accounts.oidc_provider import LocalProvider, sign_in_with_hospital
from tests.accounts.test_two_factor import code
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _no_throttle(settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def lee_at_hospital(hospital: LocalProvider, dr_lee: User) -> User:
    HospitalIdentity.objects.create(user=dr_lee, issuer=hospital.base_url, subject="h-1001")
    hospital.identity = {"sub": "h-1001"}
    return dr_lee


@pytest.fixture
def lee_device(lee_at_hospital: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=lee_at_hospital, name="Authenticator app", confirmed=True)


def landed(response) -> str:
    """The page the sign-in ends on, without its query string."""
    assert response.status_code == 200
    return urlsplit(response.redirect_chain[-1][0]).path


@pytest.mark.parametrize("amr", [["pwd", "mfa"], ["otp"], ["hwk", "pin"]])
def test_the_providers_second_factor_skips_stimdiarys_code(
    hospital: LocalProvider, lee_device: TOTPDevice, amr: list[str]
) -> None:
    hospital.id_token_claims = {"amr": amr}
    client = Client()

    assert landed(sign_in_with_hospital(client, hospital)) == "/clinic/"
    assert client.get("/clinic/").status_code == 200


def test_without_the_claim_stimdiary_asks_for_its_own_code(
    hospital: LocalProvider, lee_device: TOTPDevice
) -> None:
    hospital.id_token_claims = {"amr": ["pwd"]}
    client = Client()

    assert landed(sign_in_with_hospital(client, hospital)) == "/accounts/two-factor/verify/"
    assert client.get("/clinic/")["Location"].startswith("/accounts/two-factor/verify/")

    response = client.post("/accounts/two-factor/verify/", {"token": code(lee_device)})
    assert response["Location"] == "/clinic/"
    assert client.get("/clinic/").status_code == 200


def test_an_acr_listed_in_the_setting_counts_and_another_does_not(
    hospital: LocalProvider, lee_device: TOTPDevice, settings
) -> None:
    settings.OIDC_MFA_ACR_VALUES = ["urn:hospital:loa:high"]

    hospital.id_token_claims = {"acr": "urn:hospital:loa:high"}
    assert landed(sign_in_with_hospital(Client(), hospital)) == "/clinic/"

    hospital.id_token_claims = {"acr": "urn:hospital:loa:low"}
    assert landed(sign_in_with_hospital(Client(), hospital)) == "/accounts/two-factor/verify/"


def test_with_two_factor_required_only_the_claim_spares_the_setup(
    hospital: LocalProvider, lee_at_hospital: User, settings
) -> None:
    settings.REQUIRE_TWO_FACTOR = True

    hospital.id_token_claims = {"amr": ["mfa"]}
    assert landed(sign_in_with_hospital(Client(), hospital)) == "/clinic/"

    hospital.id_token_claims = {}
    assert landed(sign_in_with_hospital(Client(), hospital)) == "/accounts/two-factor/"


def test_a_password_log_in_after_a_hospital_one_in_the_same_browser_asks_for_the_code(
    hospital: LocalProvider, lee_device: TOTPDevice, lee_at_hospital: User
) -> None:
    hospital.id_token_claims = {"amr": ["mfa"]}
    client = Client()
    sign_in_with_hospital(client, hospital)
    client.post("/accounts/logout/")

    client.post("/accounts/login/", {"username": "dr.lee", "password": PASSWORD})

    assert client.get("/clinic/")["Location"].startswith("/accounts/two-factor/verify/")
