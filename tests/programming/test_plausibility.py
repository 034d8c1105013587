"""An unusual amplitude is saved only once confirmed; a form saved unchanged saves nothing;
one device keeps one amplitude unit (issue 13)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.models import Patient
from programming.models import SettingsRecord
from programming.plausibility import amplitude_concerns, show, unit_change_message
from programming.services import current_device
from tests.factories import local

# --- the rules, without the database ------------------------------------------------------


def test_an_amplitude_within_range_and_a_small_step_raises_nothing(settings) -> None:
    assert amplitude_concerns(
        therapy="sacral", unit="mA", new=Decimal("2.5"), current=Decimal("1.5")
    ) == []


def test_an_ordinary_reduction_is_never_questioned() -> None:
    # The ladder's first step: 4.9 to 1.3 mA is a big cut, and still a quarter of it or more.
    for new in ("4.0", "2.5", "1.3", "1.225"):
        assert amplitude_concerns(
            therapy="sacral", unit="mA", new=Decimal(new), current=Decimal("4.9")
        ) == [], new


@pytest.mark.parametrize(("new", "current"), [("0.15", "1.5"), ("0.2", "4.9"), ("0.1", "1.0")])
def test_a_cut_to_less_than_a_quarter_is_asked_about(new, current) -> None:
    # 0.15 typed for 1.5: a slipped decimal point, saved without a word before issue 28.
    concerns = amplitude_concerns(
        therapy="sacral", unit="mA", new=Decimal(new), current=Decimal(current)
    )
    assert len(concerns) == 1
    assert "much lower than" in concerns[0].message
    assert "less than a quarter of it" in concerns[0].message


def test_the_drop_factor_is_a_setting(settings) -> None:
    settings.AMPLITUDE_DROP_FACTOR = 10
    assert amplitude_concerns(
        therapy="sacral", unit="mA", new=Decimal("0.2"), current=Decimal("1.5")
    ) == []
    concerns = amplitude_concerns(
        therapy="sacral", unit="mA", new=Decimal("0.1"), current=Decimal("1.5")
    )
    assert "less than a tenth of it" in concerns[0].message


def test_above_the_therapys_usual_top_names_both_values(settings) -> None:
    settings.AMPLITUDE_USUAL_MAX_MA = {"sacral": 5.0, "other": 15.0}
    concerns = amplitude_concerns(
        therapy="sacral", unit="mA", new=Decimal("25"), current=Decimal("1.5")
    )
    text = " ".join(c.message for c in concerns)
    assert "25 mA is above the usual range for sacral nerve stimulation (up to 5 mA)." in text
    assert "big jump from 1.5 mA" in text


@pytest.mark.parametrize(
    ("current", "new", "unit", "asks"),
    [
        ("1.0", "2.1", "mA", True),  # more than double
        ("1.0", "2.0", "mA", False),  # exactly double, +1 mA
        ("8.0", "10.1", "mA", True),  # +2.1 mA
        ("8.0", "10.0", "mA", False),  # +2 mA
        ("2.0", "3.1", "V", True),  # +1.1 V
        ("2.0", "3.0", "V", False),
        ("0", "0.5", "mA", False),  # from zero: only the absolute step counts
    ],
)
def test_a_jump_is_more_than_double_or_more_than_the_named_step(current, new, unit, asks) -> None:
    concerns = amplitude_concerns(
        therapy="spinal_cord", unit=unit, new=Decimal(new), current=Decimal(current)
    )
    assert bool(concerns) is asks


def test_each_therapy_has_its_own_usual_top(settings) -> None:
    assert amplitude_concerns(therapy="drg", unit="mA", new=Decimal("3"), current=None)
    assert not amplitude_concerns(therapy="spinal_cord", unit="mA", new=Decimal("3"), current=None)


def test_show_drops_trailing_zeros() -> None:
    assert (show(Decimal("1.50"), "mA"), show(Decimal("25.00"), "mA")) == ("1.5 mA", "25 mA")


def test_the_unit_may_change_only_with_a_lead_revision_or_a_new_device() -> None:
    assert unit_change_message(previous_unit="mA", unit="V", reason="reprogram")
    assert unit_change_message(previous_unit="mA", unit="V", reason="lead_revision") is None
    assert unit_change_message(previous_unit=None, unit="V", reason="initial") is None
    assert unit_change_message(previous_unit="mA", unit="mA", reason="other") is None


# --- the clinician's programming form -------------------------------------------------------


def visit(patient: Patient, **changes: str) -> dict[str, str]:
    moment = (timezone.now() - timedelta(hours=1)).astimezone(patient.tz)
    form = {
        "effective_at": moment.strftime("%Y-%m-%dT%H:%M"),
        "reason": "reprogram",
        "stimulation_on": "on",
        "amplitude": "2.0",
        "amplitude_unit": "mA",
        "pulse_width_us": "180",
        "frequency_hz": "14",
        "electrode_configuration": "",
        "note": "",
    }
    form.update(changes)
    return form


def record_url(patient: Patient) -> str:
    return reverse("programming:program", args=[patient.pk])


def test_an_unusual_amplitude_asks_the_clinician_and_saves_nothing(
    alice: Patient, lee_client: Client
) -> None:
    response = lee_client.post(record_url(alice), visit(alice, amplitude="12", reason="other"))
    assert response.status_code == 200
    errors = str(response.context["form"].errors["amplitude"])
    assert "Is 12 mA right? The amplitude now is 2 mA." in errors
    body = response.content.decode()
    assert "12 mA is above the usual range for sacral nerve stimulation" in body
    assert "12 mA is a big jump from 2 mA" in body
    assert 'name="confirm_amplitude" value="12 mA"' in body
    assert "Yes, this is right: 12 mA" in body
    assert SettingsRecord.objects.for_patient(alice).count() == 1


def test_once_confirmed_the_unusual_amplitude_is_saved(alice: Patient, lee_client: Client) -> None:
    data = visit(alice, amplitude="12", reason="other", confirm_amplitude="12 mA")
    response = lee_client.post(record_url(alice), data)
    assert response.status_code == 302
    latest = SettingsRecord.objects.for_patient(alice).current().timeline_order().last()
    assert latest.amplitude == Decimal("12.00")


def test_a_confirmation_is_for_the_value_confirmed_only(alice: Patient, lee_client: Client) -> None:
    data = visit(alice, amplitude="15", reason="other", confirm_amplitude="12 mA")
    response = lee_client.post(record_url(alice), data)
    assert response.status_code == 200
    assert "Is 15 mA right?" in str(response.context["form"].errors["amplitude"])
    assert SettingsRecord.objects.for_patient(alice).count() == 1


def test_a_form_saved_unchanged_creates_no_record(alice: Patient, lee_client: Client) -> None:
    page = lee_client.get(record_url(alice))
    assert page.status_code == 200
    initial = page.context["form"].initial
    data = visit(
        alice, amplitude=str(initial["amplitude"]), pulse_width_us=str(initial["pulse_width_us"]),
        frequency_hz=str(initial["frequency_hz"]),
        electrode_configuration=initial["electrode_configuration"], reason="other",
    )
    response = lee_client.post(record_url(alice), data)
    assert response.status_code == 200
    assert "Nothing changed" in response.content.decode()
    assert SettingsRecord.objects.for_patient(alice).count() == 1


def test_a_lead_revision_with_the_same_programme_is_recorded(
    alice: Patient, lee_client: Client
) -> None:
    response = lee_client.post(
        record_url(alice), visit(alice, pulse_width_us="210", reason="lead_revision")
    )
    assert response.status_code == 302
    assert SettingsRecord.objects.for_patient(alice).count() == 2


def test_a_different_unit_is_refused_next_to_the_unit(alice: Patient, lee_client: Client) -> None:
    response = lee_client.post(
        record_url(alice), visit(alice, amplitude="1.2", amplitude_unit="V")
    )
    assert response.status_code == 200
    assert "recorded in mA" in str(response.context["form"].errors["amplitude_unit"])
    assert SettingsRecord.objects.for_patient(alice).count() == 1


def test_a_lead_revision_may_change_the_unit_and_later_records_keep_it(
    alice: Patient, lee_client: Client
) -> None:
    revision = visit(alice, amplitude="1.2", amplitude_unit="V", reason="lead_revision")
    assert lee_client.post(record_url(alice), revision).status_code == 302
    back_to_ma = visit(alice, amplitude="1.0", amplitude_unit="mA", reason="other")
    response = lee_client.post(record_url(alice), back_to_ma)
    assert response.status_code == 200
    assert "recorded in V" in str(response.context["form"].errors["amplitude_unit"])
    assert SettingsRecord.objects.for_patient(alice).count() == 2


def test_a_new_device_starts_its_own_unit(alice: Patient, lee_client: Client) -> None:
    device = current_device(alice)
    new = device.__class__.objects.create(
        patient=alice, therapy="sacral", implanted_on=device.implanted_on + timedelta(days=30)
    )
    response = lee_client.post(
        record_url(alice), visit(alice, amplitude="1.2", amplitude_unit="V", reason="initial")
    )
    assert response.status_code == 302
    assert SettingsRecord.objects.filter(device=new).get().amplitude_unit == "V"


def test_a_correction_may_not_put_a_record_in_another_unit(
    alice: Patient, lee_client: Client
) -> None:
    lee_client.post(record_url(alice), visit(alice, amplitude="1.5", reason="reduce_amplitude"))
    record = SettingsRecord.objects.for_patient(alice).current().timeline_order().last()
    url = reverse("programming:correct", args=[alice.pk, record.pk])
    response = lee_client.post(url, visit(alice, amplitude="1.5", amplitude_unit="V"))
    assert response.status_code == 200
    assert "recorded in mA" in str(response.context["form"].errors["amplitude_unit"])
    assert not SettingsRecord.objects.filter(corrects=record).exists()


def test_dr_okafor_gets_404_not_a_confirm_step(alice: Patient, okafor_client: Client) -> None:
    response = okafor_client.post(record_url(alice), visit(alice, amplitude="12"))
    assert response.status_code == 404
    assert SettingsRecord.objects.for_patient(alice).count() == 1


def test_the_first_record_of_a_device_may_be_corrected_to_another_unit(
    alice: Patient, lee_client: Client
) -> None:
    record = SettingsRecord.objects.for_patient(alice).get()
    url = reverse("programming:correct", args=[alice.pk, record.pk])
    at = local(alice, record.effective_at.astimezone(alice.tz).date(), 9)
    data = visit(alice, amplitude="2.0", amplitude_unit="V", reason="initial")
    data["effective_at"] = at.strftime("%Y-%m-%dT%H:%M")
    response = lee_client.post(url, data)
    assert response.status_code == 302
    assert SettingsRecord.objects.get(corrects=record).amplitude_unit == "V"
