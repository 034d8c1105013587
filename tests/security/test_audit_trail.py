"""The audit trail: every change to a patient's diary, settings, medications and care team is
recorded by django-auditlog with who, from where and which patient; reads and exports by
audit_access. It is append-only, filterable by patient, exportable as CSV by staff only, and
records that a note changed without copying what it says."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from diary.models import CrampEpisode, Medication, Night, Patient
from diary.services import episode_delete, episode_update, medication_create, night_check_in
from programming.models import ProgrammingVisit, SettingsRecord, VisitConfiguration
from tests.factories import change_settings, local, log_cramp


def entries_for(instance: Any) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(instance).order_by("pk"))


def test_logging_a_cramp_is_recorded_under_the_patient(alice: Patient) -> None:
    with set_actor(alice.user, remote_addr="192.0.2.10"):
        episode = log_cramp(alice, local(alice, date(2025, 4, 4), 2))

    [created] = entries_for(episode)
    assert created.action == LogEntry.Action.CREATE
    assert created.actor == alice.user
    assert created.remote_addr == "192.0.2.10"
    assert created.additional_data == {"patient_id": alice.pk}
    assert entries_for(episode.night)[0].additional_data == {"patient_id": alice.pk}


def test_deleting_a_cramp_keeps_the_row_and_records_who(alice: Patient, dr_lee: User) -> None:
    episode = log_cramp(alice, local(alice, date(2025, 4, 4), 2), notes="calf, left")
    with set_actor(alice.user, remote_addr="192.0.2.10"):
        episode_delete(episode=episode)

    kept = CrampEpisode.objects.get(pk=episode.pk)
    assert kept.deleted_at is not None
    assert kept.severity == 5 and kept.notes == "calf, left"  # recoverable
    assert not CrampEpisode.objects.for_patient(alice).exists()
    deletion = entries_for(episode)[-1]
    assert deletion.actor == alice.user
    assert "deleted_at" in deletion.changes_dict


def test_a_delete_through_a_request_records_the_user_and_address(
    alice: Patient, alice_client: Client, settings
) -> None:
    settings.ROOT_URLCONF = "tests.security.audit_urls"
    episode = log_cramp(alice, local(alice, date(2025, 4, 4), 2))

    response = alice_client.post(
        f"/test/episodes/{episode.pk}/delete/", REMOTE_ADDR="198.51.100.23"
    )

    assert response.status_code == 200
    deletion = entries_for(episode)[-1]
    assert (deletion.actor, deletion.remote_addr) == (alice.user, "198.51.100.23")
    assert deletion.additional_data["patient_id"] == alice.pk


@pytest.mark.parametrize(
    ("behind_proxy", "expected"), [(True, "198.51.100.23"), (False, "127.0.0.1")]
)
def test_the_trail_reads_the_address_by_the_lock_outs_rule(
    alice: Patient, dr_lee: User, alice_client: Client, lee_client: Client, settings,
    behind_proxy: bool, expected: str,
) -> None:
    """Behind the proxy, the address the proxy wrote (the last X-Forwarded-For entry), not
    the proxy's own nor the first entry, which the client can make up; without the proxy
    setting, the socket's address."""
    settings.BEHIND_PROXY = behind_proxy
    settings.ROOT_URLCONF = "tests.security.audit_urls"
    episode = log_cramp(alice, local(alice, date(2025, 4, 4), 2))
    via_proxy = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.23"}

    alice_client.post(f"/test/episodes/{episode.pk}/delete/", **via_proxy)
    lee_client.get(f"/clinic/patients/{alice.pk}/", **via_proxy)

    assert entries_for(episode)[-1].remote_addr == expected
    access = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).get()
    assert access.remote_addr == expected


def test_edits_to_nights_medications_and_settings_are_recorded(alice: Patient) -> None:
    with set_actor(alice.user):
        episode = log_cramp(alice, local(alice, date(2025, 4, 4), 2))
        episode_update(episode=episode, severity=8)
        night = night_check_in(
            patient=alice, night_date=date(2025, 4, 6), cramp_free=True, sleep_quality=6
        )
        medication = medication_create(
            patient=alice, name="Simvastatin", category="statin", started_on=date(2025, 1, 1)
        )
        record = change_settings(alice, local(alice, date(2025, 4, 7), 10), amplitude="1.5")

    assert entries_for(episode)[-1].changes_dict["severity"] == ["5", "8"]
    for instance in (night, medication, record):
        entry = entries_for(instance)[-1]
        assert entry.actor == alice.user
        assert entry.additional_data == {"patient_id": alice.pk}


def test_care_team_changes_are_recorded(alice: Patient, dr_okafor: User, admin_user: User) -> None:
    with set_actor(admin_user):
        alice.care_team.add(dr_okafor)

    entry = entries_for(alice)[-1]
    assert entry.actor == admin_user
    assert entry.changes_dict["care_team"]["objects"] == ["dr.okafor"]
    assert entry.additional_data == {"patient_id": alice.pk}


def test_notes_are_recorded_as_changed_but_never_copied(alice: Patient) -> None:
    episode = log_cramp(alice, local(alice, date(2025, 4, 4), 2))
    episode_update(episode=episode, notes="woke at 2, calf knotted")

    changes = entries_for(episode)[-1].changes_dict
    assert changes["notes"] == ["", "[text]"]
    assert not LogEntry.objects.filter(changes__icontains="knotted").exists()


def test_a_clinician_viewing_a_record_is_recorded(
    alice: Patient, dr_lee: User, lee_client: Client
) -> None:
    lee_client.get(f"/clinic/patients/{alice.pk}/", REMOTE_ADDR="192.0.2.44")

    access = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).get()
    assert (access.actor, access.remote_addr) == (dr_lee, "192.0.2.44")
    assert access.additional_data["patient_id"] == alice.pk


def test_an_export_is_recorded(alice: Patient, dr_lee: User, lee_client: Client) -> None:
    response = lee_client.get(f"/exports/patients/{alice.pk}/episodes.csv")
    b"".join(response.streaming_content)

    access = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=dr_lee)
    assert access.filter(additional_data__what="export").exists()


@pytest.mark.parametrize(
    "request_for",
    [
        lambda entry: ("get", "/admin/auditlog/logentry/add/"),
        lambda entry: ("post", f"/admin/auditlog/logentry/{entry.pk}/change/"),
        lambda entry: ("post", f"/admin/auditlog/logentry/{entry.pk}/delete/"),
    ],
    ids=["add", "change", "delete"],
)
def test_the_audit_log_is_append_only_in_the_admin(
    request_for: Any, alice: Patient, admin_client: Client
) -> None:
    entry = LogEntry.objects.first()
    count = LogEntry.objects.count()
    method, url = request_for(entry)

    response = getattr(admin_client, method)(url, {"post": "yes"})

    assert response.status_code == 403
    assert LogEntry.objects.count() == count
    assert LogEntry.objects.get(pk=entry.pk).changes == entry.changes


def test_staff_filter_the_audit_log_by_patient(
    alice: Patient, bob: Patient, admin_client: Client
) -> None:
    log_cramp(alice, local(alice, date(2025, 4, 4), 2))
    log_cramp(bob, local(bob, date(2025, 4, 4), 2))

    response = admin_client.get(f"/admin/auditlog/logentry/?patient_id={alice.pk}")

    shown = list(response.context["cl"].result_list)
    assert shown
    assert {entry.additional_data["patient_id"] for entry in shown} == {alice.pk}
    assert b"patient" in response.content  # the filter is offered


def test_staff_export_the_filtered_audit_log_as_csv(
    alice: Patient, bob: Patient, admin_client: Client
) -> None:
    log_cramp(alice, local(alice, date(2025, 4, 4), 2), notes="=HYPERLINK(\"x\")")
    log_cramp(bob, local(bob, date(2025, 4, 4), 2))

    response = admin_client.get(f"/admin/auditlog/logentry/export.csv?patient_id={alice.pk}")

    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    expected = LogEntry.objects.filter(additional_data__patient_id=alice.pk).count()
    assert len(rows) == expected
    assert {row["patient_id"] for row in rows} == {str(alice.pk)}
    assert {"crampepisode", "night"} <= {row["object_type"] for row in rows}
    assert "HYPERLINK" not in "".join(str(row) for row in rows)


def test_only_staff_can_export_the_audit_log(
    alice: Patient, lee_client: Client, alice_client: Client
) -> None:
    for client in (lee_client, alice_client):
        response = client.get("/admin/auditlog/logentry/export.csv")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_every_audited_model_files_its_entries_under_the_patient() -> None:
    for model in (
        Patient, Night, CrampEpisode, Medication, SettingsRecord, ProgrammingVisit,
        VisitConfiguration,
    ):
        assert callable(getattr(model, "get_additional_data", None)), model.__name__
