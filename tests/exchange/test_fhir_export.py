"""The FHIR R4 export (issue 19): the clinician's download and `export_fhir`, parsed back with
fhir.resources' R4B models, counted against the diary, scoped and audited."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from diary.models import CrampEpisode, Medication, Night, Patient
from diary.services import episode_delete, medication_create, medication_stop
from insights.models import Flag
from programming.models import SettingsRecord
from programming.services import settings_record_create
from tests.factories import change_settings, local, log_cramp, log_cramp_free

FIRST = date(2026, 3, 1)
SYMPTOM = "75325-1"
SYMPTOM_ABSENT = "111551-8"


def code_of(resource: dict[str, Any]) -> str | None:
    return resource["code"]["coding"][0]["code"] if "code" in resource else None


def resources(body: bytes | str, kind: str | None = None) -> list[dict[str, Any]]:
    Bundle.model_validate_json(body)  # every resource parses and validates with R4B
    bundle = json.loads(body)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    found = [entry["resource"] for entry in bundle["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def night_observations(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in found if code_of(r) in {SYMPTOM, SYMPTOM_ABSENT}]


def episode_components(observation: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in observation.get("component", []) if c["code"]["coding"][0]["code"]
            == "cramp-episode"]


@pytest.fixture
def alice_diary(alice: Patient) -> Patient:
    """Three weeks of alice's diary: cramp nights with detailed episodes, cramp-free nights,
    unlogged nights (every fourth), a deleted cramp, a settings change and a correction, a
    running and a stopped medicine, and one active and one resolved flag."""
    for offset in range(21):
        day = FIRST + timedelta(days=offset)
        if offset % 4 == 3:
            continue  # not logged
        if offset % 3 == 0:
            log_cramp(
                alice, local(alice, day + timedelta(days=1), 2), severity=7, side="left",
                site="calf", duration_min=5, woke_from_sleep=True,
                stimulation_felt="different_location", new_movement="toes",
                relieved_by=["stretching", "device_off"], notes="Qwv episode note",
            )
            log_cramp(alice, local(alice, day + timedelta(days=1), 4), severity=3, side="both")
        else:
            log_cramp_free(alice, day, therapy_benefit=offset % 11, sleep_quality=6,
                           notes="ZQ night note")
    gone = log_cramp(alice, local(alice, FIRST + timedelta(days=8), 3), severity=9)
    episode_delete(episode=gone)
    change_settings(alice, local(alice, FIRST + timedelta(days=7), 11), amplitude="1.5",
                    reason="reduce_amplitude", note="Lowered for cramps")
    wrong = change_settings(alice, local(alice, FIRST + timedelta(days=14), 11),
                            pulse_width_us=180, source="patient_remote")
    settings_record_create(
        device=wrong.device, effective_at=wrong.effective_at, amplitude=Decimal("1.5"),
        amplitude_unit="mA", pulse_width_us=150, frequency_hz=Decimal("14"), reason="reprogram",
        corrects=wrong,
    )
    medication_create(patient=alice, name="Prednisone", category="steroid",
                      started_on=FIRST + timedelta(days=2))
    stopped = medication_create(patient=alice, name="Simvastatin", category="statin",
                                started_on=FIRST - timedelta(days=60))
    medication_stop(medication=stopped, stopped_on=FIRST)
    # Flags as the ladder leaves them; the export must carry any code, this one included.
    now = timezone.now()
    Flag.objects.filter(patient=alice).update(resolved_at=now)
    Flag.objects.create(
        patient=alice, code="reduce_amplitude", step=1, title="Resolved", explanation="-",
        fingerprint="y", raised_at=now - timedelta(days=3), resolved_at=now,
    )
    Flag.objects.create(
        patient=alice, code="therapy_loss", step=None, title="Therapy benefit falling",
        explanation="Benefit <b>fell</b> after the change.", fingerprint="x", raised_at=now,
        evidence={"nights": ["2026-03-10"], "rates": {"benefit_before": 0.5}, "notes": ["n"]},
        since=FIRST + timedelta(days=9),
    )
    return alice


def export(client: Any, patient: Patient) -> Any:
    return client.get(reverse("exchange:patient-fhir", args=[patient.pk]))


def test_every_resource_validates_and_the_counts_match_the_diary(lee_client, alice_diary):
    response = export(lee_client, alice_diary)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]
    found = resources(response.content)

    kinds = Counter(r["resourceType"] for r in found)
    assert kinds["Patient"] == 1
    assert kinds["Device"] == alice_diary.devices.count()

    nights = night_observations(found)
    assert len(nights) == Night.objects.for_patient(alice_diary).count()
    assert sum(len(episode_components(n)) for n in nights) == (
        CrampEpisode.objects.for_patient(alice_diary).count()
    )

    settings = [r for r in found if code_of(r) == "stimulation-settings"]
    assert len(settings) == SettingsRecord.objects.for_patient(alice_diary).count() == 4
    assert Counter(r["status"] for r in settings) == {"final": 3, "entered-in-error": 1}

    benefit = [r for r in found if code_of(r) == "therapy-benefit"]
    logged = Night.objects.for_patient(alice_diary).filter(therapy_benefit__isnull=False)
    assert sorted(r["valueInteger"] for r in benefit) == sorted(
        logged.values_list("therapy_benefit", flat=True)
    )

    medications = resources(response.content, "MedicationStatement")
    assert len(medications) == Medication.objects.for_patient(alice_diary).count() == 2
    assert {m["medicationCodeableConcept"]["text"]: m["status"] for m in medications} == {
        "Prednisone": "active", "Simvastatin": "completed",
    }

    flags = resources(response.content, "Flag")
    assert len(flags) == Flag.objects.for_patient(alice_diary).active().count() == 1
    assert Flag.objects.for_patient(alice_diary).exclude(resolved_at=None).exists()


def test_a_cramp_free_night_is_present_as_absent_and_an_unlogged_night_has_nothing(
    lee_client, alice_diary
):
    nights = night_observations(resources(export(lee_client, alice_diary).content))
    by_start = {n["effectivePeriod"]["start"][:10]: n for n in nights}

    cramp_free = by_start[(FIRST + timedelta(days=1)).isoformat()]
    assert code_of(cramp_free) == SYMPTOM_ABSENT
    assert cramp_free["valueCodeableConcept"]["coding"][0]["code"] == "night-leg-cramp"
    assert episode_components(cramp_free) == []
    assert cramp_free["note"] == [{"text": "ZQ night note"}]

    with_cramps = by_start[FIRST.isoformat()]
    assert code_of(with_cramps) == SYMPTOM
    first, second = episode_components(with_cramps)
    assert first["valuePeriod"] == {
        "start": "2026-03-02T02:00:00+01:00", "end": "2026-03-02T02:05:00+01:00"
    }
    details = {e["url"].rsplit("/", 1)[1]: e for e in first["extension"]}
    assert details["episode-severity"]["valueInteger"] == 7
    assert details["episode-laterality"]["valueCodeableConcept"]["coding"][0]["code"] == (
        "419161000"
    )
    relief = [e["valueCodeableConcept"]["coding"][0]["code"] for e in first["extension"]
              if e["url"].endswith("episode-relieved-by")]
    assert relief == ["stretching", "device_off"]
    assert "end" not in second["valuePeriod"]  # no duration given

    unlogged = FIRST + timedelta(days=3)
    assert unlogged.isoformat() not in by_start
    # The night whose only cramp was deleted went with it: no resource, not "absent".
    assert (FIRST + timedelta(days=7)).isoformat() not in by_start
    assert all(c["extension"][0]["valueInteger"] != 9
               for n in nights for c in episode_components(n))


def test_settings_carry_units_time_source_reason_and_the_correction(lee_client, alice_diary):
    found = resources(export(lee_client, alice_diary).content)
    settings = [r for r in found if code_of(r) == "stimulation-settings"]
    by_id = {r["id"]: r for r in settings}
    lowered = next(r for r in settings if r.get("note") == [{"text": "Lowered for cramps"}])
    parts = {c["code"]["coding"][0]["code"]: c for c in lowered["component"]}
    assert parts["amplitude"]["valueQuantity"] == {
        "value": 1.5, "unit": "mA", "system": "http://unitsofmeasure.org", "code": "mA"
    }
    assert parts["pulse-width"]["valueQuantity"]["code"] == "us"
    assert parts["frequency"]["valueQuantity"]["code"] == "Hz"
    assert parts["settings-change-reason"]["valueCodeableConcept"]["coding"][0]["code"] == (
        "reduce_amplitude"
    )
    assert parts["settings-source"]["valueCodeableConcept"]["coding"][0]["code"] == "clinic"
    assert lowered["effectiveDateTime"] == "2026-03-08T11:00:00+01:00"

    correction = next(r for r in settings if "extension" in r)
    corrected = by_id[correction["extension"][0]["valueReference"]["reference"][9:]]
    assert corrected["status"] == "entered-in-error"
    source = {c["code"]["coding"][0]["code"]: c for c in corrected["component"]}
    assert source["settings-source"]["valueCodeableConcept"]["coding"][0]["code"] == (
        "patient_remote"
    )


def test_a_flag_carries_code_period_evidence_and_decision_support(lee_client, alice_diary):
    (flag,) = resources(export(lee_client, alice_diary).content, "Flag")
    assert flag["code"]["coding"][0]["code"] == "therapy_loss"
    assert flag["period"] == {"start": "2026-03-10"}
    extensions = {e["url"].rsplit("/", 1)[1]: e for e in flag["extension"]}
    evidence = extensions["flag-evidence"]["valueString"].split("\n")
    assert evidence == ["n", "Benefit before: 50%.", "The night it rests on: 10 Mar 2026."]
    assert "decision" in extensions["decision-support"]["valueString"].lower()
    assert "ladder-step" not in extensions  # information, not a rung
    assert "&lt;b&gt;fell&lt;/b&gt;" in flag["text"]["div"]  # stored text never becomes markup


def test_the_patient_carries_the_identifiers_the_clinic_set(lee_client, alice_diary):
    Patient.objects.filter(pk=alice_diary.pk).update(
        display_name="A. Jansen", record_number="MRN-7"
    )
    (patient,) = resources(export(lee_client, alice_diary).content, "Patient")
    record, username = patient["identifier"]
    assert record["value"] == "MRN-7" and record["type"]["coding"][0]["code"] == "MR"
    assert username["value"] == "alice"
    assert patient["name"] == [{"text": "A. Jansen"}]


def test_references_resolve_inside_the_bundle(lee_client, alice_diary):
    bundle = json.loads(export(lee_client, alice_diary).content)
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    references = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "reference" in value:
                references.add(value["reference"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(bundle["entry"])
    assert references and references <= urls


def test_resource_ids_are_stable_between_exports(lee_client, alice_diary):
    first = json.loads(export(lee_client, alice_diary).content)
    second = json.loads(export(lee_client, alice_diary).content)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_a_clinician_outside_the_care_team_gets_404_and_nothing_is_audited(
    okafor_client, alice_diary, dr_okafor
):
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = export(okafor_client, alice_diary)
    assert response.status_code == 404
    assert b"ZQ night note" not in response.content
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before


def test_a_patient_cannot_use_the_clinician_download(bob_client, alice_diary):
    response = export(bob_client, alice_diary)
    assert response.status_code == 302
    assert b"ZQ night note" not in response.content


def test_the_export_is_audited_without_diary_contents(lee_client, alice_diary, dr_lee):
    export(lee_client, alice_diary)
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("timestamp")
    assert entry.actor == dr_lee
    assert entry.additional_data == {
        "patient_id": alice_diary.pk, "what": "export", "kind": "fhir.json"
    }
    assert "ZQ" not in json.dumps(entry.additional_data)


def test_the_patient_page_offers_the_download(lee_client, alice):
    response = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert response.status_code == 200
    assert reverse("exchange:patient-fhir", args=[alice.pk]).encode() in response.content


def test_the_query_count_does_not_grow_with_the_diary(lee_client, alice_diary, carmen, dr_lee):
    from django.db import connection

    log_cramp_free(carmen, FIRST)
    with CaptureQueriesContext(connection) as small:
        assert export(lee_client, carmen).status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert export(lee_client, alice_diary).status_code == 200
    assert len(small) == len(large)


def test_stored_values_the_forms_refuse_still_export(lee_client, alice):
    """No stored value may make an export fail: control characters, a night on the last date
    of the calendar, a zone that no longer exists, a unit the app does not offer."""
    night = log_cramp_free(alice, FIRST, notes="ok")
    Night.objects.filter(pk=night.pk).update(notes="\x0b\x01", timezone="Mars/Olympus")
    Night.objects.create(patient=alice, date=date.max, timezone="Pacific/Kiritimati",
                         checked_in_at=timezone.now())
    SettingsRecord.objects.for_patient(alice).update(amplitude_unit="A", note="\x1b")
    Medication.objects.create(patient=alice, name="\x07", category="other", started_on=FIRST)
    found = resources(export(lee_client, alice).content)
    assert len(night_observations(found)) == 2


def test_docs_list_every_local_code_the_export_writes():
    from pathlib import Path

    from diary import models as diary_models
    from programming import models as programming_models

    doc = (Path(__file__).resolve().parents[2] / "docs" / "fhir.md").read_text()
    lists = [
        programming_models.THERAPY_CHOICES, programming_models.PHASE_CHOICES,
        programming_models.SOURCE_CHOICES, programming_models.REASON_CHOICES,
        diary_models.SITE_CHOICES, diary_models.STIMULATION_FELT_CHOICES,
        diary_models.NEW_MOVEMENT_CHOICES, diary_models.RELIEF_CHOICES,
        diary_models.LEVEL_CHOICES, diary_models.MEDICATION_CATEGORY_CHOICES,
        programming_models.SACRAL_RESPONSE_CHOICES, programming_models.COVERAGE_CHOICES,
        programming_models.COMFORT_CHOICES,
    ]
    missing = {code for choices in lists for code, _ in choices if f"`{code}`" not in doc}
    assert not missing, f"docs/fhir.md does not list {sorted(missing)}"


def test_free_text_keeps_what_fhir_can_carry():
    from exchange.fhir import text

    assert text("\x00a\x0bb\tc\nd\x7f") == "ab\tc\nd"
    assert text("\x00\x0b ") is None
    assert text(None) is None
