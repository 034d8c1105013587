"""Dates and times are bounded wherever they enter: the patient's and the clinic's forms, the
query string, the admin (the bundle has its own tests in tests/exchange). Each refusal is a
message next to its field, and nothing is written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.models import CrampEpisode, Medication, Night, Patient
from programming.models import Device, SettingsRecord
from tests.programming.test_record_settings import visit
from tests.security.sweep import database_fingerprint

EARLIEST = "before 1 January 2000, the earliest the diary accepts"


def field_errors(response, field: str) -> list[str]:  # noqa: ANN001 - a test response
    assert response.status_code == 200
    return list(response.context["form"].errors.get(field, []))


@pytest.mark.parametrize("started_at", ["0001-01-01T00:30", "1999-12-31T23:00"])
def test_a_cramp_before_the_earliest_date_is_refused(
    alice: Patient, alice_client: Client, started_at: str
) -> None:
    response = alice_client.post(
        reverse("diary:log-cramp"), {"severity": "5", "started_at": started_at}
    )
    assert any(EARLIEST in m for m in field_errors(response, "started_at"))
    assert EARLIEST in response.content.decode()
    assert not CrampEpisode.objects.exists() and not Night.objects.exists()


def test_a_cramp_in_the_future_is_refused(alice: Patient, alice_client: Client) -> None:
    later = (timezone.now().astimezone(alice.tz) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = alice_client.post(reverse("diary:log-cramp"), {"severity": "5", "started_at": later})
    assert any("in the future" in m for m in field_errors(response, "started_at"))
    assert not CrampEpisode.objects.exists()


@pytest.mark.parametrize("night", ["9999-12-31", "0001-01-01", "1999-12-31", "2025-02-30", "x"])
def test_a_night_outside_the_bounds_in_the_query_string_answers_with_a_message(
    alice_client: Client, night: str
) -> None:
    response = alice_client.get(reverse("diary:log-cramp"), {"night": night})
    assert response.status_code == 200
    assert "outside the diary&#x27;s dates" in response.content.decode()


def test_a_past_night_within_the_bounds_still_opens_the_form_for_it(alice_client: Client) -> None:
    response = alice_client.get(reverse("diary:log-cramp"), {"night": "2025-04-03"})
    assert response.status_code == 200
    assert response.context["form"].initial["night"] == date(2025, 4, 3)


def test_a_baseline_night_before_the_implant_is_allowed(
    alice: Patient, alice_client: Client
) -> None:
    # alice's device was implanted on 2 March 2025.
    response = alice_client.post(reverse("diary:night-new"), {"date": "2024-12-01"})
    assert response.status_code == 302
    assert Night.objects.filter(patient=alice, date=date(2024, 12, 1)).exists()


@pytest.mark.parametrize("night", ["1999-12-31", "0001-01-01"])
def test_a_past_night_before_the_earliest_date_is_refused(
    alice_client: Client, night: str
) -> None:
    response = alice_client.post(reverse("diary:night-new"), {"date": night})
    assert any(EARLIEST in m for m in field_errors(response, "date"))
    assert not Night.objects.exists()


@pytest.mark.parametrize("night", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_the_one_tap_cramp_free_night_refuses_a_date_outside_the_bounds(
    alice_client: Client, night: str
) -> None:
    response = alice_client.post(reverse("diary:no-cramps"), {"date": night}, follow=True)
    assert response.status_code == 200
    assert not Night.objects.exists()
    page = response.content.decode()
    assert "outside the diary&#x27;s dates" in page or "has not ended yet" in page


@pytest.mark.parametrize(
    ("effective_at", "message"),
    [
        ("0001-01-01T00:30", "before the device was implanted"),
        ("2025-03-01T09:00", "before the device was implanted"),
        ("9999-12-31T23:59", "in the future"),
    ],
)
def test_a_remote_change_outside_the_device_s_life_is_refused(
    alice_client: Client, effective_at: str, message: str
) -> None:
    response = alice_client.post(
        reverse("diary:remote-change"),
        {"stimulation_on": "on", "amplitude": "1.5", "effective_at": effective_at},
    )
    assert any(message in m for m in field_errors(response, "effective_at"))
    assert SettingsRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("effective_at", "message"),
    [
        ("0001-01-01T10:00", "before the device was implanted (2 March 2025)"),
        ("2025-03-01T23:59", "before the device was implanted"),
        ("9999-12-31T10:00", "in the future"),
    ],
)
def test_a_clinic_settings_record_outside_the_device_s_life_is_refused(
    alice: Patient, lee_client: Client, effective_at: str, message: str
) -> None:
    form = visit(timezone.now(), effective_at=effective_at)
    for name in ("programming:program", "programming:lead-revision"):
        response = lee_client.post(reverse(name, args=[alice.pk]), form)
        assert any(message in m for m in field_errors(response, "effective_at"))
    record = SettingsRecord.objects.for_patient(alice).get()
    response = lee_client.post(reverse("programming:correct", args=[alice.pk, record.pk]), form)
    assert any(message in m for m in field_errors(response, "effective_at"))
    assert SettingsRecord.objects.for_patient(alice).count() == 1


def test_a_settings_record_on_the_implant_day_is_accepted(
    alice: Patient, lee_client: Client
) -> None:
    form = visit(timezone.now(), effective_at="2025-03-02T08:00")
    response = lee_client.post(reverse("programming:program", args=[alice.pk]), form)
    assert response.status_code == 302
    assert SettingsRecord.objects.for_patient(alice).count() == 2


@pytest.mark.parametrize(
    ("started_on", "message"),
    [("9999-01-01", "in the future"), ("1999-12-31", EARLIEST), ("0001-01-01", EARLIEST)],
)
def test_a_medicine_outside_the_bounds_is_refused_by_the_patient_and_the_clinic(
    alice: Patient, alice_client: Client, lee_client: Client, started_on: str, message: str
) -> None:
    data = {"name": "Prednisone", "category": "steroid", "started_on": started_on}
    mine = alice_client.post(reverse("diary:medications"), data)
    assert any(message in m for m in field_errors(mine, "started_on"))
    clinic = lee_client.post(reverse("clinic:medication-add", args=[alice.pk]), data)
    assert any(message in m for m in field_errors(clinic, "started_on"))
    assert not Medication.objects.exists()


def test_a_medicine_cannot_be_stopped_in_the_year_9999(
    alice: Patient, alice_client: Client, lee_client: Client
) -> None:
    alice_client.post(
        reverse("diary:medications"),
        {"name": "Prednisone", "category": "steroid", "started_on": "2025-05-01"},
    )
    medication = Medication.objects.get()
    mine = alice_client.post(
        reverse("diary:medication-stop", args=[medication.pk]), {"stopped_on": "9999-12-31"}
    )
    assert any("in the future" in m for m in field_errors(mine, "stopped_on"))
    clinic = lee_client.post(
        reverse("clinic:medication-stop", args=[alice.pk, medication.pk]),
        {"stopped_on": "9999-12-31"},
    )
    assert any("in the future" in m for m in field_errors(clinic, "stopped_on"))
    medication.refresh_from_db()
    assert medication.stopped_on is None


@pytest.mark.parametrize(
    ("implanted_on", "message"),
    [("1999-12-31", "That implant date is " + EARLIEST), ("9999-12-31", "in the future")],
)
def test_onboarding_refuses_an_implant_date_outside_the_bounds(
    lee_client: Client, implanted_on: str, message: str
) -> None:
    response = lee_client.post(reverse("clinic:patient-new"), {
        "username": "newpatient", "timezone": "Europe/Amsterdam", "therapy": "sacral",
        "phase": "trial", "implanted_on": implanted_on, "lead_site": "",
        "effective_at": "2025-06-01T10:00", "amplitude": "1.0", "amplitude_unit": "mA",
        "pulse_width_us": "210", "frequency_hz": "14", "electrode_configuration": "",
    })
    assert any(message in m for m in field_errors(response, "implanted_on"))
    assert not User.objects.filter(username="newpatient").exists()


def test_onboarding_refuses_settings_before_the_implant(lee_client: Client) -> None:
    response = lee_client.post(reverse("clinic:patient-new"), {
        "username": "newpatient", "timezone": "Europe/Amsterdam", "therapy": "sacral",
        "phase": "trial", "implanted_on": "2025-06-02", "lead_site": "",
        "effective_at": "2025-06-01T10:00", "amplitude": "1.0", "amplitude_unit": "mA",
        "pulse_width_us": "210", "frequency_hz": "14", "electrode_configuration": "",
    })
    assert any("before the device was implanted" in m
               for m in field_errors(response, "effective_at"))
    assert not User.objects.filter(username="newpatient").exists()


@pytest.mark.parametrize(
    "query", [{"from": "0001-01-01"}, {"to": "9999-12-31"}, {"from": "1999-12-31"}]
)
def test_an_export_range_outside_the_bounds_is_a_400(
    alice: Patient, lee_client: Client, alice_client: Client, query: dict[str, str]
) -> None:
    clinic = lee_client.get(reverse("exchange:patient-csv", args=[alice.pk, "episodes"]), query)
    assert clinic.status_code == 400
    assert b"within the diary's dates" in clinic.content
    assert lee_client.get(reverse("exchange:cohort-csv", args=["nights"]), query).status_code == 400
    assert alice_client.get(reverse("exchange:my-csv", args=["nights"]), query).status_code == 400


@pytest.fixture
def staff_client(db) -> Client:
    staff = User.objects.create_superuser("staff", password="x-staff-pass-1")
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_admin_refuses_an_implant_date_before_the_earliest(
    alice: Patient, staff_client: Client
) -> None:
    device = alice.devices.get()
    url = reverse("admin:programming_device_change", args=[device.pk])
    before = database_fingerprint()
    response = staff_client.post(url, {
        "patient": alice.pk, "therapy": "sacral", "phase": "permanent",
        "implanted_on": "1990-01-01", "lead_site": "left S3",
    })
    assert response.status_code == 200
    assert EARLIEST in response.content.decode()
    assert Device.objects.get().implanted_on == date(2025, 3, 2)
    assert database_fingerprint() == before


def test_the_admin_refuses_a_settings_record_before_the_implant(
    alice: Patient, staff_client: Client
) -> None:
    device = alice.devices.get()
    response = staff_client.post(reverse("admin:programming_settingsrecord_add"), {
        "device": device.pk, "effective_at_0": "0001-01-01", "effective_at_1": "10:00:00",
        "amplitude": "1.0", "amplitude_unit": "mA", "pulse_width_us": "210",
        "frequency_hz": "14", "stimulation_on": "on", "electrode_configuration": "",
        "source": "clinic", "reason": "other", "note": "",
    })
    assert response.status_code == 200
    assert "before the device was implanted" in response.content.decode()
    assert SettingsRecord.objects.count() == 1
