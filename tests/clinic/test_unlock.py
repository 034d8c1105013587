"""A patient locked out by failed log-ins can be unlocked by their own clinician from the
patient page, and by staff from the admin; each unlock is in the audit trail. A clinician
outside the care team gets 404 and unlocks nothing."""

from __future__ import annotations

from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from diary.models import Patient
from tests.factories import PASSWORD

ADDRESS = "203.0.113.5"


def lock_out(user: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/", {"username": user.username, "password": "wrong"},
            REMOTE_ADDR=ADDRESS,
        )


def log_in_status(user: User) -> int:
    response = Client().post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR=ADDRESS,
    )
    return response.status_code


def unlocks() -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__what="login_unlock"))


def test_the_patient_page_shows_a_lock_and_the_unlock_button(
    alice: Patient, lee_client: Client
) -> None:
    url = f"/clinic/patients/{alice.pk}/"
    assert b"Unlock log-in" not in lee_client.get(url).content
    lock_out(alice.user)

    response = lee_client.get(url)

    assert response.status_code == 200
    assert b"Log-in locked after failed attempts" in response.content
    assert f'action="/clinic/patients/{alice.pk}/unlock/"'.encode() in response.content


def test_a_clinician_unlocks_their_patient_and_the_audit_shows_it(
    alice: Patient, dr_lee: User, lee_client: Client
) -> None:
    lock_out(alice.user)
    assert log_in_status(alice.user) == 429

    response = lee_client.post(
        f"/clinic/patients/{alice.pk}/unlock/", REMOTE_ADDR="192.0.2.44"
    )

    assert response["Location"] == f"/clinic/patients/{alice.pk}/"
    assert log_in_status(alice.user) == 302
    (entry,) = unlocks()
    assert (entry.actor, entry.remote_addr) == (dr_lee, "192.0.2.44")
    assert entry.additional_data["patient_id"] == alice.pk
    assert entry.object_repr == "alice"


def test_a_clinician_outside_the_team_gets_404_and_unlocks_nothing(
    alice: Patient, okafor_client: Client
) -> None:
    lock_out(alice.user)

    response = okafor_client.post(f"/clinic/patients/{alice.pk}/unlock/")

    assert response.status_code == 404
    assert log_in_status(alice.user) == 429
    assert AccessAttempt.objects.filter(username="alice").exists()
    assert unlocks() == []


def test_a_get_unlocks_nothing(alice: Patient, lee_client: Client) -> None:
    lock_out(alice.user)

    response = lee_client.get(f"/clinic/patients/{alice.pk}/unlock/")

    assert response.status_code == 302
    assert log_in_status(alice.user) == 429
    assert unlocks() == []


def test_a_patient_cannot_unlock_anyone(alice: Patient, bob: Patient, bob_client: Client) -> None:
    lock_out(alice.user)

    response = bob_client.post(f"/clinic/patients/{alice.pk}/unlock/")

    assert response["Location"] == "/diary/"
    assert log_in_status(alice.user) == 429


def test_staff_unlock_from_the_admin_and_the_audit_shows_it(
    alice: Patient, admin_user: User, admin_client: Client
) -> None:
    lock_out(alice.user)

    response = admin_client.post(
        "/admin/auth/user/",
        {"action": "unlock_log_in", "_selected_action": [alice.user.pk]},
    )

    assert response.status_code == 302
    assert log_in_status(alice.user) == 302
    (entry,) = unlocks()
    assert entry.actor == admin_user
    assert entry.additional_data["patient_id"] == alice.pk


def test_staff_see_the_lock_records_in_the_admin(alice: Patient, admin_client: Client) -> None:
    lock_out(alice.user)

    response = admin_client.get("/admin/axes/accessattempt/")

    assert response.status_code == 200
    assert ADDRESS.encode() in response.content
