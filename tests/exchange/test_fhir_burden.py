"""The cramp burden in the FHIR export (issue 23): the sleep disturbance score as its own
Observation, the night's burden as components of its night, all validated with R4B."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from fhir.resources.R4B.observation import Observation

from diary.models import Night
from diary.services import night_check_in
from tests.exchange.test_fhir_export import code_of, night_observations, resources
from tests.factories import local, log_cramp, log_cramp_free

FIRST = date(2026, 3, 1)
CS_OBSERVATION = "https://stimdiary.org/fhir/CodeSystem/observation"


def export(client, patient):
    response = client.get(reverse("exchange:patient-fhir", args=[patient.pk]))
    assert response.status_code == 200
    return resources(response.content)


def components(observation: dict) -> dict[str, dict]:
    return {c["code"]["coding"][0]["code"]: c for c in observation.get("component", [])}


def test_the_sleep_disturbance_score_is_an_observation_of_its_own(lee_client, alice, bob):
    log_cramp(alice, local(alice, FIRST + timedelta(days=1), 2), severity=7, duration_min=5)
    night_check_in(patient=alice, night_date=FIRST, cramp_free=False, sleep_disturbance=7)
    log_cramp_free(alice, FIRST + timedelta(days=1), sleep_disturbance=0)
    log_cramp_free(alice, FIRST + timedelta(days=2))  # not answered: no Observation
    log_cramp_free(bob, FIRST, sleep_disturbance=9)
    found = export(lee_client, alice)
    scores = [r for r in found if code_of(r) == "sleep-disturbance"]
    assert sorted(r["valueInteger"] for r in scores) == [0, 7]
    seven = next(r for r in scores if r["valueInteger"] == 7)
    Observation.model_validate(seven)
    assert seven["code"]["coding"][0] == {
        "system": CS_OBSERVATION, "code": "sleep-disturbance",
        "display": "Sleep disturbance from cramps (0-10)",
    }
    assert seven["category"][0]["coding"][0]["code"] == "survey"
    assert seven["effectivePeriod"]["start"] == "2026-03-01T12:00:00+01:00"
    assert seven["subject"] == seven["performer"][0]


def test_a_cramp_night_carries_its_count_minutes_worst_and_waking(lee_client, alice):
    morning = FIRST + timedelta(days=1)
    log_cramp(alice, local(alice, morning, 2), severity=4, duration_min=5, woke_from_sleep=False)
    log_cramp(alice, local(alice, morning, 4), severity=8, duration_min=10, woke_from_sleep=True)
    log_cramp(alice, local(alice, morning + timedelta(days=1), 3), severity=2)  # no detail
    log_cramp_free(alice, FIRST + timedelta(days=2))
    by_start = {n["effectivePeriod"]["start"][:10]: n
                for n in night_observations(export(lee_client, alice))}

    full = components(by_start["2026-03-01"])
    assert full["cramp-count"]["valueInteger"] == 2
    assert full["cramp-minutes"]["valueQuantity"] == {
        "value": 15, "unit": "min", "system": "http://unitsofmeasure.org", "code": "min"
    }
    assert full["worst-severity"]["valueInteger"] == 8
    assert full["woken-by-cramp"]["valueBoolean"] is True

    sparse = components(by_start["2026-03-02"])
    assert sparse["cramp-count"]["valueInteger"] == 1
    assert sparse["worst-severity"]["valueInteger"] == 2
    assert "cramp-minutes" not in sparse and "woken-by-cramp" not in sparse  # not known

    assert "component" not in by_start["2026-03-03"]  # cramp-free: absent, no burden


def test_a_stored_extreme_sleep_disturbance_still_exports(lee_client, alice):
    log_cramp_free(alice, FIRST)
    Night.objects.filter(patient=alice).update(sleep_disturbance=32767)
    found = export(lee_client, alice)
    assert [r["valueInteger"] for r in found if code_of(r) == "sleep-disturbance"] == [32767]


def test_another_clinician_gets_404(okafor_client, alice):
    log_cramp_free(alice, FIRST, sleep_disturbance=3)
    response = okafor_client.get(reverse("exchange:patient-fhir", args=[alice.pk]))
    assert response.status_code == 404
