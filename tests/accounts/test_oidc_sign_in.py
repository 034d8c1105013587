"""Clinicians and staff sign in with the hospital's account (OpenID Connect), against a local
provider the tests start on 127.0.0.1. Who may: clinicians and staff linked by `sub`, or linked
once by their email address; never a patient, never an identity StimDiary would have to create
an account for."""

from __future__ import annotations

from auditlog.models import LogEntry
from axes.models import AccessLog
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import HospitalIdentity
from diary.models import Patient
from tests.accounts.oidc_provider import HOSPITAL_NAME, LocalProvider, sign_in_with_hospital

REFUSED = "This hospital account cannot sign in to StimDiary."


def logged_in_user(client: Client) -> User | None:
    user = client.get("/").wsgi_request.user
    return user if user.is_authenticated else None


def test_the_log_in_page_offers_the_hospitals_sign_in(hospital: LocalProvider) -> None:
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    assert f"Sign in with {HOSPITAL_NAME}" in response.content.decode()
    assert b'name="password"' in response.content  # local accounts keep their form


def test_a_clinician_signs_in_and_lands_on_the_cohort(
    hospital: LocalProvider, dr_lee: User
) -> None:
    User.objects.filter(pk=dr_lee.pk).update(email="Dr.Lee@hospital.example")
    hospital.identity = {"sub": "h-1001", "email": "dr.lee@hospital.example"}
    client = Client()

    response = sign_in_with_hospital(client, hospital)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/clinic/"
    assert logged_in_user(client) == dr_lee
    link = HospitalIdentity.objects.get(user=dr_lee)
    assert (link.issuer, link.subject) == (hospital.base_url, "h-1001")
    assert link.last_sign_in_at is not None
    # The link is audited (no claim in it); the log-in is recorded as a password log-in is.
    entry = LogEntry.objects.get(additional_data__what="hospital_identity_linked")
    assert entry.object_pk == str(dr_lee.pk) and "h-1001" not in str(entry.changes)
    assert AccessLog.objects.filter(username="dr.lee").exists()


def test_the_next_sign_in_finds_the_account_by_sub_whatever_the_email_says(
    hospital: LocalProvider, dr_lee: User
) -> None:
    HospitalIdentity.objects.create(user=dr_lee, issuer=hospital.base_url, subject="h-1001")
    hospital.identity = {"sub": "h-1001", "email": "renamed@hospital.example"}
    client = Client()

    assert sign_in_with_hospital(client, hospital).redirect_chain[-1][0] == "/clinic/"
    assert logged_in_user(client) == dr_lee


def test_staff_sign_in_and_land_on_the_admin(hospital: LocalProvider, admin_user: User) -> None:
    HospitalIdentity.objects.create(user=admin_user, issuer=hospital.base_url, subject="h-7")
    hospital.identity = {"sub": "h-7"}
    client = Client()

    response = sign_in_with_hospital(client, hospital)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/admin/"


def test_the_sign_in_keeps_a_safe_next_and_drops_another_sites(
    hospital: LocalProvider, dr_lee: User, alice: Patient
) -> None:
    HospitalIdentity.objects.create(user=dr_lee, issuer=hospital.base_url, subject="h-1001")
    hospital.identity = {"sub": "h-1001"}
    page = f"/clinic/patients/{alice.pk}/"

    assert sign_in_with_hospital(Client(), hospital, page).redirect_chain[-1][0] == page
    evil = sign_in_with_hospital(Client(), hospital, "https://evil.example/")
    assert evil.redirect_chain[-1][0] == "/clinic/"


def assert_refused(response, client: Client, message: str = REFUSED) -> None:
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert message in response.content.decode()
    assert logged_in_user(client) is None


def test_an_unknown_identity_is_refused_and_no_user_is_created(
    hospital: LocalProvider, dr_lee: User, alice: Patient
) -> None:
    users = User.objects.count()
    hospital.identity = {"sub": "h-404", "email": "stranger@hospital.example"}
    client = Client()

    assert_refused(sign_in_with_hospital(client, hospital), client)
    assert User.objects.count() == users
    assert not HospitalIdentity.objects.exists()


def test_a_patient_is_refused_by_email_and_even_when_linked(
    hospital: LocalProvider, alice: Patient
) -> None:
    User.objects.filter(pk=alice.user.pk).update(email="alice@hospital.example")
    hospital.identity = {"sub": "h-2002", "email": "alice@hospital.example"}
    client = Client()
    assert_refused(sign_in_with_hospital(client, hospital), client)
    assert not HospitalIdentity.objects.exists()

    # Linked by mistake in the admin: still refused, at every sign-in.
    HospitalIdentity.objects.create(user=alice.user, issuer=hospital.base_url, subject="h-2002")
    client = Client()
    assert_refused(sign_in_with_hospital(client, hospital), client)


def test_an_email_the_provider_calls_unverified_is_never_linked(
    hospital: LocalProvider, dr_lee: User
) -> None:
    User.objects.filter(pk=dr_lee.pk).update(email="dr.lee@hospital.example")
    hospital.identity = {
        "sub": "h-1001", "email": "dr.lee@hospital.example", "email_verified": False,
    }
    client = Client()

    assert_refused(sign_in_with_hospital(client, hospital), client)
    assert not HospitalIdentity.objects.exists()


def test_an_account_linked_to_one_identity_is_not_taken_by_another_with_its_email(
    hospital: LocalProvider, dr_lee: User
) -> None:
    User.objects.filter(pk=dr_lee.pk).update(email="dr.lee@hospital.example")
    HospitalIdentity.objects.create(user=dr_lee, issuer=hospital.base_url, subject="h-1001")
    hospital.identity = {"sub": "h-9999", "email": "dr.lee@hospital.example"}
    client = Client()

    assert_refused(sign_in_with_hospital(client, hospital), client)
    assert HospitalIdentity.objects.get().subject == "h-1001"


def test_linking_by_email_can_be_turned_off(
    hospital: LocalProvider, dr_lee: User, settings
) -> None:
    settings.OIDC_LINK_BY_EMAIL = False
    User.objects.filter(pk=dr_lee.pk).update(email="dr.lee@hospital.example")
    hospital.identity = {"sub": "h-1001", "email": "dr.lee@hospital.example"}
    client = Client()

    assert_refused(sign_in_with_hospital(client, hospital), client)


def test_an_inactive_account_is_refused(hospital: LocalProvider, dr_lee: User) -> None:
    HospitalIdentity.objects.create(user=dr_lee, issuer=hospital.base_url, subject="h-1001")
    User.objects.filter(pk=dr_lee.pk).update(is_active=False)
    hospital.identity = {"sub": "h-1001"}
    client = Client()

    assert_refused(sign_in_with_hospital(client, hospital), client)
