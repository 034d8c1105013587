from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from diary.models import CrampEpisode, Night
from tests.factories import local, log_cramp, log_cramp_free

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_cramp(alice):
    return log_cramp(alice, local(alice, date(2026, 3, 11), 2), severity=5)


def detail(**overrides):
    data = {
        "started_at": "2026-03-11T02:00",
        "severity": "5",
        "side": "left",
        "site": "calf",
        "woke_from_sleep": "yes",
        "stimulation_felt": "different_location",
        "new_movement": "calf",
        "relieved_by": ["stretching", "device_off"],
        "duration_min": "12",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_the_patient_adds_detail_to_a_cramp(alice_client, alices_cramp):
    response = alice_client.post(reverse("diary:episode", args=[alices_cramp.pk]), detail())
    assert response.status_code == 302
    alices_cramp.refresh_from_db()
    assert alices_cramp.site == "calf"
    assert alices_cramp.side == "left"
    assert alices_cramp.woke_from_sleep is True
    assert alices_cramp.stimulation_felt == "different_location"
    assert alices_cramp.relieved_by == ["stretching", "device_off"]
    assert alices_cramp.duration_min == 12


def test_done_saves_the_details_chosen_and_goes_home(alice_client, alices_cramp):
    # "Done" was a plain link: side and site chosen, then Done, and nothing was saved.
    page = alice_client.get(reverse("diary:episode", args=[alices_cramp.pk]))
    assert b'name="then" value="home"' in page.content and page.status_code == 200
    response = alice_client.post(
        reverse("diary:episode", args=[alices_cramp.pk]),
        detail(side="right", site="foot", then="home"),
    )
    assert response.status_code == 302 and response.url == reverse("diary:home")
    alices_cramp.refresh_from_db()
    assert (alices_cramp.side, alices_cramp.site) == ("right", "foot")


def test_done_with_a_bad_answer_saves_nothing_and_says_why(alice_client, alices_cramp):
    response = alice_client.post(
        reverse("diary:episode", args=[alices_cramp.pk]),
        detail(side="right", duration_min="999", then="home"),
    )
    assert response.status_code == 200
    assert "Duration must be between 0 and 240 minutes." in response.content.decode()
    alices_cramp.refresh_from_db()
    assert alices_cramp.side == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration_min", "241", "Duration must be between 0 and 240 minutes."),
        ("duration_min", "-1", "Duration must be between 0 and 240 minutes."),
        ("severity", "11", "Choose a severity between 0 and 10."),
        ("started_at", "2999-01-01T02:00", "That time is in the future."),
        ("relieved_by", ["dancing"], "Select a valid choice."),
    ],
)
def test_bad_detail_is_refused_next_to_the_field_and_nothing_changes(
    alice_client, alices_cramp, field, value, message
):
    response = alice_client.post(
        reverse("diary:episode", args=[alices_cramp.pk]), detail(**{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    alices_cramp.refresh_from_db()
    assert alices_cramp.site == ""
    assert alices_cramp.severity == 5


def test_moving_a_cramp_to_another_night_moves_it_there(alice, alice_client, alices_cramp):
    alice_client.post(
        reverse("diary:episode", args=[alices_cramp.pk]), detail(started_at="2026-03-09T23:30")
    )
    alices_cramp.refresh_from_db()
    assert alices_cramp.night.date == date(2026, 3, 9)


def test_removing_a_cramp_keeps_a_recoverable_trace(alice, alice_client, alices_cramp):
    response = alice_client.post(reverse("diary:episode-delete", args=[alices_cramp.pk]))
    assert response.status_code == 302
    row = CrampEpisode.objects.get(pk=alices_cramp.pk)
    assert row.deleted_at is not None
    assert not CrampEpisode.objects.for_patient(alice).exists()
    # The night existed only for that cramp and was never checked in: it must not now read as
    # a cramp-free night the patient never reported.
    assert not Night.objects.for_patient(alice).exists()


def test_removing_one_of_two_cramps_keeps_the_night(alice, alice_client, alices_cramp):
    log_cramp(alice, local(alice, date(2026, 3, 11), 3))
    alice_client.post(reverse("diary:episode-delete", args=[alices_cramp.pk]))
    assert (
        Night.objects.for_patient(alice).get().episodes.filter(deleted_at__isnull=True).count() == 1
    )


def test_bob_cannot_see_change_or_remove_alices_cramp(bob_client, alices_cramp):
    for name in ("diary:episode", "diary:episode-delete"):
        url = reverse(name, args=[alices_cramp.pk])
        assert bob_client.get(url).status_code == 404
        assert bob_client.post(url, detail(severity="1")).status_code == 404
    alices_cramp.refresh_from_db()
    assert alices_cramp.severity == 5 and alices_cramp.deleted_at is None


def test_bob_cannot_see_change_or_remove_alices_night(alice, bob_client):
    night = log_cramp_free(alice, date(2026, 3, 1))
    for name in ("diary:night", "diary:night-delete"):
        url = reverse(name, args=[night.pk])
        assert bob_client.get(url).status_code == 404
        assert bob_client.post(url, {"notes": "x"}).status_code == 404
    night.refresh_from_db()
    assert night.deleted_at is None and night.notes == ""


def test_the_patient_records_how_the_day_went(alice, alice_client):
    night = log_cramp_free(alice, date(2026, 3, 1))
    response = alice_client.post(
        reverse("diary:night", args=[night.pk]),
        {
            "therapy_benefit": "7",
            "sleep_quality": "6",
            "fluids": "low",
            "activity": "high",
            "alcohol": "no",
            "lumbar_support": "yes",
            "notes": "",
        },
    )
    assert response.status_code == 302
    night.refresh_from_db()
    assert (night.therapy_benefit, night.fluids, night.alcohol, night.lumbar_support) == (
        7,
        "low",
        False,
        True,
    )


def test_therapy_benefit_is_asked_in_the_therapys_own_words(alice, bob, alice_client, bob_client):
    alice_night = log_cramp_free(alice, date(2026, 3, 1))
    bob_night = log_cramp_free(bob, date(2026, 3, 1))
    assert (
        "bladder or bowel control"
        in alice_client.get(reverse("diary:night", args=[alice_night.pk])).content.decode()
    )
    assert (
        "pain relief"
        in bob_client.get(reverse("diary:night", args=[bob_night.pk])).content.decode()
    )


def test_history_lists_nights_with_settings_and_marks_gaps(alice, alice_client):
    log_cramp_free(alice, date(2026, 3, 1))
    log_cramp(alice, local(alice, date(2026, 3, 5), 2), severity=8)
    page = alice_client.get(reverse("diary:history")).content.decode()
    assert "No cramps" in page and "1 cramp" in page
    assert "2 nights not logged" in page  # 2 and 3 March; the cramp is on the night of the 4th
    assert "2 mA · 210 µs · 14 Hz" in page
    assert "02:00" in page  # shown on the patient's own clock


def test_history_shows_only_the_patients_own_nights(alice, bob, bob_client):
    log_cramp_free(alice, date(2026, 3, 1))
    page = bob_client.get(reverse("diary:history")).content.decode()
    assert "Sun 1 Mar 2026" not in page


def test_history_queries_stay_flat_as_nights_grow(
    alice, alice_client, django_assert_max_num_queries
):
    for offset in range(40):
        log_cramp(alice, local(alice, date(2026, 1, 2) + timedelta(days=offset), 2))
    with django_assert_max_num_queries(12):
        alice_client.get(reverse("diary:history"))
