"""The settings-in-effect rule: pure, no database."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta

from programming.timeline import Settings, Timeline, night_of, night_start

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
NYC = zoneinfo.ZoneInfo("America/New_York")
UTC = zoneinfo.ZoneInfo("UTC")


def rec(at: datetime, amplitude: float, record_id: int, on: bool = True) -> Settings:
    return Settings(
        record_id=record_id,
        effective_at=at,
        amplitude=amplitude,
        amplitude_unit="mA",
        pulse_width_us=210,
        frequency_hz=14.0,
        stimulation_on=on,
    )


def test_nothing_is_in_effect_before_the_first_record():
    timeline = Timeline([rec(datetime(2026, 1, 1, 9, tzinfo=AMS), 2.0, 1)])
    assert timeline.at(datetime(2026, 1, 1, 8, 59, tzinfo=AMS)) is None


def test_a_record_is_in_effect_from_its_exact_moment():
    change = datetime(2026, 1, 10, 14, tzinfo=AMS)
    timeline = Timeline([rec(datetime(2026, 1, 1, 9, tzinfo=AMS), 2.0, 1), rec(change, 1.5, 2)])
    assert timeline.at(change - timedelta(microseconds=1)).amplitude == 2.0
    assert timeline.at(change).amplitude == 1.5
    assert timeline.at(change + timedelta(days=300)).amplitude == 1.5


def test_of_two_records_at_the_same_moment_the_later_recorded_wins():
    at = datetime(2026, 1, 1, 9, tzinfo=AMS)
    timeline = Timeline([rec(at, 2.0, 1), rec(at, 1.0, 2)])
    assert timeline.at(at).record_id == 2


def test_comparison_is_by_instant_not_wall_clock():
    # 09:00 in New York is 15:00 in Amsterdam.
    timeline = Timeline([rec(datetime(2026, 1, 1, 9, tzinfo=NYC), 2.0, 1)])
    assert timeline.at(datetime(2026, 1, 1, 14, 59, tzinfo=AMS)) is None
    assert timeline.at(datetime(2026, 1, 1, 15, 0, tzinfo=AMS)) is not None


def test_an_episode_after_midnight_belongs_to_the_night_before():
    assert night_of(datetime(2026, 1, 2, 2, 0, tzinfo=AMS), AMS) == date(2026, 1, 1)
    assert night_of(datetime(2026, 1, 1, 23, 0, tzinfo=AMS), AMS) == date(2026, 1, 1)


def test_the_noon_boundary_splits_nights():
    assert night_of(datetime(2026, 1, 2, 11, 59, tzinfo=AMS), AMS) == date(2026, 1, 1)
    assert night_of(datetime(2026, 1, 2, 12, 0, tzinfo=AMS), AMS) == date(2026, 1, 2)


def test_the_night_is_read_in_the_patients_zone():
    moment = datetime(2026, 1, 2, 1, 0, tzinfo=UTC)  # 02:00 in Amsterdam, 20:00 in New York
    assert night_of(moment, AMS) == date(2026, 1, 1)
    assert night_of(moment, NYC) == date(2026, 1, 1)
    moment = datetime(2026, 1, 2, 16, 0, tzinfo=UTC)  # 17:00 Amsterdam, 11:00 New York
    assert night_of(moment, AMS) == date(2026, 1, 2)
    assert night_of(moment, NYC) == date(2026, 1, 1)


def test_a_daylight_saving_night_is_one_night():
    # Clocks go back in Amsterdam at 03:00 on 2026-10-25: 02:30 happens twice.
    first = datetime(2026, 10, 25, 2, 30, tzinfo=AMS, fold=0)
    second = datetime(2026, 10, 25, 2, 30, tzinfo=AMS, fold=1)
    assert first != second.astimezone(UTC)
    assert night_of(first, AMS) == night_of(second, AMS) == date(2026, 10, 24)
    # Clocks go forward at 02:00 on 2026-03-29.
    assert night_of(datetime(2026, 3, 29, 3, 30, tzinfo=AMS), AMS) == date(2026, 3, 28)


def test_a_night_starts_at_the_local_start_hour_even_across_dst():
    start = night_start(date(2026, 10, 24), AMS)
    assert start.astimezone(UTC) == datetime(2026, 10, 24, 16, 0, tzinfo=UTC)  # 18:00 CEST
    start = night_start(date(2026, 10, 25), AMS)
    assert start.astimezone(UTC) == datetime(2026, 10, 25, 17, 0, tzinfo=UTC)  # 18:00 CET


def test_a_night_that_spans_a_change_keeps_the_settings_at_its_start():
    zone = AMS
    timeline = Timeline(
        [
            rec(datetime(2026, 1, 1, 9, tzinfo=zone), 2.0, 1),
            rec(
                datetime(2026, 1, 11, 3, 0, tzinfo=zone), 1.0, 2
            ),  # lowered with the remote at 3 a.m.
        ]
    )
    assert timeline.for_night(date(2026, 1, 10), zone).amplitude == 2.0
    assert timeline.for_night(date(2026, 1, 11), zone).amplitude == 1.0


def test_an_afternoon_clinic_visit_applies_to_that_night():
    zone = AMS
    timeline = Timeline(
        [
            rec(datetime(2026, 1, 1, 9, tzinfo=zone), 2.0, 1),
            rec(datetime(2026, 1, 10, 15, 0, tzinfo=zone), 1.5, 2),
        ]
    )
    assert timeline.for_night(date(2026, 1, 9), zone).amplitude == 2.0
    assert timeline.for_night(date(2026, 1, 10), zone).amplitude == 1.5


def test_changes_skip_records_that_repeat_the_same_parameters():
    zone = AMS
    timeline = Timeline(
        [
            rec(datetime(2026, 1, 1, 9, tzinfo=zone), 2.0, 1),
            rec(datetime(2026, 1, 5, 9, tzinfo=zone), 2.0, 2),
            rec(datetime(2026, 1, 9, 9, tzinfo=zone), 1.0, 3),
        ]
    )
    assert [r.record_id for r in timeline.changes()] == [1, 3]


def test_a_span_is_the_stretch_over_which_at_gives_the_same_record():
    """Timeline.span (the CSV export's look-up) agrees with at() at every moment, its ends
    included, with two records at one moment and before the first record."""
    first = datetime(2026, 1, 1, 9, tzinfo=AMS)
    change = datetime(2026, 1, 10, 14, tzinfo=AMS)
    timeline = Timeline([rec(first, 2.0, 1), rec(change, 1.5, 2), rec(change, 1.0, 3)])
    assert timeline.span(first - timedelta(seconds=1)) == (None, None, first)
    moments = [first, change - timedelta(microseconds=1), change, change + timedelta(days=99)]
    for moment in [first - timedelta(days=1), *moments]:
        settings, start, end = timeline.span(moment)
        assert settings is timeline.at(moment)
        assert start is None or (start <= moment and timeline.at(start) is settings)
        assert end is None or (moment < end and timeline.at(end) is not settings)
    assert timeline.span(change) == (timeline.at(change), change, None)
    assert timeline.span(change).__getitem__(0).record_id == 3
