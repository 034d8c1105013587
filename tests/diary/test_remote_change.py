from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from programming.models import SettingsRecord
from programming.services import timeline_for
from tests.factories import local

pytestmark = pytest.mark.django_db


def test_a_remote_change_records_a_patient_source_settings_record(alice, alice_client):
    response = alice_client.post(
        reverse("diary:remote-change"),
        {
            "stimulation_on": "on",
            "amplitude": "1.4",
            "effective_at": "2026-03-10T22:15",
            "note": "",
        },
    )
    assert response.status_code == 302
    record = SettingsRecord.objects.latest("effective_at")
    assert record.source == "patient_remote"
    assert record.reason == "reduce_amplitude"
    assert float(record.amplitude) == 1.4
    assert record.pulse_width_us == 210  # unchanged parameters carried from the current record
    assert record.recorded_by == alice.user
    assert timeline_for(alice).at(local(alice, date(2026, 3, 10), 22, 15)).amplitude == 1.4


def test_turning_the_device_off_is_recorded_as_device_off(alice, alice_client):
    alice_client.post(
        reverse("diary:remote-change"),
        {
            "stimulation_on": "off",
            "amplitude": "2.0",
            "effective_at": "2026-03-10T03:00",
        },
    )
    record = SettingsRecord.objects.latest("effective_at")
    assert (record.reason, record.stimulation_on) == ("device_off", False)


@pytest.mark.parametrize("amplitude", ["25.6", "-0.1", "abc"])
def test_an_amplitude_outside_what_the_device_can_deliver_is_refused(alice_client, amplitude):
    response = alice_client.post(
        reverse("diary:remote-change"),
        {
            "stimulation_on": "on",
            "amplitude": amplitude,
            "effective_at": "2026-03-10T22:15",
        },
    )
    assert response.status_code == 200
    assert SettingsRecord.objects.count() == 1
    body = response.content.decode()
    assert (
        "Amplitude must be between 0 and 25.5 mA." in body
        or "cannot be negative" in body
        or "Enter a number" in body
    )


def test_the_same_change_sent_twice_is_recorded_once(alice_client):
    data = {"stimulation_on": "on", "amplitude": "1.4", "effective_at": "2026-03-10T22:15"}
    alice_client.post(reverse("diary:remote-change"), data)
    alice_client.post(reverse("diary:remote-change"), data)
    assert SettingsRecord.objects.count() == 2  # the initial record and one change
