"""Clinicians record medication starts and stops on the patient's record."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.urls import reverse

from diary.models import Medication, Patient
from diary.services import medication_create


def test_a_clinician_adds_a_medication(alice: Patient, lee_client: Client) -> None:
    version = alice.data_version
    response = lee_client.post(
        reverse("clinic:medication-add", args=[alice.pk]),
        {"name": "Prednisolone", "category": "steroid", "started_on": "2025-05-01"},
    )
    assert response.status_code == 302
    medication = Medication.objects.for_patient(alice).get()
    assert (medication.name, medication.category, medication.stopped_on) == (
        "Prednisolone",
        "steroid",
        None,
    )
    assert medication.recorded_by.username == "dr.lee"
    alice.refresh_from_db()
    assert alice.data_version > version


def test_a_clinician_records_its_stop(alice: Patient, lee_client: Client) -> None:
    medication = medication_create(
        patient=alice, name="Furosemide", category="diuretic", started_on=date(2025, 5, 1)
    )
    url = reverse("clinic:medication-stop", args=[alice.pk, medication.pk])
    assert lee_client.post(url, {"stopped_on": "2025-06-10"}).status_code == 302
    medication.refresh_from_db()
    assert medication.stopped_on == date(2025, 6, 10)


def test_a_stop_before_the_start_is_refused(alice: Patient, lee_client: Client) -> None:
    medication = medication_create(
        patient=alice, name="Furosemide", category="diuretic", started_on=date(2025, 5, 1)
    )
    url = reverse("clinic:medication-stop", args=[alice.pk, medication.pk])
    response = lee_client.post(url, {"stopped_on": "2025-04-10"})
    assert "before the start" in response.context["form"].errors["stopped_on"][0]
    medication.refresh_from_db()
    assert medication.stopped_on is None


def test_a_medication_of_another_patient_is_404_under_my_patients_url(
    alice: Patient, carmen: Patient, lee_client: Client
) -> None:
    carmens = medication_create(
        patient=carmen, name="Statin", category="statin", started_on=date(2025, 5, 1)
    )
    url = reverse("clinic:medication-stop", args=[alice.pk, carmens.pk])
    assert lee_client.post(url, {"stopped_on": "2025-06-10"}).status_code == 404
    carmens.refresh_from_db()
    assert carmens.stopped_on is None


def test_a_future_start_is_refused_next_to_the_field(alice: Patient, lee_client: Client) -> None:
    later = (date.today() + timedelta(days=10)).isoformat()
    response = lee_client.post(
        reverse("clinic:medication-add", args=[alice.pk]),
        {"name": "Prednisolone", "category": "steroid", "started_on": later},
    )
    assert response.status_code == 200
    assert "That date is in the future" in str(response.context["form"].errors["started_on"])
    assert not Medication.objects.for_patient(alice).exists()


def test_a_future_stop_is_refused(alice: Patient, lee_client: Client) -> None:
    medication = medication_create(
        patient=alice, name="Furosemide", category="diuretic", started_on=date(2025, 5, 1)
    )
    later = (date.today() + timedelta(days=10)).isoformat()
    url = reverse("clinic:medication-stop", args=[alice.pk, medication.pk])
    response = lee_client.post(url, {"stopped_on": later})
    assert response.status_code == 200
    assert "That date is in the future" in response.content.decode()
    medication.refresh_from_db()
    assert medication.stopped_on is None


def test_the_clinics_form_has_no_default_kind_and_allows_not_sure(
    alice: Patient, lee_client: Client
) -> None:
    url = reverse("clinic:medication-add", args=[alice.pk])
    form_page = lee_client.get(url)
    assert form_page.status_code == 200
    assert form_page.context["form"]["category"].value() in (None, "")
    refused = lee_client.post(url, {"name": "Metformin", "started_on": "2025-05-01"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["category"]
    assert not Medication.objects.for_patient(alice).exists()
    saved = lee_client.post(
        url, {"name": "Metformin", "category": "not_sure", "started_on": "2025-05-01"}
    )
    assert saved.status_code == 302
    assert Medication.objects.for_patient(alice).get().category == "not_sure"
