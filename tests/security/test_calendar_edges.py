"""Daylight-saving nights, leap days and a patient who moves time zone keep every episode on
the right night, through the diary's own services."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from diary.models import CrampEpisode, Night, Patient
from diary.services import episode_create

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def log(patient: Patient, at: datetime) -> CrampEpisode:
    episode, _ = episode_create(patient=patient, started_at=at, severity=5)
    return episode


def test_the_short_spring_night_keeps_both_sides_of_the_missing_hour(alice: Patient) -> None:
    # 2025-03-30: Amsterdam clocks jump from 02:00 to 03:00.
    before = log(alice, datetime(2025, 3, 30, 1, 30, tzinfo=AMSTERDAM))
    after = log(alice, datetime(2025, 3, 30, 3, 30, tzinfo=AMSTERDAM))
    assert before.night == after.night
    assert before.night.date == date(2025, 3, 29)


def test_the_long_autumn_night_keeps_both_passes_through_the_repeated_hour(alice: Patient) -> None:
    # 2025-10-26: 02:00-03:00 happens twice; fold tells the two apart.
    first = log(alice, datetime(2025, 10, 26, 2, 30, fold=0, tzinfo=AMSTERDAM))
    second = log(alice, datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=AMSTERDAM))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.started_at - first.started_at).total_seconds() == 3600  # stored in UTC
    assert first.night == second.night
    assert first.night.date == date(2025, 10, 25)
    assert CrampEpisode.objects.for_patient(alice).count() == 2


def test_the_night_of_a_leap_day_is_dated_february_29(alice: Patient) -> None:
    evening = log(alice, datetime(2024, 2, 29, 23, 0, tzinfo=AMSTERDAM))
    morning = log(alice, datetime(2024, 3, 1, 4, 0, tzinfo=AMSTERDAM))
    assert evening.night == morning.night
    assert morning.night.date == date(2024, 2, 29)


def test_the_morning_after_february_28_in_a_leap_year_is_not_march(alice: Patient) -> None:
    episode = log(alice, datetime(2024, 2, 29, 3, 0, tzinfo=AMSTERDAM))
    assert episode.night.date == date(2024, 2, 28)


def test_a_patient_who_moves_keeps_every_earlier_night_in_place(alice: Patient) -> None:
    old = log(alice, datetime(2025, 4, 4, 2, 0, tzinfo=AMSTERDAM))
    alice.timezone = "America/New_York"
    alice.save(update_fields=["timezone"])

    # 02:00 in New York is 08:00 in Amsterdam: the new night is dated by the new zone.
    new = log(alice, datetime(2025, 4, 10, 2, 0, tzinfo=ZoneInfo("America/New_York")))

    old_night = Night.objects.get(pk=old.night_id)
    assert (old_night.date, old_night.timezone) == (date(2025, 4, 3), "Europe/Amsterdam")
    assert (new.night.date, new.night.timezone) == (date(2025, 4, 9), "America/New_York")


def test_a_flight_west_does_not_split_one_night_in_two(alice: Patient) -> None:
    first = log(alice, datetime(2025, 4, 4, 23, 0, tzinfo=AMSTERDAM))
    alice.timezone = "America/New_York"
    alice.save(update_fields=["timezone"])
    # Still the same night by the clock she now lives by (19:00 in New York, 01:00 in Amsterdam).
    later = log(alice, datetime(2025, 4, 4, 19, 0, tzinfo=ZoneInfo("America/New_York")))
    assert later.night == first.night
