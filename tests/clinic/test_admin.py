"""Staff manage clinicians and care teams in the admin; the settings history stays
append-only there, and diary free text never shows in a list."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from clinic.models import Clinician
from diary.models import Patient
from diary.services import medication_create
from programming.models import SettingsRecord
from programming.services import visit_record_create
from tests.factories import local, log_cramp


@pytest.fixture
def staff_client(db) -> Client:
    admin = User.objects.create_superuser("staff", password="x-staff-pass-1")
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize(
    "model",
    [
        "diary/patient",
        "diary/night",
        "diary/crampepisode",
        "diary/medication",
        "programming/device",
        "programming/settingsrecord",
        "programming/plannedtrial",
        "programming/programmingvisit",
        "clinic/clinician",
    ],
)
def test_every_list_opens_and_searches(
    model: str, staff_client: Client, alice: Patient, dr_lee: User
) -> None:
    log_cramp(alice, local(alice, date(2025, 6, 4), 2), notes="private words about my legs")
    visit_record_create(
        device=alice.devices.get(), visited_at=local(alice, date(2025, 6, 5), 10),
        clinician=dr_lee, configurations=[{"electrodes": "0-3+", "amplitude_unit": "mA"}],
        note="private words about my legs",
    )
    medication_create(
        patient=alice, name="Magnesium", category="other", started_on=date(2025, 1, 1)
    )
    response = staff_client.get(f"/admin/{model}/", {"q": "alice"})
    assert response.status_code == 200
    assert "private words" not in response.content.decode()


def test_a_settings_record_cannot_be_edited_or_deleted(
    alice: Patient, staff_client: Client
) -> None:
    record = SettingsRecord.objects.for_patient(alice).get()
    change_url = reverse("admin:programming_settingsrecord_change", args=[record.pk])
    page = staff_client.get(change_url)
    assert page.status_code == 200 and 'name="amplitude"' not in page.content.decode()
    staff_client.post(change_url, {"amplitude": "9"})
    delete = staff_client.post(
        reverse("admin:programming_settingsrecord_delete", args=[record.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    record.refresh_from_db()
    assert str(record.amplitude) == "2.00"


def test_staff_put_a_clinician_on_a_patients_care_team(
    alice: Patient, bob: Patient, staff_client: Client
) -> None:
    user = User.objects.create_user("dr.new", password="x-new-pass-1")
    response = staff_client.post(
        reverse("admin:clinic_clinician_add"),
        {"user": user.pk, "title": "Pain nurse", "patients": [alice.pk, bob.pk]},
    )
    assert response.status_code == 302
    assert Clinician.objects.filter(user=user).exists()
    assert set(Patient.objects.filter(care_team=user)) == {alice, bob}


def test_the_patient_admin_edits_the_care_team(
    alice: Patient, dr_lee: User, staff_client: Client
) -> None:
    url = reverse("admin:diary_patient_change", args=[alice.pk])
    response = staff_client.post(
        url, {"user": alice.user.pk, "timezone": "Europe/Amsterdam", "care_team": []}
    )
    assert response.status_code == 302
    assert not alice.care_team.exists()


def test_staff_read_a_visit_but_cannot_change_or_delete_it(
    staff_client: Client, alice: Patient, dr_lee: User
) -> None:
    from programming.models import ProgrammingVisit

    visit = visit_record_create(
        device=alice.devices.get(), visited_at=local(alice, date(2025, 6, 5), 10),
        clinician=dr_lee, configurations=[{"electrodes": "0-3+", "amplitude_unit": "mA"}],
    )
    page = staff_client.get(f"/admin/programming/programmingvisit/{visit.pk}/change/")
    assert page.status_code == 200 and "0-3+" in page.content.decode()
    delete = staff_client.post(f"/admin/programming/programmingvisit/{visit.pk}/delete/",
                               {"post": "yes"})
    assert delete.status_code == 403
    assert ProgrammingVisit.objects.filter(pk=visit.pk).exists()
    assert staff_client.get("/admin/programming/programmingvisit/add/").status_code == 403
