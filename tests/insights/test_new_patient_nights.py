"""A new patient's nights before they joined are not 'not logged' (issue 13)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from diary.models import Patient
from insights import charts
from insights.analysis import analyse, diary_start
from insights.data import load_patient_data
from insights.views import last_30_counts
from tests.factories import log_nights


def test_the_diary_starts_at_joining_or_at_an_earlier_first_entry() -> None:
    joined = date(2026, 3, 10)
    assert diary_start(joined, None) == joined
    assert diary_start(joined, date(2026, 3, 12)) == joined
    assert diary_start(joined, date(2026, 2, 1)) == date(2026, 2, 1)  # a baseline
    assert diary_start(None, None) is None


def test_nights_before_the_diary_are_blank_not_missing() -> None:
    last = date(2026, 3, 30)
    nights = charts.last_nights({date(2026, 3, 28): 1}, last, diary_start=date(2026, 3, 26))
    assert [n.not_logged for n in nights[-5:]] == [True, True, False, True, True]
    assert sum(n.before_diary for n in nights) == 25
    assert charts.last_30_alt(nights).endswith("1 logged, 1 with cramps, 0 without, 4 not logged.")


def joined_days_ago(patient: Patient, days: int) -> Patient:
    Patient.objects.filter(pk=patient.pk).update(created_at=timezone.now() - timedelta(days=days))
    patient.refresh_from_db()
    return patient


@pytest.mark.django_db
def test_a_patient_who_joined_five_nights_ago_has_at_most_five_nights_not_logged(alice) -> None:
    alice = joined_days_ago(alice, 5)
    last = alice.last_completed_night()
    log_nights(alice, last - timedelta(days=1), [0, 1])
    nights = last_30_counts(alice)
    missing = sum(n.not_logged for n in nights)
    assert missing <= 4  # the nights since joining that have no entry
    assert "not logged" in charts.last_30_alt(nights)
    assert not any(n.not_logged for n in nights if n.date < alice.joined_night())

    analysis = analyse(load_patient_data(alice))
    assert analysis.adherence_14.nights_elapsed <= 6
    assert analysis.adherence_14.nights_logged == 2


@pytest.mark.django_db
def test_a_baseline_logged_before_joining_still_counts_its_gaps(alice) -> None:
    alice = joined_days_ago(alice, 2)
    last = alice.last_completed_night()
    log_nights(alice, last - timedelta(days=20), [1, None, None, 0])
    nights = last_30_counts(alice)
    baseline_gap = [n for n in nights if last - timedelta(days=19) <= n.date <= last - timedelta(
        days=18)]
    assert all(n.not_logged for n in baseline_gap)
    assert not any(n.not_logged for n in nights if n.date < last - timedelta(days=20))


@pytest.mark.django_db
def test_an_imported_diary_years_long_keeps_its_gaps(alice) -> None:
    # Patients created today with nights logged long before (a bundle import) are unchanged.
    last = alice.last_completed_night()
    log_nights(alice, last - timedelta(days=60), [1, None, 0])
    analysis = analyse(load_patient_data(alice))
    assert analysis.adherence.first_night == last - timedelta(days=60)
    assert analysis.adherence_14.nights_elapsed == 14


@pytest.mark.django_db
def test_the_patients_home_chart_text_counts_no_night_before_joining(alice, alice_client) -> None:
    joined_days_ago(alice, 3)
    response = alice_client.get(reverse("diary:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "My last 30 nights" in body
    assert "30 not logged" not in body
