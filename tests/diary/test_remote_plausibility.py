"""The remote form asks before saving an unusual amplitude and saves nothing unchanged."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programming.models import SettingsRecord
from tests.factories import change_settings

pytestmark = pytest.mark.django_db


def remote(patient, **changes):
    moment = (timezone.now() - timedelta(minutes=30)).astimezone(patient.tz)
    form = {
        "stimulation_on": "on",
        "amplitude": "1.5",
        "effective_at": moment.strftime("%Y-%m-%dT%H:%M"),
        "note": "",
    }
    form.update(changes)
    return form


@pytest.fixture
def alice_at_one_and_a_half(alice):
    change_settings(alice, timezone.now() - timedelta(days=3), amplitude="1.5", reason="other")
    return alice


def test_25_ma_for_a_sacral_patient_at_1_5_asks_first_and_saves_nothing(
    alice_at_one_and_a_half, alice_client
):
    alice = alice_at_one_and_a_half
    before = SettingsRecord.objects.for_patient(alice).count()
    response = alice_client.post(reverse("diary:remote-change"), remote(alice, amplitude="25"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "25 mA is above the usual range for sacral nerve stimulation (up to 5 mA)" in body
    assert "Is 25 mA right? The amplitude now is 1.5 mA." in body
    assert "25 mA is a big jump from 1.5 mA" in body
    assert 'name="confirm_amplitude" value="25 mA"' in body
    assert SettingsRecord.objects.for_patient(alice).count() == before


def test_confirmed_it_is_saved_as_an_increase(alice_at_one_and_a_half, alice_client):
    alice = alice_at_one_and_a_half
    response = alice_client.post(
        reverse("diary:remote-change"),
        remote(alice, amplitude="25", confirm_amplitude="25 mA"),
    )
    assert response.status_code == 302
    record = SettingsRecord.objects.for_patient(alice).latest("effective_at")
    assert (record.amplitude, record.reason) == (Decimal("25.00"), "increase_amplitude")


def test_a_small_increase_needs_no_confirmation_and_is_an_increase(
    alice_at_one_and_a_half, alice_client
):
    alice = alice_at_one_and_a_half
    response = alice_client.post(reverse("diary:remote-change"), remote(alice, amplitude="2.0"))
    assert response.status_code == 302
    record = SettingsRecord.objects.for_patient(alice).latest("effective_at")
    assert (record.amplitude, record.reason) == (Decimal("2.00"), "increase_amplitude")


def test_turning_off_never_asks(alice_at_one_and_a_half, alice_client):
    alice = alice_at_one_and_a_half
    response = alice_client.post(
        reverse("diary:remote-change"), remote(alice, stimulation_on="off", amplitude="1.5")
    )
    assert response.status_code == 302


def test_the_form_saved_unchanged_creates_no_record(alice_at_one_and_a_half, alice_client):
    alice = alice_at_one_and_a_half
    before = SettingsRecord.objects.for_patient(alice).count()
    response = alice_client.post(reverse("diary:remote-change"), remote(alice), follow=True)
    assert response.status_code == 200
    assert "Nothing changed: your stimulator is already at 1.5 mA, on." in (
        response.content.decode()
    )
    assert SettingsRecord.objects.for_patient(alice).count() == before


def test_0_15_typed_for_1_5_asks_first_and_saves_nothing(alice_at_one_and_a_half, alice_client):
    alice = alice_at_one_and_a_half
    before = SettingsRecord.objects.for_patient(alice).count()
    response = alice_client.post(reverse("diary:remote-change"), remote(alice, amplitude="0.15"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Is 0.15 mA right? The amplitude now is 1.5 mA." in body
    assert "0.15 mA is much lower than 1.5 mA" in body
    assert 'name="confirm_amplitude" value="0.15 mA"' in body
    assert "Nothing has been saved yet." in body
    assert SettingsRecord.objects.for_patient(alice).count() == before


def test_a_confirmed_cut_is_saved_as_a_reduction(alice_at_one_and_a_half, alice_client):
    alice = alice_at_one_and_a_half
    response = alice_client.post(
        reverse("diary:remote-change"),
        remote(alice, amplitude="0.15", confirm_amplitude="0.15 mA"),
    )
    assert response.status_code == 302
    record = SettingsRecord.objects.for_patient(alice).latest("effective_at")
    assert (record.amplitude, record.reason) == (Decimal("0.15"), "reduce_amplitude")


def test_an_ordinary_reduction_needs_no_confirmation(alice_at_one_and_a_half, alice_client):
    alice = alice_at_one_and_a_half
    response = alice_client.post(reverse("diary:remote-change"), remote(alice, amplitude="1.0"))
    assert response.status_code == 302
    record = SettingsRecord.objects.for_patient(alice).latest("effective_at")
    assert (record.amplitude, record.reason) == (Decimal("1.00"), "reduce_amplitude")
