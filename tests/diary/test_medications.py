from __future__ import annotations

import pytest
from django.urls import reverse

from diary.models import Medication

pytestmark = pytest.mark.django_db


def test_a_patient_records_starting_and_stopping_a_medicine(alice, alice_client):
    alice_client.post(
        reverse("diary:medications"),
        {"name": "prednisone", "category": "steroid", "started_on": "2026-02-01"},
    )
    medication = Medication.objects.get()
    assert (medication.patient, medication.category) == (alice, "steroid")
    alice_client.post(
        reverse("diary:medication-stop", args=[medication.pk]), {"stopped_on": "2026-02-20"}
    )
    medication.refresh_from_db()
    assert str(medication.stopped_on) == "2026-02-20"


def test_a_stop_before_the_start_is_refused(alice_client):
    alice_client.post(
        reverse("diary:medications"),
        {"name": "x", "category": "statin", "started_on": "2026-02-01"},
    )
    medication = Medication.objects.get()
    response = alice_client.post(
        reverse("diary:medication-stop", args=[medication.pk]), {"stopped_on": "2026-01-01"}
    )
    assert "The stop date is before the start date." in response.content.decode()
    medication.refresh_from_db()
    assert medication.stopped_on is None


def test_the_same_medicine_sent_twice_is_recorded_once(alice_client):
    data = {"name": "furosemide", "category": "diuretic", "started_on": "2026-02-01"}
    alice_client.post(reverse("diary:medications"), data)
    alice_client.post(reverse("diary:medications"), data)
    assert Medication.objects.count() == 1


def test_bob_cannot_stop_alices_medicine(alice_client, bob_client):
    alice_client.post(
        reverse("diary:medications"),
        {"name": "x", "category": "statin", "started_on": "2026-02-01"},
    )
    medication = Medication.objects.get()
    url = reverse("diary:medication-stop", args=[medication.pk])
    assert bob_client.get(url).status_code == 404
    assert bob_client.post(url, {"stopped_on": "2026-02-02"}).status_code == 404
    assert "x" not in [m.name for m in Medication.objects.filter(patient__user__username="bob")]


def test_the_kind_of_medicine_has_no_default(alice_client):
    form_page = alice_client.get(reverse("diary:medications"))
    assert form_page.status_code == 200
    assert form_page.context["form"]["category"].value() in (None, "")
    response = alice_client.post(
        reverse("diary:medications"), {"name": "metformin", "started_on": "2026-02-01"}
    )
    assert response.status_code == 200
    assert "Choose what kind of medicine it is" in response.content.decode()
    assert not Medication.objects.exists()


def test_not_sure_is_a_kind_the_patient_may_choose(alice, alice_client):
    alice_client.post(
        reverse("diary:medications"),
        {"name": "metformin", "category": "not_sure", "started_on": "2026-02-01"},
    )
    assert Medication.objects.get(patient=alice).category == "not_sure"


def test_medicines_are_in_the_patients_navigation_on_every_screen(alice_client):
    response = alice_client.get(reverse("diary:home"))
    assert response.status_code == 200
    link = f'<li class="nav-item"><a class="nav-link" href="{reverse("diary:medications")}">'
    assert link in response.content.decode()
