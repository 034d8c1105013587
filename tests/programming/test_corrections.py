"""Corrections: a new record pointing at the one it corrects; nothing overwritten; the diary
follows the corrected timeline."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from diary.models import Patient
from programming.models import SettingsRecord
from programming.services import timeline_for
from tests.factories import change_settings, local, log_cramp


def correction(at: datetime, amplitude: str) -> dict[str, str]:
    return {
        "effective_at": at.strftime("%Y-%m-%dT%H:%M"),
        "reason": "reduce_amplitude",
        "stimulation_on": "on",
        "amplitude": amplitude,
        "amplitude_unit": "mA",
        "pulse_width_us": "210",
        "frequency_hz": "14",
        "note": "Typed 3.0 for 1.5.",
    }


def test_the_correction_form_is_prefilled_with_the_record_and_its_time(
    alice: Patient, lee_client: Client
) -> None:
    wrong = change_settings(alice, local(alice, date(2025, 6, 3), 10), amplitude="3.0")
    form = lee_client.get(reverse("programming:correct", args=[alice.pk, wrong.pk])).context["form"]
    assert form.initial["amplitude"] == Decimal("3.00")
    assert form.initial["effective_at"] == datetime(2025, 6, 3, 10, 0)


def test_a_correction_is_a_new_record_and_the_episode_follows_it(
    alice: Patient, lee_client: Client
) -> None:
    wrong = change_settings(
        alice, local(alice, date(2025, 6, 3), 10), amplitude="3.0", reason="reduce_amplitude"
    )
    episode = log_cramp(alice, local(alice, date(2025, 6, 4), 2))
    assert timeline_for(alice).at(episode.started_at).amplitude == 3.0

    response = lee_client.post(
        reverse("programming:correct", args=[alice.pk, wrong.pk]),
        correction(datetime(2025, 6, 3, 10, 0), "1.5"),
    )
    assert response.status_code == 302

    wrong.refresh_from_db()
    assert wrong.amplitude == Decimal("3.00")  # kept as it was
    fixed = SettingsRecord.objects.get(corrects=wrong)
    assert fixed.amplitude == Decimal("1.50")
    assert timeline_for(alice).at(episode.started_at).record_id == fixed.pk

    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    (row,) = page.context["night_rows"][0]["episodes"]
    settings = row["settings"]
    assert settings.amplitude == 1.5
    history = page.content.decode()
    assert "Corrects the record of" in history and "<s>" in history


def test_a_record_already_corrected_is_refused_with_a_clear_message(
    alice: Patient, lee_client: Client
) -> None:
    wrong = change_settings(alice, local(alice, date(2025, 6, 3), 10), amplitude="3.0")
    url = reverse("programming:correct", args=[alice.pk, wrong.pk])
    lee_client.post(url, correction(datetime(2025, 6, 3, 10, 0), "1.5"))

    again = lee_client.post(url, correction(datetime(2025, 6, 3, 10, 0), "1.0"), follow=True)
    assert "corrected already" in again.content.decode()
    assert SettingsRecord.objects.filter(corrects=wrong).count() == 1
    assert SettingsRecord.objects.for_patient(alice).count() == 3


def test_a_correction_can_itself_be_corrected(alice: Patient, lee_client: Client) -> None:
    wrong = change_settings(alice, local(alice, date(2025, 6, 3), 10), amplitude="3.0")
    lee_client.post(
        reverse("programming:correct", args=[alice.pk, wrong.pk]),
        correction(datetime(2025, 6, 3, 10, 0), "1.5"),
    )
    first_fix = SettingsRecord.objects.get(corrects=wrong)
    lee_client.post(
        reverse("programming:correct", args=[alice.pk, first_fix.pk]),
        correction(datetime(2025, 6, 3, 10, 0), "1.8"),
    )
    assert timeline_for(alice).current.amplitude == 1.8


def remote_cut_to_0_15(alice: Patient, alice_client: Client) -> SettingsRecord:
    """alice at 1.5 mA types 0.15 with her remote and confirms it."""
    change_settings(alice, local(alice, date(2025, 6, 1), 10), amplitude="1.5")
    response = alice_client.post(reverse("diary:remote-change"), {
        "stimulation_on": "on", "amplitude": "0.15", "effective_at": "2025-06-03T22:00",
        "note": "", "confirm_amplitude": "0.15 mA",
    })
    assert response.status_code == 302
    return SettingsRecord.objects.for_patient(alice).latest("effective_at")


def test_correcting_a_slipped_decimal_back_compares_with_the_record_before_it(
    alice: Patient, alice_client: Client, lee_client: Client
) -> None:
    wrong = remote_cut_to_0_15(alice, alice_client)
    assert wrong.amplitude == Decimal("0.15")
    response = lee_client.post(
        reverse("programming:correct", args=[alice.pk, wrong.pk]),
        correction(datetime(2025, 6, 3, 22, 0), "1.5"),
    )
    assert response.status_code == 302  # no "big jump" from 0.15: 1.5 was in effect before
    assert SettingsRecord.objects.get(corrects=wrong).amplitude == Decimal("1.50")
    assert timeline_for(alice).current.amplitude == 1.5


def test_a_correction_far_from_the_record_before_it_asks_naming_that_record(
    alice: Patient, alice_client: Client, lee_client: Client
) -> None:
    wrong = remote_cut_to_0_15(alice, alice_client)
    response = lee_client.post(
        reverse("programming:correct", args=[alice.pk, wrong.pk]),
        correction(datetime(2025, 6, 3, 22, 0), "6"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Is 6 mA right? The amplitude before this record is 1.5 mA." in body
    assert "6 mA is a big jump from 1.5 mA, the amplitude before this record." in body
    assert "0.15" not in body.split("Is 6 mA right?")[1].split("</")[0]
    assert not SettingsRecord.objects.filter(corrects=wrong).exists()


def test_correcting_a_first_record_compares_with_nothing_before_it(
    alice: Patient, lee_client: Client
) -> None:
    first = SettingsRecord.objects.for_patient(alice).get()
    response = lee_client.post(
        reverse("programming:correct", args=[alice.pk, first.pk]),
        {**correction(first.effective_at.astimezone(alice.tz).replace(tzinfo=None), "4.5"),
         "reason": "initial"},
    )
    assert response.status_code == 302  # 2.0 -> 4.5 would be a big jump; nothing is before it
    assert SettingsRecord.objects.get(corrects=first).amplitude == Decimal("4.50")
