"""Recording a programming visit, device off and on, and lead revisions through the views."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.models import Patient
from programming.models import SettingsRecord
from programming.services import settings_from_record, timeline_for
from tests.factories import local, log_cramp


def visit(at: datetime, **changes: str) -> dict[str, str]:
    form = {
        "effective_at": at.strftime("%Y-%m-%dT%H:%M"),
        "reason": "reduce_amplitude",
        "stimulation_on": "on",
        "amplitude": "1.2",
        "amplitude_unit": "mA",
        "pulse_width_us": "210",
        "frequency_hz": "14",
        "electrode_configuration": "0-3+",
        "note": "Cramps in the left calf at night.",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_dr_lee_sees_alice_and_carmen_opens_alice_lowers_her_amplitude_and_her_next_cramp_follows(
    alice: Patient, carmen: Patient, bob: Patient, lee_client: Client
) -> None:
    cohort = lee_client.get(reverse("clinic:cohort")).content.decode()
    assert "alice" in cohort and "carmen" in cohort and "bob" not in cohort

    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert page.status_code == 200
    assert "2 mA" in page.content.decode()

    form_page = lee_client.get(reverse("programming:program", args=[alice.pk]))
    assert form_page.context["form"].initial["amplitude"] == Decimal("2.00")

    now_in_amsterdam = timezone.now().astimezone(alice.tz).replace(tzinfo=None)
    response = lee_client.post(
        reverse("programming:program", args=[alice.pk]),
        visit(now_in_amsterdam - timedelta(minutes=2)),
    )
    assert response.status_code == 302

    cramp = log_cramp(alice, timezone.now())
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    (row,) = page.context["night_rows"]
    (item,) = row["episodes"]
    episode, settings = item["episode"], item["settings"]
    assert episode.pk == cramp.pk
    assert settings.amplitude == 1.2
    assert settings.reason == "reduce_amplitude"


def test_the_time_is_read_on_the_patients_wall_clock(alice: Patient, lee_client: Client) -> None:
    lee_client.post(
        reverse("programming:program", args=[alice.pk]), visit(datetime(2025, 6, 3, 14, 30))
    )
    record = SettingsRecord.objects.for_patient(alice).latest("effective_at")
    assert record.effective_at == local(alice, date(2025, 6, 3), 14, 30)
    assert record.recorded_by.username == "dr.lee"
    assert record.source == "clinic"


def test_range_errors_are_shown_next_to_their_fields(alice: Patient, lee_client: Client) -> None:
    response = lee_client.post(
        reverse("programming:program", args=[alice.pk]),
        visit(datetime(2025, 6, 3, 14, 30), amplitude="40", pulse_width_us="5", frequency_hz="0"),
    )
    errors = response.context["form"].errors
    assert errors["amplitude"] == ["Amplitude must be between 0 and 25.5 mA."]
    assert "Pulse width" in errors["pulse_width_us"][0]
    assert "Frequency" in errors["frequency_hz"][0]
    assert SettingsRecord.objects.for_patient(alice).count() == 1


def test_a_change_in_the_future_is_refused(alice: Patient, lee_client: Client) -> None:
    tomorrow = timezone.now().astimezone(alice.tz).replace(tzinfo=None) + timedelta(days=1)
    response = lee_client.post(reverse("programming:program", args=[alice.pk]), visit(tomorrow))
    assert "in the future" in response.context["form"].errors["effective_at"][0]
    assert SettingsRecord.objects.for_patient(alice).count() == 1


def test_a_reason_from_the_vocabulary_is_required(alice: Patient, lee_client: Client) -> None:
    response = lee_client.post(
        reverse("programming:program", args=[alice.pk]),
        visit(datetime(2025, 6, 3, 14, 30), reason="whim"),
    )
    assert "reason" in response.context["form"].errors


def test_device_off_is_prefilled_with_current_values_and_stimulation_off(
    alice: Patient, lee_client: Client
) -> None:
    form = lee_client.get(reverse("programming:device-off", args=[alice.pk])).context["form"]
    assert form.initial["reason"] == "device_off"
    assert form.initial["stimulation_on"] is False
    assert form.initial["pulse_width_us"] == 210

    lee_client.post(
        reverse("programming:device-off", args=[alice.pk]),
        visit(datetime(2025, 6, 3, 20, 0), reason="device_off", stimulation_on=None),
    )
    off_at = local(alice, date(2025, 6, 3), 21)
    assert timeline_for(alice).at(off_at).stimulation_on is False


def test_a_device_off_record_with_stimulation_on_is_refused(
    alice: Patient, lee_client: Client
) -> None:
    response = lee_client.post(
        reverse("programming:device-off", args=[alice.pk]),
        visit(datetime(2025, 6, 3, 20, 0), reason="device_off"),
    )
    assert "stimulation_on" in response.context["form"].errors


def test_device_on_and_lead_revision_are_prefilled_with_their_reasons(
    alice: Patient, lee_client: Client
) -> None:
    on = lee_client.get(reverse("programming:device-on", args=[alice.pk])).context["form"]
    lead = lee_client.get(reverse("programming:lead-revision", args=[alice.pk])).context["form"]
    assert (on.initial["reason"], on.initial["stimulation_on"]) == ("device_on", True)
    assert lead.initial["reason"] == "lead_revision"

    response = lee_client.post(
        reverse("programming:lead-revision", args=[alice.pk]),
        visit(datetime(2025, 7, 1, 11, 0), reason="lead_revision", note="Lead moved to right S3."),
    )
    assert response.status_code == 302
    latest = settings_from_record(SettingsRecord.objects.for_patient(alice).latest("effective_at"))
    assert latest.reason == "lead_revision"
