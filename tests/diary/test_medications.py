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
