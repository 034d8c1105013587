"""Every clinician URL, asked by the wrong clinician (404, nothing written) and by a patient
(sent home)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from diary.models import Medication, Patient
from diary.services import medication_create
from programming.models import SettingsRecord

FORM = {
    "effective_at": "2025-06-01T10:00",
    "reason": "reduce_amplitude",
    "stimulation_on": "on",
    "amplitude": "1.0",
    "amplitude_unit": "mA",
    "pulse_width_us": "210",
    "frequency_hz": "14",
    "electrode_configuration": "",
    "note": "",
}


def alice_urls(alice: Patient) -> list[str]:
    record = SettingsRecord.objects.for_patient(alice).get()
    medication = medication_create(
        patient=alice, name="Prednisolone", category="steroid", started_on="2025-05-01"
    )
    pid = alice.pk
    return [
        reverse("clinic:patient", args=[pid]),
        reverse("clinic:password-link", args=[pid]),
        reverse("clinic:medication-add", args=[pid]),
        reverse("clinic:medication-stop", args=[pid, medication.pk]),
        reverse("programming:program", args=[pid]),
        reverse("programming:device-off", args=[pid]),
        reverse("programming:device-on", args=[pid]),
        reverse("programming:lead-revision", args=[pid]),
        reverse("programming:correct", args=[pid, record.pk]),
    ]


def snapshot() -> tuple[int, int, list]:
    return (
        SettingsRecord.objects.count(),
        Medication.objects.count(),
        list(Medication.objects.values_list("stopped_on", flat=True)),
    )


def test_another_clinician_gets_404_for_every_page_and_form_of_alice(
    alice: Patient, okafor_client: Client
) -> None:
    urls = alice_urls(alice)
    before = snapshot()
    for url in urls:
        assert okafor_client.get(url).status_code == 404, url
        payload = {
            **FORM,
            "name": "x",
            "category": "other",
            "started_on": "2025-05-01",
            "stopped_on": "2025-06-01",
        }
        assert okafor_client.post(url, payload).status_code == 404, url
    assert snapshot() == before


def test_a_record_of_alice_is_404_even_under_bobs_url_for_his_clinician(
    alice: Patient, bob: Patient, okafor_client: Client
) -> None:
    record = SettingsRecord.objects.for_patient(alice).get()
    url = reverse("programming:correct", args=[bob.pk, record.pk])
    assert okafor_client.get(url).status_code == 404
    assert okafor_client.post(url, FORM).status_code == 404
    assert SettingsRecord.objects.count() == 2


def test_a_patient_is_sent_home_from_every_clinician_url(
    alice: Patient, alice_client: Client, dr_lee: User
) -> None:
    urls = [reverse("clinic:cohort"), reverse("clinic:patient-new"), *alice_urls(alice)]
    before = snapshot()
    for url in urls:
        for response in (alice_client.get(url), alice_client.post(url, FORM)):
            assert response.status_code == 302, url
            assert response.url == reverse("diary:home"), url
    assert snapshot() == before


def test_signed_out_visitors_are_sent_to_log_in(alice: Patient) -> None:
    response = Client().get(reverse("clinic:patient", args=[alice.pk]))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("name", ["clinic:cohort", "clinic:patient-new"])
def test_the_team_clinician_reaches_the_pages(name: str, lee_client: Client) -> None:
    assert lee_client.get(reverse(name)).status_code == 200


def test_the_team_clinician_reaches_alices_pages(alice: Patient, lee_client: Client) -> None:
    for url in alice_urls(alice):
        assert lee_client.get(url, follow=True).status_code == 200, url
