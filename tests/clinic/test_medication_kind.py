"""A medicine whose kind the patient did not know: a listed name takes its kind, the care team
sets the rest (issue 28, item 4), and the ladder's medication rule then reads it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from diary.models import Medication, Patient
from diary.services import medication_create
from tests.factories import log_nights

pytestmark = pytest.mark.django_db


def _kind_url(patient: Patient, medication: Medication) -> str:
    return reverse("clinic:medication-kind", args=[patient.pk, medication.pk])


def test_a_listed_name_saved_as_not_sure_by_the_patient_is_stored_as_its_kind(
    alice: Patient, alice_client: Client
) -> None:
    response = alice_client.post(
        reverse("diary:medications"),
        {"name": "Prednisone 20 mg", "category": "not_sure", "started_on": "2026-02-01"},
    )
    assert response.status_code == 302
    medication = Medication.objects.for_patient(alice).get()
    assert (medication.category, medication.kind_unknown) == ("steroid", False)


def test_the_patient_page_names_a_medicine_of_unknown_kind(
    alice: Patient, lee_client: Client
) -> None:
    medication_create(patient=alice, name="Quinine", category="not_sure",
                      started_on=date(2026, 2, 1))
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 medicine of unknown kind" in text
    assert "kind unknown" in text


def test_a_clinician_sets_the_kind_and_the_audit_trail_keeps_the_old_one(
    alice: Patient, lee_client: Client
) -> None:
    medication = medication_create(patient=alice, name="Waterpil", category="other",
                                   started_on=date(2026, 2, 1))
    version = Patient.objects.get(pk=alice.pk).data_version
    form = lee_client.get(_kind_url(alice, medication))
    assert form.status_code == 200
    assert "Kind of Waterpil" in form.content.decode()
    response = lee_client.post(_kind_url(alice, medication), {"category": "diuretic"})
    assert response.status_code == 302
    medication.refresh_from_db()
    assert (medication.category, medication.kind_confirmed) == ("diuretic", True)
    assert not medication.kind_unknown
    assert Patient.objects.get(pk=alice.pk).data_version > version
    entry = LogEntry.objects.get_for_object(medication).filter(
        action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["category"] == ["other", "diuretic"]
    assert entry.actor.username == "dr.lee"


def test_other_set_by_a_clinician_is_no_longer_unknown(
    alice: Patient, lee_client: Client
) -> None:
    medication = medication_create(patient=alice, name="Metformin", category="not_sure",
                                   started_on=date(2026, 2, 1))
    assert lee_client.post(_kind_url(alice, medication), {"category": "other"}).status_code == 302
    medication.refresh_from_db()
    assert (medication.category, medication.kind_unknown) == ("other", False)
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    assert "of unknown kind" not in page


@pytest.mark.parametrize("category", ["", "not_sure", "antibiotic", "x" * 500])
def test_a_kind_outside_the_list_is_refused_next_to_the_field(
    alice: Patient, lee_client: Client, category: str
) -> None:
    medication = medication_create(patient=alice, name="Metformin", category="not_sure",
                                   started_on=date(2026, 2, 1))
    response = lee_client.post(_kind_url(alice, medication), {"category": category})
    assert response.status_code == 200
    assert response.context["form"].errors["category"]
    medication.refresh_from_db()
    assert (medication.category, medication.kind_confirmed) == ("not_sure", False)


def test_another_clinicians_patient_and_a_patient_get_404_or_are_turned_away(
    alice: Patient, bob: Patient, lee_client: Client, dr_okafor, bob_client: Client
) -> None:
    from tests.conftest import client_for

    medication = medication_create(patient=alice, name="Metformin", category="not_sure",
                                   started_on=date(2026, 2, 1))
    okafor = client_for(dr_okafor)
    assert okafor.get(_kind_url(alice, medication)).status_code == 404
    assert okafor.post(_kind_url(alice, medication), {"category": "statin"}).status_code == 404
    # Alice's medicine under bob's address, by bob's own clinician.
    assert okafor.get(_kind_url(bob, medication)).status_code == 404
    assert bob_client.post(_kind_url(alice, medication), {"category": "statin"}).status_code in (
        302, 403, 404)
    medication.refresh_from_db()
    assert medication.category == "not_sure"


def test_once_the_kind_is_set_the_medication_rule_reads_it(
    alice: Patient, lee_client: Client
) -> None:
    last = alice.last_completed_night()
    start = last - timedelta(days=24)
    log_nights(alice, start, [0] * 14 + [1] * 11)
    medication = medication_create(patient=alice, name="Waterpil", category="other",
                                   started_on=start + timedelta(days=10))

    def medication_reasons() -> list[str]:
        import io
        import json

        out = io.StringIO()
        call_command("analyze", "alice", "--json", stdout=out)
        flags = json.loads(out.getvalue())["flags"]
        return [r for f in flags for r in f["evidence"]["reasons"] + f["evidence"]["notes"]
                if "Waterpil" in r]

    assert medication_reasons() == []
    lee_client.post(_kind_url(alice, medication), {"category": "diuretic"})
    assert any("(diuretic)" in r for r in medication_reasons())
