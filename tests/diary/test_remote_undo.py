"""A patient may undo their own last remote entry for REMOTE_UNDO_HOURS: a correction record
back to the settings before it, nothing overwritten, audited like any correction; the
timeline and the analysis stop counting the mistaken record."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.models import Patient
from insights.analysis import analyse
from insights.data import load_patient_data
from programming.models import SettingsRecord
from programming.services import timeline_for
from tests.factories import change_settings, log_nights

pytestmark = pytest.mark.django_db

UNDO = "Undo this change"


def remote(patient: Patient, amplitude: str, minutes_ago: int = 30, **extra: str) -> dict:
    moment = (timezone.now() - timedelta(minutes=minutes_ago)).astimezone(patient.tz)
    return {
        "stimulation_on": "on", "amplitude": amplitude,
        "effective_at": moment.strftime("%Y-%m-%dT%H:%M"), "note": "", **extra,
    }


@pytest.fixture
def slipped(alice: Patient, alice_client: Client) -> SettingsRecord:
    """alice, at 1.5 mA with cramps most nights, types 0.15 for 1.5 and confirms it."""
    change_settings(alice, timezone.now() - timedelta(days=20), amplitude="1.5")
    log_nights(alice, alice.last_completed_night() - timedelta(days=9), [1, 2, 0, 1, 1, 0, 2, 1])
    response = alice_client.post(
        reverse("diary:remote-change"), remote(alice, "0.15", confirm_amplitude="0.15 mA")
    )
    assert response.status_code == 302
    record = SettingsRecord.objects.for_patient(alice).latest("recorded_at", "id")
    assert record.amplitude == Decimal("0.15")
    return record


def undo_url(record: SettingsRecord) -> str:
    return reverse("diary:remote-undo", args=[record.pk])


def test_home_offers_to_undo_the_patients_own_last_remote_entry(slipped, alice_client) -> None:
    response = alice_client.get(reverse("diary:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert UNDO in body and f'action="{undo_url(slipped)}"' in body
    assert "csrfmiddlewaretoken" in body.split('id="undo-remote"')[1]
    page = alice_client.get(reverse("diary:remote-change")).content.decode()
    assert UNDO in page


def test_undo_writes_a_correction_back_to_the_settings_before(slipped, alice, alice_client):
    count = SettingsRecord.objects.count()
    response = alice_client.post(undo_url(slipped), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Undone: your change to 0.15 mA, on" in body
    assert "reads 1.5 mA, on from then on, as before" in body
    assert UNDO not in body  # the undo itself is not offered for undoing

    slipped.refresh_from_db()
    assert slipped.amplitude == Decimal("0.15")  # kept as it was
    assert SettingsRecord.objects.count() == count + 1
    fix = SettingsRecord.objects.get(corrects=slipped)
    assert (fix.amplitude, fix.source, fix.recorded_by) == (
        Decimal("1.50"), "patient_remote", alice.user
    )
    assert fix.effective_at == slipped.effective_at
    timeline = timeline_for(alice)
    assert timeline.current.amplitude == 1.5
    assert all(s.amplitude != 0.15 for s in timeline.records)

    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(SettingsRecord),
        object_pk=str(fix.pk), action=LogEntry.Action.CREATE,
    )
    assert entry.actor == alice.user
    assert entry.additional_data == {"patient_id": alice.pk}


def test_the_analysis_stops_counting_the_mistaken_reduction(slipped, alice, alice_client):
    before = analyse(load_patient_data(alice))
    (cut,) = [c for c in before.comparisons if c.change.amplitude == 0.15]
    assert cut.change.reason == "reduce_amplitude"
    assert cut.made_because_of_cramps  # what the patient's entry claimed, until undone

    alice_client.post(undo_url(slipped))
    after = analyse(load_patient_data(alice))
    assert [c for c in after.comparisons if c.change.amplitude == 0.15] == []
    assert all(e.settings.amplitude != 0.15 for e in after.epochs)
    assert after.epochs[-1].settings.amplitude == 1.5


def test_a_double_tap_undoes_once(slipped, alice_client) -> None:
    count = SettingsRecord.objects.count()
    first = alice_client.post(undo_url(slipped))
    second = alice_client.post(undo_url(slipped), follow=True)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "was already undone" in second.content.decode()
    assert SettingsRecord.objects.count() == count + 1


def test_undo_is_a_post_with_csrf(slipped, alice) -> None:
    assert Client().get(undo_url(slipped)).status_code == 302  # to log in
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice.user, backend="django.contrib.auth.backends.ModelBackend")
    assert strict.get(undo_url(slipped)).status_code == 405
    assert strict.post(undo_url(slipped)).status_code == 403
    assert not SettingsRecord.objects.filter(corrects=slipped).exists()


def test_after_the_window_there_is_no_button_and_a_post_changes_nothing(
    slipped, alice_client, settings
) -> None:
    SettingsRecord.objects.filter(pk=slipped.pk).update(
        recorded_at=timezone.now() - timedelta(hours=settings.REMOTE_UNDO_HOURS, minutes=1)
    )
    home = alice_client.get(reverse("diary:home"))
    assert home.status_code == 200 and UNDO not in home.content.decode()
    response = alice_client.post(undo_url(slipped))
    assert response.status_code == 403
    assert "Nothing was changed" in response.content.decode()
    assert not SettingsRecord.objects.filter(corrects=slipped).exists()


def test_a_clinic_entered_record_cannot_be_undone_by_the_patient(alice, alice_client) -> None:
    visit = change_settings(alice, timezone.now() - timedelta(hours=1), amplitude="1.2")
    home = alice_client.get(reverse("diary:home"))
    assert home.status_code == 200 and UNDO not in home.content.decode()
    assert alice_client.post(undo_url(visit)).status_code == 403
    assert not SettingsRecord.objects.filter(corrects=visit).exists()


def test_an_entry_with_something_newer_cannot_be_undone(slipped, alice, alice_client):
    visit = change_settings(alice, timezone.now() - timedelta(minutes=5), amplitude="1.5")
    home = alice_client.get(reverse("diary:home"))
    assert home.status_code == 200 and UNDO not in home.content.decode()
    assert alice_client.post(undo_url(slipped)).status_code == 403
    assert not SettingsRecord.objects.filter(corrects=slipped).exists()
    assert timeline_for(alice).current.record_id == visit.pk


def test_only_the_last_of_two_remote_entries_is_offered(slipped, alice, alice_client):
    alice_client.post(reverse("diary:remote-change"), remote(alice, "0.2", minutes_ago=10))
    second = SettingsRecord.objects.for_patient(alice).latest("recorded_at", "id")
    body = alice_client.get(reverse("diary:home")).content.decode()
    assert f'action="{undo_url(second)}"' in body
    assert f'action="{undo_url(slipped)}"' not in body
    assert alice_client.post(undo_url(slipped)).status_code == 403
    assert alice_client.post(undo_url(second)).status_code == 302
    assert timeline_for(alice).current.amplitude == 0.15  # back to the first entry's value


def test_another_patient_gets_404_and_no_button(slipped, bob_client) -> None:
    home = bob_client.get(reverse("diary:home"))
    assert home.status_code == 200 and UNDO not in home.content.decode()
    assert bob_client.post(undo_url(slipped)).status_code == 404
    assert not SettingsRecord.objects.filter(corrects=slipped).exists()


def test_a_clinician_cannot_undo_for_the_patient(slipped, lee_client) -> None:
    response = lee_client.post(undo_url(slipped))
    assert response.status_code == 302 and response["Location"] == reverse("clinic:cohort")
    assert not SettingsRecord.objects.filter(corrects=slipped).exists()


def test_the_clinician_sees_the_entry_and_its_undo_in_the_history(
    slipped, alice, alice_client, lee_client
) -> None:
    alice_client.post(undo_url(slipped))
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Corrects the record of" in body and "<s>" in body
    assert "Undone by the patient" in body
