"""The morning entry's sleep question (issue 23): "How much did cramps disturb your sleep?",
0-10 tiles, optional, once a night. A bad value is refused next to the field and saves
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from diary.models import Night, Patient
from tests.factories import local, log_cramp

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def cramp_night(patient: Patient) -> Night:
    night_date = patient.last_completed_night()
    return log_cramp(patient, local(patient, night_date + timedelta(days=1), 2)).night


def post(client: Client, night: Night, **answers: str):
    return client.post(
        reverse("diary:night", args=[night.pk]), answers, HTTP_USER_AGENT=PHONE
    )


def test_the_morning_entry_asks_the_sleep_question_as_eleven_tiles_and_skip(alice, alice_client):
    night = cramp_night(alice)
    response = alice_client.get(reverse("diary:night", args=[night.pk]), HTTP_USER_AGENT=PHONE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "How much did cramps disturb your sleep?" in page
    assert page.count('name="sleep_disturbance"') == 12  # Skip, 0 ... 10
    assert 'type="range"' not in page


def test_a_patient_sets_seven_and_it_is_stored(alice, alice_client):
    night = cramp_night(alice)
    response = post(alice_client, night, sleep_disturbance="7", sleep_quality="4")
    assert response.status_code == 302
    night.refresh_from_db()
    assert night.sleep_disturbance == 7
    assert night.sleep_quality == 4
    assert night.checked_in_at is not None
    # Shown again, chosen, when the patient comes back to the night.
    page = alice_client.get(reverse("diary:night", args=[night.pk])).content.decode()
    assert 'value="7" autocomplete="off" checked' in page


def test_skipping_the_question_stores_nothing_not_zero(alice, alice_client):
    night = cramp_night(alice)
    assert post(alice_client, night, sleep_disturbance="", sleep_quality="6").status_code == 302
    night.refresh_from_db()
    assert night.sleep_disturbance is None
    assert night.sleep_quality == 6


@pytest.mark.parametrize("bad", ["11", "-1", "abc", "7.5", "1e1"])
def test_a_value_outside_0_to_10_is_refused_next_to_the_field_and_saves_nothing(
    alice, alice_client, bad
):
    night = cramp_night(alice)
    before = Night.objects.values().get(pk=night.pk)
    version = Patient.objects.get(pk=alice.pk).data_version
    response = post(alice_client, night, sleep_disturbance=bad, sleep_quality="4")
    assert response.status_code == 200
    page = response.content.decode()
    message = "Choose a number from 0 to 10 for how much cramps disturbed your sleep, or Skip."
    assert f'<div id="id_sleep_disturbance_errors" class="invalid-feedback d-block" role="alert">' \
        f"{message}</div>" in page
    assert 'aria-describedby="id_sleep_disturbance_errors"' in page
    assert Night.objects.values().get(pk=night.pk) == before  # sleep quality not saved either
    assert Patient.objects.get(pk=alice.pk).data_version == version


def test_another_patient_can_neither_read_nor_answer_alices_night(alice, bob_client, lee_client):
    night = cramp_night(alice)
    assert bob_client.get(reverse("diary:night", args=[night.pk])).status_code == 404
    assert post(bob_client, night, sleep_disturbance="3").status_code == 404
    # A clinician is sent to their own home: the patient's form is not theirs.
    assert post(lee_client, night, sleep_disturbance="3").status_code == 302
    night.refresh_from_db()
    assert night.sleep_disturbance is None


def test_the_patients_history_shows_the_answer(alice, alice_client):
    night = cramp_night(alice)
    post(alice_client, night, sleep_disturbance="4")
    response = alice_client.get(reverse("diary:history"))
    assert response.status_code == 200
    assert "sleep disturbed 4/10" in response.content.decode()


# --- the home page's one tap ---------------------------------------------------------------

def test_home_asks_the_sleep_question_after_a_night_with_cramps_and_one_tap_saves_it(
    alice, alice_client
):
    night = cramp_night(alice)
    home = alice_client.get(reverse("diary:home"))
    assert home.status_code == 200
    page = home.content.decode()
    assert 'id="sleep-question"' in page
    assert page.count('name="sleep_disturbance"') == 11  # 0 ... 10, each a submit button
    version = Patient.objects.get(pk=alice.pk).data_version
    response = alice_client.post(
        reverse("diary:night-sleep", args=[night.pk]), {"sleep_disturbance": "7"}
    )
    assert response.status_code == 302
    night.refresh_from_db()
    assert night.sleep_disturbance == 7
    assert Patient.objects.get(pk=alice.pk).data_version > version
    # Answered: the question is not asked again.
    assert 'id="sleep-question"' not in alice_client.get(reverse("diary:home")).content.decode()


def test_home_does_not_ask_it_after_a_cramp_free_night(alice, alice_client):
    alice_client.post(reverse("diary:no-cramps"),
                      {"date": alice.last_completed_night().isoformat()})
    page = alice_client.get(reverse("diary:home")).content.decode()
    assert "No cramps." in page
    assert 'id="sleep-question"' not in page


@pytest.mark.parametrize("value", ["11", "-1", "abc", "7.5", ""])
def test_a_bad_one_tap_answer_is_refused_next_to_the_question(alice, alice_client, value):
    night = cramp_night(alice)
    response = alice_client.post(
        reverse("diary:night-sleep", args=[night.pk]), {"sleep_disturbance": value}
    )
    assert response.status_code == 400
    assert "Choose a number from 0 to 10" in response.content.decode()
    assert 'id="sleep-question-errors"' in response.content.decode()
    night.refresh_from_db()
    assert night.sleep_disturbance is None


def test_another_patients_night_is_404_and_get_is_refused(alice, bob, alice_client, bob_client):
    night = cramp_night(alice)
    url = reverse("diary:night-sleep", args=[night.pk])
    assert bob_client.post(url, {"sleep_disturbance": "3"}).status_code == 404
    assert alice_client.get(url).status_code == 405
    night.refresh_from_db()
    assert night.sleep_disturbance is None
