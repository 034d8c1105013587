"""Marking a planned trial (N-of-1, order fixed in advance) from the clinician's pages: the
form saves one row for the patient's device; another clinician's patient answers 404; bad
nights are refused next to their field and nothing is saved."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from diary.models import Patient
from programming.models import PlannedTrial
from tests.security.test_date_bounds import field_errors

FORM = {
    "parameter": "amplitude",
    "first_night": "2025-04-01",
    "last_night": "2025-07-18",
    "note": "1, 2, 3, 1, 3, 2, 1, 3, 2 V, twelve nights each.",
}


def test_dr_lee_marks_a_planned_trial_for_alice(
    alice: Patient, lee_client: Client, dr_lee: User
) -> None:
    url = reverse("programming:planned-trial", args=[alice.pk])
    page = lee_client.get(url)
    assert page.status_code == 200
    assert "Mark a planned trial" in page.content.decode()
    version = alice.data_version
    response = lee_client.post(url, {**FORM, "order_randomised": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("clinic:patient", args=[alice.pk])
    trial = PlannedTrial.objects.get()
    assert trial.device.patient == alice
    assert (trial.parameter, str(trial.first_night), str(trial.last_night)) == (
        "amplitude", "2025-04-01", "2025-07-18"
    )
    assert trial.order_randomised and trial.recorded_by == dr_lee
    alice.refresh_from_db()
    assert alice.data_version > version  # the cached analysis is read again
    listed = lee_client.get(url).content.decode()
    assert "nights 1 Apr 2025 to 18 Jul 2025 (order drawn at random)" in listed
    patient_page = lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    assert url in patient_page


def test_another_clinician_gets_404_and_saves_nothing(
    alice: Patient, bob: Patient, okafor_client: Client
) -> None:
    url = reverse("programming:planned-trial", args=[alice.pk])
    assert okafor_client.get(url).status_code == 404
    assert okafor_client.post(url, FORM).status_code == 404
    assert not PlannedTrial.objects.exists()
    # dr_okafor's own patient works, so the 404 is about alice.
    own = okafor_client.post(reverse("programming:planned-trial", args=[bob.pk]), FORM)
    assert own.status_code == 302
    assert PlannedTrial.objects.get().device.patient == bob


def test_a_patient_is_sent_home(alice: Patient, alice_client: Client) -> None:
    response = alice_client.post(reverse("programming:planned-trial", args=[alice.pk]), FORM)
    assert response.status_code == 302 and response["Location"] == reverse("diary:home")
    assert not PlannedTrial.objects.exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"first_night": "2025-07-18", "last_night": "2025-04-01"}, "last_night",
     "The last night is before the first night."),
    ({"first_night": "0001-01-01"}, "first_night", "before 2 March 2025, the implant date"),
    ({"last_night": "9999-12-31"}, "last_night", "more than a year ahead"),
    ({"first_night": "9999-01-01", "last_night": "9999-12-31"}, "first_night",
     "more than a year ahead"),
    ({"first_night": "2025-02-28"}, "first_night", "the implant date"),
    ({"parameter": "electrode_configuration"}, "parameter", "Select a valid choice"),
])
def test_bad_nights_are_refused_next_to_the_field_and_nothing_is_saved(
    alice: Patient, lee_client: Client, changes, field, message
) -> None:
    response = lee_client.post(
        reverse("programming:planned-trial", args=[alice.pk]), {**FORM, **changes}
    )
    assert any(message in m for m in field_errors(response, field)), field_errors(response, field)
    assert message.split(",")[0] in response.content.decode().replace("&#x27;", "'")
    assert not PlannedTrial.objects.exists()


def test_the_database_refuses_a_trial_that_ends_before_it_begins(alice: Patient) -> None:
    device = alice.devices.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlannedTrial.objects.create(
            device=device, parameter="amplitude",
            first_night=date(2025, 5, 1), last_night=date(2025, 4, 1),
        )


def test_staff_add_and_remove_a_trial_in_the_admin_and_the_analysis_reads_again(
    alice: Patient
) -> None:
    staff = User.objects.create_superuser("staff", password="x-staff-pass-1")
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    device = alice.devices.get()
    version = alice.data_version
    response = client.post(reverse("admin:programming_plannedtrial_add"), {
        **FORM, "device": device.pk,
    })
    assert response.status_code == 302
    trial = PlannedTrial.objects.get()
    assert trial.recorded_by == staff
    alice.refresh_from_db()
    assert alice.data_version == version + 1
    bad = client.post(reverse("admin:programming_plannedtrial_add"), {
        **FORM, "device": device.pk, "first_night": "0001-01-01",
    })
    assert bad.status_code == 200 and PlannedTrial.objects.count() == 1
    client.post(reverse("admin:programming_plannedtrial_delete", args=[trial.pk]), {"post": "yes"})
    assert not PlannedTrial.objects.exists()
    alice.refresh_from_db()
    assert alice.data_version == version + 2
