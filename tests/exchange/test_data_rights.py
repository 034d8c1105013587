"""A patient's data rights (issue 26): download everything from their own Settings, and a
request to erase the diary that the clinic's staff approve or refuse with a reason; erasure
keeps only the audit trail's who and when."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.models import CrampEpisode, Medication, Night, Patient
from diary.services import medication_create
from exchange.models import ErasureRequest
from programming.models import Device, ProgrammingVisit, SettingsRecord
from programming.services import visit_record_create, visit_report_attach
from tests.conftest import client_for
from tests.factories import PASSWORD, change_settings, local, log_cramp, log_nights

pytestmark = pytest.mark.django_db

MY_DATA = "exchange:my-data"


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("clerk", password="x", is_staff=True, is_superuser=True)


def _alice_diary(alice: Patient) -> None:
    last = alice.last_completed_night()
    log_nights(alice, last - timedelta(days=9), [0, 1, 0, 2, 0, 0, 1, 0, 0, 1])
    log_cramp(alice, local(alice, last, 23, 5), severity=9, notes="Left calf, woke me")
    record = change_settings(alice, local(alice, last - timedelta(days=4), 10), amplitude=1.2)
    # A correction: it protects the record it corrects, and every record its device.
    change_settings(alice, record.effective_at, amplitude=1.3, corrects=record)
    medication_create(patient=alice, name="Furosemide", category="diuretic",
                      started_on=last - timedelta(days=20))


def test_a_patient_downloads_everything_as_one_bundle_and_it_is_audited(
    alice: Patient, alice_client: Client
) -> None:
    _alice_diary(alice)
    page = alice_client.get(reverse(MY_DATA))
    assert page.status_code == 200
    assert reverse("exchange:my-bundle") in page.content.decode()
    response = alice_client.get(reverse("exchange:my-bundle"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    bundle = json.loads(response.content)
    assert bundle["patient"]["username"] == "alice"
    assert sum(len(n["episodes"]) for n in bundle["nights"]) == CrampEpisode.objects.count()
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("timestamp")
    assert entry.additional_data["kind"] == "bundle.json"
    assert entry.actor == alice.user


def test_only_a_patient_has_a_data_page(lee_client: Client, client: Client) -> None:
    assert lee_client.get(reverse(MY_DATA)).status_code == 302
    assert lee_client.get(reverse("exchange:my-bundle")).status_code == 302
    assert client.get(reverse("exchange:my-bundle")).status_code == 302


def test_a_request_needs_the_box_ticked_and_a_double_tap_asks_once(
    alice: Patient, alice_client: Client
) -> None:
    refused = alice_client.post(reverse(MY_DATA), {})
    assert refused.status_code == 400
    assert "Tick the box to say you understand" in refused.content.decode()
    assert not ErasureRequest.objects.exists()
    for _ in range(2):
        assert alice_client.post(reverse(MY_DATA), {"confirm": "on"}).status_code == 302
    request = ErasureRequest.objects.get()
    assert (request.patient, request.status, request.requested_by) == (
        alice, "pending", alice.user)
    page = alice_client.get(reverse(MY_DATA)).content.decode()
    assert "Your clinic has not decided yet" in page


def test_a_patient_withdraws_their_request(alice: Patient, alice_client: Client) -> None:
    alice_client.post(reverse(MY_DATA), {"confirm": "on"})
    response = alice_client.post(reverse("exchange:my-erasure-withdraw"))
    assert response.status_code == 302
    assert ErasureRequest.objects.get().status == "withdrawn"
    assert alice_client.get(reverse("exchange:my-erasure-withdraw")).status_code == 405
    assert LogEntry.objects.filter(additional_data__what="erasure_withdrawn").exists()


def _decide(staff: User, request: ErasureRequest, **data: str):
    return client_for(staff).post(
        reverse("admin:exchange_erasurerequest_change", args=[request.pk]), data
    )


def test_staff_refuse_with_a_reason_and_the_patient_reads_it(
    alice: Patient, alice_client: Client, staff: User
) -> None:
    _alice_diary(alice)
    alice_client.post(reverse(MY_DATA), {"confirm": "on"})
    request = ErasureRequest.objects.get()
    no_reason = _decide(staff, request, decision="refuse", reason="")
    assert no_reason.status_code == 200
    assert "Give the reason" in no_reason.content.decode()
    assert ErasureRequest.objects.get().status == "pending"
    done = _decide(staff, request, decision="refuse",
                   reason="Records are kept 15 years by the hospital's rule.")
    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("refused", staff)
    assert Night.objects.filter(patient=alice).exists()
    page = alice_client.get(reverse(MY_DATA)).content.decode()
    assert "Records are kept 15 years" in page
    assert LogEntry.objects.filter(additional_data__what="erasure_refused", actor=staff).exists()


def test_staff_approve_and_the_diary_is_erased_leaving_only_who_and_when(
    alice: Patient, bob: Patient, alice_client: Client, staff: User, dr_lee: User,
    django_capture_on_commit_callbacks,
) -> None:
    _alice_diary(alice)
    # A programming visit that left settings in place, with its session report on disk.
    visit = visit_record_create(
        device=alice.devices.get(), visited_at=timezone.now() - timedelta(hours=3),
        clinician=dr_lee, left_in_place=0,
        configurations=[{"electrodes": "0-3+", "amplitude": Decimal("1.1"),
                         "amplitude_unit": "mA", "pulse_width_us": 210,
                         "frequency_hz": Decimal("14"), "sensory_threshold": Decimal("0.8")}],
    )
    visit_report_attach(visit=visit, report=SimpleUploadedFile(
        "report.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf"))
    report = Path(django_settings.PRIVATE_MEDIA_ROOT) / visit.report.name
    assert report.is_file()
    log_nights(bob, bob.last_completed_night() - timedelta(days=2), [1, 0, 1])
    alice_id, user_id = alice.pk, alice.user.pk
    alice_client.get(reverse("exchange:my-bundle"))  # an access entry from before
    alice_client.post(reverse(MY_DATA), {"confirm": "on"})
    request = ErasureRequest.objects.get()
    assert LogEntry.objects.filter(changes__icontains="Furosemide").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(staff, request, decision="approve", reason="Asked by the patient.")
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.patient, request.patient_ref) == ("approved", None, alice_id)
    assert request.erased_at is not None
    assert not Patient.objects.filter(pk=alice_id).exists()
    for model in (Night, CrampEpisode, Medication, Device, SettingsRecord):
        assert not model.objects.filter(
            **{"device__patient_id" if model is SettingsRecord else (
                "night__patient_id" if model is CrampEpisode else "patient_id"): alice_id}
        ).exists()
    assert not ProgrammingVisit.objects.filter(pk=visit.pk).exists()
    assert not report.exists()
    assert Night.objects.filter(patient=bob).count() == 3  # nobody else's diary

    user = User.objects.get(pk=user_id)
    assert not user.is_active and not user.has_usable_password()
    assert user.username.startswith("erased-")
    assert alice_client.get(reverse("diary:home")).status_code == 302  # signed out
    log_in = Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert log_in.status_code == 200  # the form again, with its error: no such account

    # The audit trail keeps who did what and when about the erased rows, never their values.
    about_alice = LogEntry.objects.filter(additional_data__patient_id=alice_id)
    assert about_alice.filter(action=LogEntry.Action.ACCESS).exists()
    text = json.dumps([[e.changes, e.object_repr, e.serialized_data] for e in about_alice.exclude(
        additional_data__what__startswith="erasure")])
    assert "Furosemide" not in text and "alice" not in text
    assert about_alice.filter(additional_data__what="erasure",
                              action=LogEntry.Action.DELETE).exists()
    assert about_alice.filter(additional_data__what="erasure_approved", actor=staff).exists()


def test_a_decided_request_cannot_be_decided_again(
    alice: Patient, alice_client: Client, staff: User
) -> None:
    alice_client.post(reverse(MY_DATA), {"confirm": "on"})
    request = ErasureRequest.objects.get()
    _decide(staff, request, decision="refuse", reason="Kept by law.")
    again = _decide(staff, request, decision="approve", reason="Changed my mind.")
    assert again.status_code in (200, 302)
    request.refresh_from_db()
    assert request.status == "refused"
    assert Patient.objects.filter(pk=alice.pk).exists()


def test_a_clinician_cannot_open_the_requests_in_the_admin(
    alice: Patient, alice_client: Client, lee_client: Client
) -> None:
    alice_client.post(reverse(MY_DATA), {"confirm": "on"})
    request = ErasureRequest.objects.get()
    url = reverse("admin:exchange_erasurerequest_change", args=[request.pk])
    response = lee_client.post(url, {"decision": "approve", "reason": "x"})
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert ErasureRequest.objects.get().status == "pending"


def test_an_erasure_takes_the_daily_outcomes_and_their_audit_values(
    alice: Patient, alice_client: Client, staff: User
) -> None:
    from diary.models import DailyOutcome
    from diary.services import outcome_record

    outcome_record(patient=alice, day=alice.local_now().date(), leaks=37, voids=41)
    alice_id = alice.pk
    assert LogEntry.objects.filter(additional_data__patient_id=alice_id,
                                   changes__icontains="41").exists()
    alice_client.post(reverse(MY_DATA), {"confirm": "on"})
    _decide(staff, ErasureRequest.objects.get(), decision="approve", reason="Asked.")
    assert not DailyOutcome.objects.filter(patient_id=alice_id).exists()
    about_alice = LogEntry.objects.filter(additional_data__patient_id=alice_id).exclude(
        additional_data__what__startswith="erasure")
    assert not [e for e in about_alice if "41" in json.dumps(e.changes)]
