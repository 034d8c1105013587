"""`export_fhir` on the demo (issue 19): alice's bundle parses with fhir.resources' R4B models
and carries her nights and the ladder's flags."""

from __future__ import annotations

import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from fhir.resources.R4B.bundle import Bundle

from diary.models import Night, Patient
from insights.models import Flag

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_export_fhir_writes_the_demo_alices_bundle(demo, tmp_path):
    out = tmp_path / "alice.json"
    call_command("export_fhir", "alice", "--out", str(out), stderr=io.StringIO())
    Bundle.model_validate_json(out.read_text())
    found = [e["resource"] for e in json.loads(out.read_text())["entry"]]
    alice = Patient.objects.get(user__username="alice")
    nights = [r for r in found if r["resourceType"] == "Observation"
              and r["code"]["coding"][0]["code"] in {"75325-1", "111551-8"}]
    assert len(nights) == Night.objects.for_patient(alice).count() > 100
    flags = [r for r in found if r["resourceType"] == "Flag"]
    assert {f["code"]["coding"][0]["code"] for f in flags} == set(
        Flag.objects.for_patient(alice).active().values_list("code", flat=True)
    )
    assert flags, "the demo's alice has an active ladder flag"
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("timestamp")
    assert entry.additional_data["via"] == "export_fhir"
    assert entry.object_id == alice.pk


def test_export_fhir_names_an_unknown_patient(demo):
    with pytest.raises(CommandError, match="No patient"):
        call_command("export_fhir", "nobody")
