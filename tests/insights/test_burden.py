"""The cramp burden arithmetic (issue 23), pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from insights.analysis import Episode, NightRecord, analyse
from insights.burden import (
    Burden,
    burden_of,
    night_burden,
    night_minutes,
    night_woken,
    night_worst_severity,
    side_in_words,
)
from tests.insights.builders import day, patient, settings

FIRST = date(2025, 1, 1)


def cramp(day_: date, severity: int = 5, *, minutes: int | None = None,
          woke: bool | None = None, k: int = 0) -> Episode:
    at = datetime.combine(day_ + timedelta(days=1), time(2), tzinfo=UTC) + timedelta(minutes=k)
    return Episode(at, severity, duration_min=minutes, woke_from_sleep=woke)


def night(day_: date, *episodes: Episode, disturbance: int | None = None) -> NightRecord:
    return NightRecord(day_, "UTC", tuple(episodes), sleep_disturbance=disturbance)


def test_a_nights_minutes_add_up_and_an_unknown_duration_leaves_the_total_unknown() -> None:
    assert night_minutes([]) == 0
    assert night_minutes([5, 0, 12]) == 17
    assert night_minutes([5, None]) is None


def test_the_worst_severity_is_the_highest_and_a_cramp_free_night_has_none() -> None:
    assert night_worst_severity([3, 8, 0]) == 8
    assert night_worst_severity([0]) == 0
    assert night_worst_severity([]) is None


def test_one_cramp_that_woke_the_patient_makes_a_woken_night() -> None:
    assert night_woken([False, True, None]) is True
    assert night_woken([False, False]) is False
    assert night_woken([]) is False  # no cramp, nothing woke them
    assert night_woken([False, None]) is None


def test_a_night_reads_its_count_minutes_worst_waking_and_disturbance() -> None:
    n = night(FIRST, cramp(FIRST, 4, minutes=3, woke=False),
              cramp(FIRST, 9, minutes=10, woke=True, k=30), disturbance=7)
    b = night_burden(n)
    assert (b.cramps, b.minutes, b.worst_severity, b.woken, b.sleep_disturbance) == (
        2, 13, 9, True, 7
    )


def test_a_period_averages_each_figure_over_its_own_nights() -> None:
    nights = [
        night(day(0), cramp(day(0), 6, minutes=10, woke=True), disturbance=8),
        night(day(1), cramp(day(1), 2, minutes=None, woke=None),
              cramp(day(1), 4, minutes=5, woke=False, k=20)),
        night(day(2)),  # cramp-free: 0 minutes, not woken, no severity, not answered
        night(day(3), disturbance=0),
    ]
    b = burden_of(nights)
    assert (b.nights, b.cramp_nights, b.cramps) == (4, 2, 3)
    assert b.cramp_night_rate == 0.5
    assert b.cramps_per_night == 0.75
    assert b.minutes_nights == 3 and b.mean_minutes == 10 / 3  # day 1's total is unknown
    assert b.mean_worst_severity == (6 + 4) / 2  # over the cramp nights only
    assert b.disturbance_nights == 2 and b.mean_sleep_disturbance == 4.0
    assert (b.woken_nights, b.woken_known_nights) == (1, 3)


def test_an_empty_period_has_no_figures_never_zero_or_nan() -> None:
    b = burden_of([])
    assert b == Burden()
    for value in (b.cramp_night_rate, b.cramps_per_night, b.mean_minutes,
                  b.mean_worst_severity, b.mean_sleep_disturbance, b.woken_rate):
        assert value is None
    assert side_in_words(b) == ["no logged nights"]
    assert all(v is None or isinstance(v, int) for v in b.as_json().values())


def test_the_words_say_what_is_missing_rather_than_a_zero() -> None:
    words = side_in_words(burden_of([night(day(0), cramp(day(0), 5)), night(day(1))]))
    assert words[0] == "1 of 2 nights with cramps"
    assert "0.50 cramps per logged night" in words
    assert "0.0 min a night (1 of 2 nights)" in words
    assert "worst severity 5.0 on cramp nights" in words
    assert "sleep disturbance: — (not answered)" in words
    assert "woken 0 of 2 nights (1 not known)" in words


def test_an_extreme_stored_value_is_averaged_not_refused() -> None:
    b = burden_of([night(day(0), cramp(day(0), 32767, minutes=32767), disturbance=32767)])
    assert b.mean_sleep_disturbance == 32767 and b.mean_minutes == 32767


def test_epochs_and_each_side_of_a_comparison_carry_their_burden() -> None:
    change = day(14)
    before = [night(day(i), cramp(day(i), 8, minutes=20, woke=True), disturbance=6)
              for i in range(14)]
    after = [night(day(i), disturbance=1) if i % 2 else night(day(i), cramp(day(i), 3, minutes=2))
             for i in range(14, 28)]
    analysis = analyse(patient(before + after, [settings(day(-1)),
                                                settings(change, amplitude=1.5)]))
    first, second = analysis.epochs
    assert first.burden == burden_of(before)
    assert second.burden == burden_of(after)
    (comparison,) = analysis.comparisons
    assert comparison.before_burden.mean_sleep_disturbance == 6
    assert comparison.after_burden.mean_sleep_disturbance == 1
    assert comparison.after_burden.mean_minutes == 1.0  # 7 nights of 2 min, 7 of 0
    assert comparison.before_burden.woken_nights == 14
    assert comparison.after_burden.cramp_nights == comparison.after_cramp_nights == 7
    # The verdict is still the cramp-night rate's: 14 of 14 before, 7 of 14 after.
    assert comparison.verdict == "improved"


STORED = st.integers(min_value=0, max_value=32767)  # what a PositiveSmallIntegerField holds
NIGHTS = st.lists(
    st.tuples(
        st.lists(st.tuples(STORED, st.none() | STORED, st.none() | st.booleans()), max_size=4),
        st.none() | STORED,
    ),
    max_size=20,
)


@examples(max_examples=60, deadline=None, derandomize=True, database=None)
@given(NIGHTS)
def test_any_stored_values_give_figures_within_their_bounds_and_words(generated) -> None:
    nights = [
        night(day(i), *(cramp(day(i), s, minutes=m, woke=w, k=k)
                        for k, (s, m, w) in enumerate(episodes)), disturbance=d)
        for i, (episodes, d) in enumerate(generated)
    ]
    b = burden_of(nights)
    for mean_, low, high in (
        (b.mean_sleep_disturbance, 0, 32767), (b.mean_worst_severity, 0, 32767),
        (b.mean_minutes, 0, 4 * 32767), (b.cramp_night_rate, 0, 1), (b.woken_rate, 0, 1),
    ):
        assert mean_ is None or low <= mean_ <= high
    assert side_in_words(b)
    assert b.nights == len(nights)
