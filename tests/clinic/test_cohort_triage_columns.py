"""The cohort's ladder column in words for every step, and the two triage columns: flags no
clinician has acknowledged, and days since the last entry, both sortable, in bounded
queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.cohort import recent_window
from diary.models import Patient
from insights.ladder import STEP_NAMES
from insights.models import Flag, FlagAcknowledgement, PatientSummary
from insights.panel import active_flags_with_acknowledgement
from insights.summary import ladder_state
from tests.factories import log_nights, make_clinician, make_patient
from tests.insights.test_views import cramps_lately

pytestmark = pytest.mark.django_db


def cohort(client: Client, **params: str):
    response = client.get(reverse("clinic:cohort"), params)
    assert response.status_code == 200
    return response


def row_of(client: Client, patient: Patient, **params: str):
    (row,) = [r for r in cohort(client, **params).context["rows"] if r.pk == patient.pk]
    return row


def names(client: Client, **params: str) -> list[str]:
    return [row.username for row in cohort(client, **params).context["rows"]]


def current_summary(patient: Patient, **fields: object) -> None:
    """A summary made up for the test and current (not recomputed before the page reads it)."""
    patient.refresh_from_db(fields=["data_version"])
    PatientSummary.objects.update_or_create(patient=patient, defaults={
        "ladder_step": None, "lead_migration": False, "cramp_night_rate_14": None,
        "data_version": patient.data_version,
        "fresh_until": timezone.now() + timedelta(days=1),
        **fields,
    })


@pytest.mark.parametrize("step", sorted(STEP_NAMES))
def test_the_ladder_column_names_every_step_in_words(
    alice: Patient, carmen: Patient, lee_client: Client, step: int
) -> None:
    # A possible lead migration (step 3) used to read "Step 3" with no words.
    current_summary(alice, ladder_step=step, lead_migration=step == 3)
    page = cohort(lee_client).content.decode()
    assert f"Step {step}: {STEP_NAMES[step]}" in page


def alerting_on_the_patient_page(patient: Patient) -> int:
    return sum(f.is_alerting for f in active_flags_with_acknowledgement(ladder_state(patient)))


def test_it_counts_the_flags_not_acknowledged_for_their_evidence_as_the_page_does(
    alice: Patient, carmen: Patient, bob: Patient, lee_client: Client, dr_lee
) -> None:
    cramps_lately(alice)
    cramps_lately(bob)  # another team's patient: never on this page
    flags = list(Flag.objects.filter(patient=alice).active())
    assert flags
    assert row_of(lee_client, alice).unacknowledged_flags == len(flags)
    assert row_of(lee_client, carmen).unacknowledged_flags == 0

    url = reverse("insights:acknowledge-flag", args=[alice.pk, flags[0].pk])
    response = lee_client.post(url, {"note": "Seen; phone call booked."})
    assert response.status_code == 302
    assert row_of(lee_client, alice).unacknowledged_flags == len(flags) - 1
    assert alerting_on_the_patient_page(alice) == len(flags) - 1

    # Acknowledged once for evidence the flag has since moved on from: it alerts again.
    FlagAcknowledgement.objects.create(
        flag=flags[0], acknowledged_by=dr_lee, note="Later look",
        acknowledged_at=datetime(2999, 1, 1, tzinfo=UTC), fingerprint="evidence-before",
    )
    assert row_of(lee_client, alice).unacknowledged_flags == len(flags)
    assert alerting_on_the_patient_page(alice) == len(flags)
    assert names(lee_client, sort="unacknowledged") == ["alice", "carmen"]


def test_days_since_the_last_entry_count_back_from_last_night(
    alice: Patient, carmen: Patient, lee_client: Client, dr_lee
) -> None:
    window = recent_window()
    log_nights(alice, window.last - timedelta(days=5), [1, 0, 0])  # last entry 3 nights back
    log_nights(carmen, window.last, [0])  # last night logged
    dev = make_patient("dev")
    dev.care_team.add(dr_lee)  # never logged
    assert row_of(lee_client, alice).days_since_entry == 3
    assert row_of(lee_client, carmen).days_since_entry == 0
    assert row_of(lee_client, dev).days_since_entry is None
    # The longest silence first; a patient who has never logged comes last.
    assert names(lee_client, sort="days_since_entry") == ["alice", "carmen", "dev"]
    page = cohort(lee_client, sort="days_since_entry").content.decode()
    assert 'aria-current="true">Days since last entry ▾</a>' in page
    assert 'href="?sort=unacknowledged"' in page


def count_queries(client: Client, sort: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        cohort(client, sort=sort)
    return len(queries)


@pytest.mark.parametrize("sort", ["unacknowledged", "days_since_entry"])
def test_the_new_sorts_cost_the_same_queries_for_3_and_30_patients(db, sort: str) -> None:
    window = recent_window()
    clinician = make_clinician("dr.count")
    client = Client()
    client.force_login(clinician)
    counts = {}
    created = 0
    for target in (3, 30):
        while created < target:
            patient = make_patient(f"p{created:02d}")
            patient.care_team.add(clinician)
            log_nights(patient, window.first, [created % 3, 0, 1])
            created += 1
        cohort(client, sort=sort)  # warm the ladder states and the session's last-seen stamp
        counts[target] = count_queries(client, sort)
    assert counts[3] == counts[30]
    assert counts[30] <= 8
