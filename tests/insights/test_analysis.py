from __future__ import annotations

import json
import math

from insights.analysis import analyse
from tests.insights.builders import day, night, nights_from, patient, settings


def rising_with_amplitude() -> tuple[list, list]:
    """Four amplitude levels, 21 nights each; more cramps at each step up."""
    records = [settings(day(-1), amplitude=1.0)]
    nights = []
    for level, amplitude in enumerate((1.0, 1.5, 2.0, 2.5)):
        first = 21 * level
        if level:
            records.append(settings(day(first), amplitude=amplitude))
        counts = [level if i % 3 else max(level - 1, 0) for i in range(21)]
        nights += nights_from(day(first), counts)
    return nights, records


def test_cramps_stepping_up_with_the_amplitude_are_still_a_trend() -> None:
    # The amplitude only went up while the cramps rose: over epochs, not nights, and the
    # diary cannot tell this from cramps drifting with time.
    nights, records = rising_with_amplitude()
    amplitude = analyse(patient(nights, records)).correlations["amplitude"]
    assert (amplitude.rho, amplitude.p) == (None, None)
    assert (amplitude.n, amplitude.n_epochs, amplitude.n_nights) == (4, 4, 84)
    assert amplitude.sentence.startswith("Amplitude and cramps: the diary cannot tell yet.")
    assert "only went up over time" in amplitude.sentence


def test_a_parameter_that_never_changed_has_no_correlation() -> None:
    nights, records = rising_with_amplitude()
    result = analyse(patient(nights, records))
    frequency = result.correlations["frequency_hz"]
    assert frequency.rho is None and frequency.p is None
    assert frequency.as_json()["rho"] is None
    assert result.correlations["pulse_width_us"].as_json()["p"] is None
    assert "did not change" in frequency.sentence


def test_no_nan_ever_leaks_out_as_a_number() -> None:
    # Amplitude varies but the cramp count never does.
    records = [settings(day(-1), amplitude=1.0), settings(day(10), amplitude=2.0)]
    result = analyse(patient(nights_from(day(0), [1] * 20), records))
    amplitude = result.correlations["amplitude"]
    assert amplitude.rho is None and amplitude.p is None
    assert "nan" not in json.dumps([c.as_json() for c in result.correlations.values()]).lower()


def test_nights_with_stimulation_off_are_left_out_of_the_correlation() -> None:
    records = [
        settings(day(-1), amplitude=1.0),
        settings(day(10), amplitude=2.0),
        settings(day(20), amplitude=2.0, stimulation_on=False),
    ]
    nights = nights_from(day(0), [0] * 10 + [2] * 10 + [5] * 10)
    amplitude = analyse(patient(nights, records)).correlations["amplitude"]
    assert (amplitude.n_epochs, amplitude.n_nights) == (2, 20)


def test_unlogged_nights_are_missing_not_cramp_free() -> None:
    # Thirty elapsed nights, ten logged, all with cramps.
    nights = nights_from(day(0), [1 if i % 3 == 0 else None for i in range(30)])
    result = analyse(patient(nights, today=day(30)))
    epoch = result.epochs[0]
    assert epoch.nights_logged == 10
    assert epoch.nights_elapsed == 30
    assert epoch.cramp_night_rate == 1.0
    assert math.isclose(epoch.adherence, 1 / 3)
    assert result.adherence.nights_logged == 10


def test_it_splits_the_diary_into_settings_epochs() -> None:
    records = [
        settings(day(-1), amplitude=2.0),
        settings(day(10), amplitude=1.5, reason="reduce_amplitude"),
        settings(day(10), amplitude=1.5),  # re-recorded, no change: the same epoch
        settings(day(20), stimulation_on=False),
    ]
    nights = nights_from(day(0), [2] * 10 + [1, 0] * 5 + [0] * 5)
    result = analyse(patient(nights, records, today=day(25)))
    assert [(e.start, e.end) for e in result.epochs] == [
        (day(-1), day(9)), (day(10), day(19)), (day(20), day(24)),
    ]
    first, second, third = result.epochs
    assert (first.nights_logged, first.cramps, first.cramps_per_logged_night) == (10, 20, 2.0)
    assert (second.cramp_nights, second.cramp_night_rate) == (5, 0.5)
    assert second.mean_severity == 5
    assert third.settings.stimulation_on is False and third.cramps_per_logged_night == 0


def test_it_compares_fourteen_logged_nights_either_side_of_a_change() -> None:
    records = [settings(day(-1), amplitude=2.0), settings(day(20), amplitude=1.5)]
    nights = nights_from(day(0), [1] * 20 + [0, 0, 0, 1] * 5)
    [comparison] = analyse(patient(nights, records)).comparisons
    assert (comparison.before_nights, comparison.before_cramp_nights) == (14, 14)
    assert (comparison.after_nights, comparison.after_cramp_nights) == (14, 3)
    assert comparison.verdict == "improved"
    assert comparison.kinds == ("amplitude_down",)


def test_a_patient_who_logs_only_cramp_nights_is_not_reported_as_improved() -> None:
    # Cramps really did thin out after the change, but the patient only opened the diary on
    # the nights they had one: every logged night is a cramp night, before and after.
    records = [settings(day(-1), amplitude=2.0), settings(day(30), amplitude=1.5)]
    counts = [1] * 30 + [1 if i % 4 == 0 else None for i in range(60)]
    result = analyse(patient(nights_from(day(0), counts), records))
    [comparison] = result.comparisons
    assert comparison.verdict == "not_improved"
    assert comparison.after_rate == 1.0
    assert result.epochs[1].adherence < 0.3


def test_one_logged_night_after_a_change_is_one_night_not_one_nights() -> None:
    records = [settings(day(-1), amplitude=2.0), settings(day(20), amplitude=1.5)]
    [comparison] = analyse(patient(nights_from(day(0), [1] * 20 + [0]), records)).comparisons
    assert "only 1 logged night after: too early to judge." in comparison.sentence()


def test_too_few_nights_after_a_change_is_too_early_to_judge() -> None:
    records = [settings(day(-1), amplitude=2.0), settings(day(20), amplitude=1.5)]
    [comparison] = analyse(patient(nights_from(day(0), [1] * 20 + [0] * 6), records)).comparisons
    assert comparison.verdict == "too_early"
    assert "too early to judge" in comparison.sentence()
    [seven] = analyse(patient(nights_from(day(0), [1] * 20 + [0] * 7), records)).comparisons
    assert seven.verdict == "improved"


def test_each_epoch_counts_its_benefit_and_its_interval() -> None:
    records = [settings(day(-1), amplitude=2.0), settings(day(5), amplitude=1.0)]
    nights = [night(day(i), 2, benefit=8) for i in range(5)] + [
        night(day(i), 0, benefit=4) for i in range(5, 8)
    ]
    high, low = analyse(patient(nights, records)).epochs
    assert (high.mean_benefit, high.benefit_nights, high.cramp_night_rate) == (8, 5, 1.0)
    assert (low.mean_benefit, low.benefit_nights, low.cramp_night_rate) == (4, 3, 0.0)
    # Wilson: never a zero-width interval at 0 of 3 or 5 of 5.
    assert low.cramp_night_interval()[0] == 0 and 0.4 < low.cramp_night_interval()[1] < 0.6
    assert 0.5 < high.cramp_night_interval()[0] < 0.6 and high.cramp_night_interval()[1] == 1


def test_a_reduction_made_while_cramps_were_active_is_marked() -> None:
    records = [
        settings(day(-1), amplitude=2.0),
        # cramps active: made because of cramps
        settings(day(20), amplitude=1.5, reason="reduce_amplitude"),
        settings(day(40), amplitude=2.0),  # an increase is never "because of cramps"
        settings(day(60), amplitude=1.5, reason="reduce_amplitude"),  # quiet before: not marked
    ]
    nights = nights_from(day(0), [1] * 40 + [0] * 40)
    result = analyse(patient(nights, records))
    assert [e.made_because_of_cramps for e in result.epochs] == [False, True, False, False]
    assert [c.made_because_of_cramps for c in result.comparisons] == [True, False, False]
    improved = result.comparisons[0]
    assert improved.verdict == "not_improved"


def test_an_improvement_after_a_change_made_because_of_cramps_names_regression_to_the_mean(
) -> None:
    records = [
        settings(day(-1), amplitude=2.0), settings(day(20), amplitude=1.5, reason="reprogram")
    ]
    nights = nights_from(day(0), [1] * 20 + [0] * 14)
    [comparison] = analyse(patient(nights, records)).comparisons
    assert comparison.verdict == "improved" and comparison.made_because_of_cramps
    assert "regression to the mean" in comparison.sentence()


def test_an_empty_diary_analyses_to_nothing_without_errors() -> None:
    result = analyse(patient([]))
    assert result.adherence.rate is None
    assert all(c.rho is None for c in result.correlations.values())
    assert [e.nights_logged for e in result.epochs] == [0]


def test_a_change_of_unit_is_described_with_each_value_in_its_own_unit() -> None:
    from dataclasses import replace
    from datetime import timedelta

    from insights.analysis import describe_change
    from insights.charts import _short_change
    from tests.insights.builders import START

    before = settings(START, amplitude=1.5)
    after = replace(settings(START + timedelta(days=3), amplitude=1.2), amplitude_unit="V")
    assert describe_change(before, after) == "Amplitude 1.5 mA → 1.2 V (another unit)"
    assert _short_change(before, after) == "1.2 V"  # no ↑ or ↓ between mA and V
    lower = settings(START + timedelta(days=3), amplitude=1.2)
    assert describe_change(before, lower) == "Amplitude 1.5 → 1.2 mA"
    assert _short_change(before, lower) == "↓1.2 mA"
