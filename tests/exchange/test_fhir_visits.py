"""Programming visits in the FHIR export (issue 25): a Procedure on the device per visit, an
Observation per configuration tested, part of it, with thresholds in UCUM units and the
responses coded; validated with R4B, references resolved, and the query count unchanged."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from programming.services import visit_record_create


def export(client: Any, patient: Any) -> list[dict[str, Any]]:
    response = client.get(reverse("exchange:patient-fhir", args=[patient.pk]))
    assert response.status_code == 200
    Bundle.model_validate_json(response.content)
    return [entry["resource"] for entry in json.loads(response.content)["entry"]]


def components(observation: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for component in observation["component"]:
        found.setdefault(component["code"]["coding"][0]["code"], []).append(component)
    return found


def test_a_visit_is_a_procedure_with_one_observation_per_configuration(
    lee_client, alice, carmen, dr_lee
) -> None:
    with CaptureQueriesContext(connection) as before:
        export(lee_client, carmen)
    visit = visit_record_create(
        device=alice.devices.get(), visited_at=timezone.now() - timedelta(days=1),
        clinician=dr_lee, left_in_place=0, note="Two pairs tried.",
        configurations=[
            {"electrodes": "0-3+", "amplitude": Decimal("1.4"), "amplitude_unit": "mA",
             "pulse_width_us": 210, "frequency_hz": Decimal("14"),
             "sensory_threshold": Decimal("0.8"), "motor_threshold": Decimal("1.25"),
             "felt_at": "perineum", "responses": ["bellows", "great_toe"],
             "comfort": "comfortable"},
            {"electrodes": "1-2+", "amplitude_unit": "mA", "motor_threshold": Decimal("2.6"),
             "responses": ["foot_calf"]},
        ],
    )
    with CaptureQueriesContext(connection) as after:
        found = export(lee_client, alice)
    assert len(before) == len(after)

    [procedure] = [r for r in found if r["resourceType"] == "Procedure"]
    assert procedure["status"] == "completed"
    assert procedure["code"]["coding"][0]["code"] == "programming-visit"
    assert procedure["performer"][0]["actor"]["display"] == "dr.lee"
    assert procedure["note"] == [{"text": "Two pairs tried."}]
    [device] = [r for r in found if r["resourceType"] == "Device"]
    assert procedure["focalDevice"][0]["manipulated"]["reference"] == f"urn:uuid:{device['id']}"

    tests = [r for r in found if r["resourceType"] == "Observation"
             and r["code"]["coding"][0]["code"] == "lead-test"]
    assert len(tests) == visit.configurations.count() == 2
    assert {t["partOf"][0]["reference"] for t in tests} == {f"urn:uuid:{procedure['id']}"}
    first = components(tests[0])
    assert first["electrode-configuration"][0]["valueString"] == "0-3+"
    assert first["motor-threshold"][0]["valueQuantity"] == {
        "value": 1.25, "unit": "mA", "system": "http://unitsofmeasure.org", "code": "mA",
    }
    assert first["sensory-threshold"][0]["valueQuantity"]["value"] == 0.8
    assert [c["valueCodeableConcept"]["coding"][0]["code"] for c in first["motor-response"]] == [
        "bellows", "great_toe",
    ]
    assert first["left-in-place"][0]["valueBoolean"] is True
    second = components(tests[1])
    assert second["motor-response"][0]["valueCodeableConcept"]["text"] == "Whole foot / calf"
    assert "amplitude" not in second and second["left-in-place"][0]["valueBoolean"] is False

    urls = {f"urn:uuid:{r['id']}" for r in found}
    assert {t["device"]["reference"] for t in tests} <= urls


def test_another_therapy_exports_the_areas_covered(lee_client, carmen, dr_lee) -> None:
    visit_record_create(
        device=carmen.devices.get(), visited_at=timezone.now() - timedelta(days=1),
        clinician=dr_lee,
        configurations=[{"electrodes": "1-2+", "amplitude_unit": "mA",
                         "responses": ["left_foot", "left_leg"]}],
    )
    [test] = [r for r in export(lee_client, carmen) if r["resourceType"] == "Observation"
              and r["code"]["coding"][0]["code"] == "lead-test"]
    areas = components(test)["area-covered"]
    assert [a["valueCodeableConcept"]["text"] for a in areas] == ["Left foot", "Left leg"]
