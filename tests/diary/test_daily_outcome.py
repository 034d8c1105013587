"""The therapy's own outcome, logged by the day (issue 24): the device decides the questions
(a voiding diary for sacral bladder, bowel accidents for sacral bowel, a 0-10 pain score for
SCS and DRG); a hostile value is refused next to its field and saves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from diary.models import DailyOutcome

URL = reverse("diary:outcome")


def test_a_sacral_bladder_patient_is_asked_the_voiding_diary(alice, alice_client):
    page = alice_client.get(URL).content.decode()
    for name in ("leaks", "urgency_episodes", "voids", "pads"):
        assert f'name="{name}"' in page
    assert 'name="pain_average"' not in page
    assert 'name="bowel_incontinence_episodes"' not in page


def test_a_bladder_day_is_saved_for_today(alice, alice_client):
    response = alice_client.post(URL, {"day": "today", "leaks": "3", "voids": "11", "pads": ""})
    assert response.status_code == 302
    row = DailyOutcome.objects.get(patient=alice)
    assert (row.leaks, row.voids, row.pads, row.urgency_episodes) == (3, 11, None, None)
    assert row.date == alice.local_now().date()


def test_yesterday_goes_to_yesterday_and_a_second_answer_updates_the_day(alice, alice_client):
    alice_client.post(URL, {"day": "yesterday", "leaks": "2"})
    alice_client.post(URL, {"day": "yesterday", "leaks": "1", "voids": "9"})
    row = DailyOutcome.objects.get(patient=alice)
    assert row.date == alice.local_now().date() - timedelta(days=1)
    assert (row.leaks, row.voids) == (1, 9)


def test_a_bowel_patient_is_asked_bowel_accidents(alice, alice_client):
    alice.sacral_indication = "bowel"
    alice.save()
    page = alice_client.get(URL).content.decode()
    assert 'name="bowel_incontinence_episodes"' in page
    assert 'name="leaks"' not in page
    alice_client.post(URL, {"day": "today", "bowel_incontinence_episodes": "1"})
    assert DailyOutcome.objects.get(patient=alice).bowel_incontinence_episodes == 1


def test_an_scs_patient_taps_pain_scores(bob, bob_client):
    page = bob_client.get(URL).content.decode()
    assert page.count('name="pain_average"') == 12  # Skip, 0 ... 10
    assert 'name="leaks"' not in page
    bob_client.post(URL, {"day": "today", "pain_average": "4", "pain_worst": "6"})
    row = DailyOutcome.objects.get(patient=bob)
    assert (row.pain_average, row.pain_worst) == (4, 6)


@pytest.mark.parametrize(
    "field, value",
    [("voids", "-1"), ("voids", "10000"), ("leaks", "NaN"), ("leaks", "three"),
     ("pads", "1e3"), ("leaks", "2.5"), ("urgency_episodes", "99999999999999999999")],
)
def test_a_hostile_count_is_refused_next_to_the_field_and_nothing_saved(
    alice, alice_client, field, value
):
    response = alice_client.post(URL, {"day": "today", field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_errors"' in page
    assert "Enter a whole number from 0 to" in page
    assert not DailyOutcome.objects.exists()


@pytest.mark.parametrize("value", ["11", "-1", "nan", "x"])
def test_a_pain_score_outside_0_to_10_is_refused(bob, bob_client, value):
    response = bob_client.post(URL, {"day": "today", "pain_average": value})
    assert response.status_code == 400
    assert "Choose a number from 0 to 10 for your average pain" in response.content.decode()
    assert not DailyOutcome.objects.exists()


def test_a_day_other_than_today_or_yesterday_is_refused(alice, alice_client):
    response = alice_client.post(URL, {"day": "2001-01-01", "leaks": "1"})
    assert response.status_code == 400
    assert "Choose today or yesterday." in response.content.decode()
    assert not DailyOutcome.objects.exists()


def test_an_empty_form_saves_nothing(alice, alice_client):
    response = alice_client.post(URL, {"day": "today"})
    assert response.status_code == 400
    assert not DailyOutcome.objects.exists()


def test_pgic_is_asked_once_in_four_weeks(bob, bob_client):
    assert 'name="pgic"' in bob_client.get(URL).content.decode()
    bob_client.post(URL, {"day": "today", "pgic": "2"})
    assert DailyOutcome.objects.get(patient=bob).pgic == 2
    assert 'name="pgic"' not in bob_client.get(URL).content.decode()


def test_the_home_page_shows_the_clinics_bladder_diary_day(alice, alice_client):
    alice.outcome_diary_start = alice.local_now().date() - timedelta(days=1)
    alice.save()
    page = alice_client.get(reverse("diary:home")).content.decode()
    assert "Bladder diary: day 2 of 3" in page
    alice.outcome_diary_start -= timedelta(days=5)
    alice.save()
    assert "Bladder diary: day" not in alice_client.get(reverse("diary:home")).content.decode()


def test_a_clinician_cannot_log_a_patients_outcome(dr_lee, lee_client):
    response = lee_client.post(URL, {"day": "today", "leaks": "1"})
    assert response.status_code in (302, 403)
    assert not DailyOutcome.objects.exists()


def test_each_patient_writes_only_their_own_day(alice, bob, alice_client):
    alice_client.post(URL, {"day": "today", "leaks": "1"})
    assert DailyOutcome.objects.get().patient == alice
    assert not DailyOutcome.objects.filter(patient=bob).exists()


def test_the_clinician_sets_bowel_and_a_diary_and_okafor_gets_404(
    alice, dr_lee, lee_client, dr_okafor
):
    from tests.conftest import client_for

    url = reverse("clinic:outcome-settings", args=[alice.pk])
    day = alice.local_now().date()
    response = lee_client.post(url, {"sacral_indication": "bowel",
                                     "outcome_diary_start": day.isoformat(),
                                     "outcome_diary_days": "3"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.sacral_indication, alice.outcome_diary_start) == ("bowel", day)
    assert client_for(dr_okafor).post(url, {"sacral_indication": "bladder",
                                            "outcome_diary_days": "3"}).status_code == 404
    alice.refresh_from_db()
    assert alice.sacral_indication == "bowel"
    bad = lee_client.post(url, {"sacral_indication": "bladder", "outcome_diary_days": "999"})
    assert bad.status_code == 400


def test_the_home_page_asks_an_scs_patient_their_pain_in_one_tap(bob, bob_client):
    page = bob_client.get(reverse("diary:home")).content.decode()
    assert page.count('name="pain_average"') == 11  # 0 ... 10, each a submit button
    response = bob_client.post(URL, {"day": "today", "pain_average": "3"})
    assert response.status_code == 302
    assert DailyOutcome.objects.get(patient=bob).pain_average == 3
    assert 'name="pain_average"' not in bob_client.get(reverse("diary:home")).content.decode()


def test_a_one_tap_answer_keeps_the_other_answers_of_the_day(bob, bob_client):
    bob_client.post(URL, {"day": "today", "pain_worst": "7", "pain_average": "4"})
    bob_client.post(URL, {"day": "today", "pain_average": "5"})
    row = DailyOutcome.objects.get(patient=bob)
    assert (row.pain_average, row.pain_worst) == (5, 7)
    bob_client.post(URL, {"day": "today", "pain_average": "5", "pain_worst": ""})  # Skip clears
    row.refresh_from_db()
    assert (row.pain_average, row.pain_worst) == (5, None)
