"""The daily outcome in the FHIR export (issue 24): one Observation per answered value,
validated with the R4B models; average pain carries LOINC 72514-3; unanswered values have no
resource."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from diary.services import outcome_record
from tests.exchange.test_fhir_export import code_of, resources

DAY = date(2026, 1, 5)


def outcome_observations(found):
    return [r for r in found if r["resourceType"] == "Observation"
            and "effectiveDateTime" in r and r["category"][0]["coding"][0]["code"] == "survey"]


def test_each_answered_value_is_an_observation_dated_by_the_day(alice, lee_client):
    outcome_record(patient=alice, day=DAY, leaks=2, voids=0, pgic=3)
    body = lee_client.get(reverse("exchange:patient-fhir", args=[alice.pk])).content
    found = outcome_observations(resources(body))
    by_code = {code_of(r): r for r in found}
    assert set(by_code) == {"urine-leaks", "voids", "pgic"}  # pads etc. unanswered: nothing
    assert by_code["voids"]["valueInteger"] == 0  # a zero is a zero
    assert by_code["urine-leaks"]["effectiveDateTime"] == "2026-01-05"
    assert by_code["pgic"]["valueInteger"] == 3


def test_average_pain_carries_loinc_72514_3(bob, dr_okafor):
    from tests.conftest import client_for

    outcome_record(patient=bob, day=DAY, pain_average=4, pain_worst=7)
    body = client_for(dr_okafor).get(reverse("exchange:patient-fhir", args=[bob.pk])).content
    found = outcome_observations(resources(body))
    average = next(r for r in found if code_of(r) == "72514-3")
    assert average["code"]["coding"][0]["system"] == "http://loinc.org"
    assert average["code"]["coding"][1]["code"] == "pain-average"
    assert average["valueInteger"] == 4
    assert {code_of(r) for r in found} == {"72514-3", "pain-worst"}
