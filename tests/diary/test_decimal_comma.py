"""A decimal comma is read as one ("1,5" is 1.5), never dropped ("1,5" became 15 in a Dutch
browser): diary.decimals.DecimalCommaField, on every form with a decimal input."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.decimals import DecimalCommaField
from diary.models import Patient
from programming.models import SettingsRecord


def clean(text: str, places: int = 2) -> Decimal | None:
    return DecimalCommaField(max_digits=7, decimal_places=places).clean(text)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1,5", Decimal("1.5")), ("1.5", Decimal("1.5")), (" 0,25 ", Decimal("0.25")),
     ("2", Decimal("2")), ("12,5", Decimal("12.5")), ("1500", Decimal("1500"))],
)
def test_a_comma_or_a_point_is_the_decimal_mark(typed: str, value: Decimal) -> None:
    assert clean(typed) == value


def test_one_comma_and_three_digits_is_refused_with_both_readings() -> None:
    # "1,500" is 1.5 in Dutch and 1500 in English: neither is guessed.
    with pytest.raises(forms.ValidationError) as refused:
        clean("1,500", places=3)
    assert refused.value.messages == [
        "“1,500” could mean 1.5 or 1500. Type it without a thousands separator: 1.5 (or 1,5)."
    ]


@pytest.mark.parametrize("typed", ["1.234,5", "1,234.5", "1,2,3"])
def test_thousands_separators_are_refused(typed: str) -> None:
    with pytest.raises(forms.ValidationError) as refused:
        clean(typed)
    assert "one decimal mark" in refused.value.messages[0]


def test_the_input_is_a_text_box_with_a_decimal_keypad_not_a_number_input() -> None:
    # Chromium's <input type="number"> drops a typed comma: "1,5" is sent as 15.
    class AmplitudeForm(forms.Form):
        amplitude = DecimalCommaField(max_digits=5, decimal_places=2)

    html = str(AmplitudeForm()["amplitude"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert 'type="number"' not in html


# --- through the forms that have a decimal input ------------------------------------------

def remote(amplitude: str) -> dict[str, str]:
    return {"stimulation_on": "on", "amplitude": amplitude, "effective_at": "2026-03-10T22:15"}


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["1,5", "1.5"])
def test_the_patients_remote_change_reads_1_5_either_way(
    alice: Patient, alice_client: Client, typed: str
) -> None:
    response = alice_client.post(reverse("diary:remote-change"), remote(typed))
    assert response.status_code == 302
    latest = SettingsRecord.objects.for_patient(alice).latest("effective_at")
    assert latest.amplitude == Decimal("1.50")


@pytest.mark.django_db
def test_the_remote_form_refuses_1_500_next_to_the_amplitude_and_saves_nothing(
    alice: Patient, alice_client: Client
) -> None:
    response = alice_client.post(reverse("diary:remote-change"), remote("1,500"))
    assert response.status_code == 200
    assert response.context["form"].errors["amplitude"] == [
        "“1,500” could mean 1.5 or 1500. Type it without a thousands separator: 1.5 (or 1,5)."
    ]
    assert "could mean 1.5 or 1500" in response.content.decode()
    assert SettingsRecord.objects.for_patient(alice).count() == 1


@pytest.mark.django_db
def test_the_remote_form_shows_a_text_box_with_a_decimal_keypad(alice_client: Client) -> None:
    response = alice_client.get(reverse("diary:remote-change"))
    assert response.status_code == 200
    field = response.context["form"]["amplitude"]
    assert 'inputmode="decimal"' in str(field) and 'type="number"' not in str(field)


def visit(patient: Patient, **changes: str) -> dict[str, str]:
    at = timezone.now().astimezone(patient.tz) - timedelta(minutes=2)
    return {
        "effective_at": at.strftime("%Y-%m-%dT%H:%M"),
        "reason": "reduce_amplitude",
        "stimulation_on": "on",
        "amplitude": "1.5",
        "amplitude_unit": "mA",
        "pulse_width_us": "210",
        "frequency_hz": "14",
        "electrode_configuration": "0-3+",
        "note": "",
        **changes,
    }


@pytest.mark.django_db
def test_the_clinicians_programming_form_reads_decimal_commas(
    alice: Patient, lee_client: Client
) -> None:
    response = lee_client.post(
        reverse("programming:program", args=[alice.pk]),
        visit(alice, amplitude="1,5", frequency_hz="14,5"),
    )
    assert response.status_code == 302
    latest = SettingsRecord.objects.for_patient(alice).latest("effective_at")
    assert (latest.amplitude, latest.frequency_hz) == (Decimal("1.50"), Decimal("14.5"))


@pytest.mark.django_db
def test_the_programming_form_refuses_1_500_and_saves_nothing(
    alice: Patient, lee_client: Client, okafor_client: Client
) -> None:
    url = reverse("programming:program", args=[alice.pk])
    response = lee_client.post(url, visit(alice, amplitude="1,500"))
    assert response.status_code == 200
    assert "could mean 1.5 or 1500" in response.context["form"].errors["amplitude"][0]
    assert okafor_client.post(url, visit(alice, amplitude="1,5")).status_code == 404
    assert SettingsRecord.objects.for_patient(alice).count() == 1


@pytest.mark.django_db
def test_the_new_patient_form_reads_a_decimal_comma(lee_client: Client) -> None:
    from tests.clinic.test_onboarding import NEW_PATIENT

    response = lee_client.post(
        reverse("clinic:patient-new"), {**NEW_PATIENT, "amplitude": "1,5"}
    )
    assert response.status_code == 200
    record = SettingsRecord.objects.get(device__patient__user__username="dev")
    assert record.amplitude == Decimal("1.50")
