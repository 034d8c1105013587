"""The therapy's own outcome on the clinician's pages (issue 24): the patient page (beside
the before/after table), the visit summary PDF (demo-sized alice still on one page), and a
cohort column a clinician sorts on, in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.data import today_for
from tests.factories import change_settings, local, log_nights, log_outcomes
from tests.insights.test_visit_summary import pdf_text


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def alice_with_leaks_rising(alice):
    """Implanted on 2 Mar 2025: 1 leak a day under 3 mA, a reduction 20 days ago, 3 a day
    since; a baseline of 4 a day before the implant."""
    today = today_for(alice)
    log_outcomes(alice, alice.devices.get().implanted_on - timedelta(days=3), 3, leaks=4)
    log_nights(alice, today - timedelta(days=40), [1, 0] * 10 + [0] * 19)
    log_outcomes(alice, today - timedelta(days=40), 18, leaks=1)
    reduced = today - timedelta(days=20)
    change_settings(alice, local(alice, reduced, 10), amplitude="1.5", reason="reduce_amplitude")
    log_outcomes(alice, reduced + timedelta(days=1), 18, leaks=3)
    return reduced


def test_the_patient_page_shows_the_outcome_and_its_status(alice, lee_client):
    alice_with_leaks_rising(alice)
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    assert "The therapy&#x27;s own outcome" in page or "The therapy's own outcome" in page
    assert "Bladder diary: 3.0 leaks per day under the current settings" in page
    assert "baseline 4.0 leaks per day (the days before the implant)" in page
    assert "Not a responder (less than 50% better than baseline)" in page
    assert "1.0 → 3.0 leaks per day" in page  # the before/after row


def test_the_page_says_nothing_of_outcomes_for_a_patient_without_a_kind(carmen, lee_client):
    carmen.devices.update(therapy="peripheral")
    page = lee_client.get(reverse("clinic:patient", args=[carmen.pk])).content.decode()
    assert "own outcome" not in page


def test_the_visit_summary_states_the_outcome_on_one_page(alice, lee_client):
    alice_with_leaks_rising(alice)
    response = lee_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    text, pages = pdf_text(response.content)
    assert pages == 1
    assert (
        "Bladder diary: 3.0 leaks per day now (18 days), 4.0 before the implant: Not a "
        "responder." in text
    )


def test_the_cohort_shows_and_sorts_by_outcome_worst_first(alice, carmen, lee_client):
    alice_with_leaks_rising(alice)  # not a responder
    today = today_for(carmen)
    log_outcomes(carmen, carmen.devices.get().implanted_on - timedelta(days=3), 3,
                 pain_average=8)
    log_outcomes(carmen, today - timedelta(days=5), 5, pain_average=3)  # substantial
    response = lee_client.get(reverse("clinic:cohort") + "?sort=outcome")
    page = response.content.decode()
    assert "Therapy outcome" in page
    assert "Not a responder" in page and "Substantial relief" in page
    assert page.index("Not a responder") < page.index("Substantial relief")
    with CaptureQueriesContext(connection) as sorted_by_outcome:
        lee_client.get(reverse("clinic:cohort") + "?sort=outcome")
    with CaptureQueriesContext(connection) as by_name:
        lee_client.get(reverse("clinic:cohort") + "?sort=patient")
    assert len(sorted_by_outcome) == len(by_name) <= 8
