"""A clinician creates a patient in one form and hands over a one-time set-password link."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from diary.models import Patient
from programming.models import SettingsRecord
from programming.services import current_device

NEW_PATIENT = {
    "username": "dev",
    "timezone": "Europe/Amsterdam",
    "therapy": "sacral",
    "phase": "trial",
    "implanted_on": "2025-05-20",
    "lead_site": "right S3",
    "effective_at": "2025-05-20T15:00",
    "amplitude": "1.5",
    "amplitude_unit": "mA",
    "pulse_width_us": "210",
    "frequency_hz": "14",
    "electrode_configuration": "0-3+",
}


def test_it_creates_account_device_and_initial_settings_on_my_team(lee_client: Client) -> None:
    response = lee_client.post(reverse("clinic:patient-new"), NEW_PATIENT)
    assert response.status_code == 200
    patient = Patient.objects.get(user__username="dev")
    assert patient.timezone == "Europe/Amsterdam"
    assert list(patient.care_team.values_list("username", flat=True)) == ["dr.lee"]
    assert not patient.user.has_usable_password()
    device = current_device(patient)
    assert (device.therapy, device.phase, device.lead_site) == ("sacral", "trial", "right S3")
    record = SettingsRecord.objects.for_patient(patient).get()
    assert record.amplitude == Decimal("1.50")
    assert record.reason == "initial"
    assert record.effective_at == datetime(2025, 5, 20, 15, 0, tzinfo=patient.tz)
    assert "/clinic/welcome/" in response.context["link"]


def test_the_new_patient_is_not_visible_to_another_clinician(
    lee_client: Client, okafor_client: Client
) -> None:
    lee_client.post(reverse("clinic:patient-new"), NEW_PATIENT)
    patient = Patient.objects.get(user__username="dev")
    assert okafor_client.get(reverse("clinic:patient", args=[patient.pk])).status_code == 404


def test_the_link_sets_a_password_once_and_not_twice(lee_client: Client) -> None:
    link = lee_client.post(reverse("clinic:patient-new"), NEW_PATIENT).context["link"]
    visitor = Client()
    assert visitor.get(link).status_code == 200
    response = visitor.post(
        link, {"new_password1": "quiet-river-lamp-42", "new_password2": "quiet-river-lamp-42"}
    )
    assert response.status_code == 302
    assert User.objects.get(username="dev").check_password("quiet-river-lamp-42")

    assert visitor.get(link).status_code == 404
    reused = visitor.post(
        link, {"new_password1": "other-pass-9x!", "new_password2": "other-pass-9x!"}
    )
    assert reused.status_code == 404
    assert User.objects.get(username="dev").check_password("quiet-river-lamp-42")


def test_the_password_must_pass_the_validators(lee_client: Client) -> None:
    link = lee_client.post(reverse("clinic:patient-new"), NEW_PATIENT).context["link"]
    response = Client().post(link, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert not User.objects.get(username="dev").has_usable_password()


def test_a_forged_link_does_not_work(alice: Patient) -> None:
    response = Client().get(reverse("clinic:set-password", args=["MQ", "not-a-token"]))
    assert response.status_code == 404


def test_a_taken_username_and_bad_settings_are_refused_next_to_their_fields(
    alice: Patient, lee_client: Client
) -> None:
    before = Patient.objects.count()
    response = lee_client.post(
        reverse("clinic:patient-new"), {**NEW_PATIENT, "username": "Alice", "amplitude": "99"}
    )
    errors = response.context["form"].errors
    assert "taken" in errors["username"][0]
    assert "Amplitude" in errors["amplitude"][0]
    assert Patient.objects.count() == before


def test_a_fresh_link_only_while_the_patient_has_no_password(
    alice: Patient, lee_client: Client
) -> None:
    response = lee_client.post(reverse("clinic:password-link", args=[alice.pk]), follow=True)
    assert "set a password already" in response.content.decode()
    assert "link" not in response.context

    lee_client.post(reverse("clinic:patient-new"), NEW_PATIENT)
    dev = Patient.objects.get(user__username="dev")
    fresh = lee_client.post(reverse("clinic:password-link", args=[dev.pk]))
    assert "/clinic/welcome/" in fresh.context["link"]


def test_the_time_zone_starts_at_the_clinics_own(lee_client: Client, settings) -> None:
    settings.TIME_ZONE = "Europe/Lisbon"
    response = lee_client.get(reverse("clinic:patient-new"))
    assert response.status_code == 200
    assert response.context["form"]["timezone"].value() == "Europe/Lisbon"
    assert Patient._meta.get_field("timezone").get_default() == "Europe/Lisbon"


def test_a_display_name_is_optional_and_shown_to_clinicians(lee_client: Client) -> None:
    response = lee_client.post(reverse("clinic:patient-new"), NEW_PATIENT)
    assert response.status_code == 200
    assert Patient.objects.get(user__username="dev").display_name == ""

    named = {
        **NEW_PATIENT, "username": "eve", "display_name": "  Eve  van Dijk ",
        "record_number": " MRN-4411 ",
    }
    response = lee_client.post(reverse("clinic:patient-new"), named)
    assert response.status_code == 200
    eve = Patient.objects.get(user__username="eve")
    assert (eve.display_name, eve.record_number) == ("Eve van Dijk", "MRN-4411")

    page = lee_client.get(reverse("clinic:patient", args=[eve.pk]))
    assert page.status_code == 200
    assert "Eve van Dijk" in page.content.decode()
    assert "MRN-4411" in page.content.decode()
    cohort = lee_client.get(reverse("clinic:cohort"))
    assert cohort.status_code == 200
    assert "Eve van Dijk" in cohort.content.decode()


def test_another_clinician_never_sees_the_display_name(
    lee_client: Client, okafor_client: Client
) -> None:
    lee_client.post(
        reverse("clinic:patient-new"), {**NEW_PATIENT, "display_name": "Dev Sharma"}
    )
    cohort = okafor_client.get(reverse("clinic:cohort"))
    assert cohort.status_code == 200
    assert "Dev Sharma" not in cohort.content.decode()


def test_a_display_name_too_long_is_refused_and_nothing_saved(lee_client: Client) -> None:
    response = lee_client.post(
        reverse("clinic:patient-new"), {**NEW_PATIENT, "display_name": "x" * 81}
    )
    assert response.status_code == 200
    assert "at most 80 characters" in str(response.context["form"].errors["display_name"])
    assert not User.objects.filter(username="dev").exists()
