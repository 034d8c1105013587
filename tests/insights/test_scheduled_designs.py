"""Issue 23, the pure analysis: which changes count as made because of cramps (one rule, read
from the change's reason, its source and its timing), scheduled ABAB designs read as the
designs they are, planned trials, and the washout nights reported apart."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from insights.analysis import (
    AttributedNight,
    PlannedTrial,
    analyse,
    made_because_of_cramps,
)
from insights.association import SIGNIFICANCE, _arrangements, trial_p
from insights.thresholds import Thresholds
from programming.timeline import Timeline
from tests.insights.builders import day, night, nights_from, patient, settings
from tests.insights.test_association import cramp_flags

ABAB_VOLTS = [1.0, 2.0, 3.0, 1.0, 3.0, 2.0, 1.0, 3.0, 2.0]
RATE_AT_LEVEL = [0.05, 0.45, 0.9]  # cramps on 5%, 45% and 90% of nights at the three levels


def scheduled_abab(parameter: str, levels: list[float], *, unit: str = "mA",
                   nights: int = 12, trials: tuple[PlannedTrial, ...] = ()):
    """The issue's diary: every change made by the clinic with reason "other", twelve nights
    each, the share of cramp nights set by the level (lowest, middle, highest)."""
    ordered = sorted(set(levels))
    records, counts = [], []
    for i, level in enumerate(levels):
        first = day(-1 if i == 0 else nights * i)
        if parameter == "amplitude":
            records.append(settings(first, amplitude=level, unit=unit, reason="other"))
        else:
            records.append(settings(first, pulse_width_us=int(level), reason="other"))
        rate = (RATE_AT_LEVEL[ordered.index(level)] if len(ordered) == 3
                else 0.05 + 0.85 * ordered.index(level) / (len(ordered) - 1))
        counts += cramp_flags(rate, nights, offset=0.5)
    return patient(nights_from(day(0), counts), records, trials=trials)


@pytest.mark.parametrize(("parameter", "levels", "unit"), [
    ("amplitude", ABAB_VOLTS, "V"),
    ("amplitude", ABAB_VOLTS, "mA"),
    ("pulse_width_us", [150, 210, 270, 150, 270, 210, 150, 270, 210], "mA"),
])
def test_a_scheduled_abab_design_recorded_by_the_clinic_gives_rho_and_p(
    parameter, levels, unit
) -> None:
    result = analyse(scheduled_abab(parameter, levels, unit=unit))
    c = result.correlations[parameter]
    assert not any(e.made_because_of_cramps for e in result.epochs)
    assert c.n_epochs == 9
    assert c.rho is not None and c.rho > 0.9
    assert c.p is not None and c.p < SIGNIFICANCE
    assert "washout" in c.method
    assert "not proof" in c.sentence


def test_the_same_design_marked_as_a_planned_trial_names_its_test() -> None:
    trial = PlannedTrial("amplitude", day(-1), day(12 * 8), order_randomised=True)
    result = analyse(scheduled_abab("amplitude", ABAB_VOLTS, unit="V", trials=(trial,)))
    c = result.correlations["amplitude"]
    assert all(e.planned_trial == trial for e in result.epochs)
    assert c.p is not None and c.p < SIGNIFICANCE
    assert c.sentence.startswith("In the planned trial, the settings periods at a higher")
    assert "randomization test" in c.method and "planned trial" in c.method
    # Its pulse width never changed: the trial of the amplitude says nothing of it.
    assert result.correlations["pulse_width_us"].p is None


def test_periods_outside_a_planned_trial_are_not_counted() -> None:
    # Three periods before the trial, then the trial's nine.
    levels = [3.0, 1.0, 3.0, *ABAB_VOLTS]
    trial = PlannedTrial("amplitude", day(36), day(36 + 12 * 9 - 1))
    c = analyse(scheduled_abab("amplitude", levels, trials=(trial,))).correlations["amplitude"]
    assert c.n_epochs == 9
    assert "3 settings periods outside the planned trial are not counted" in c.caution
    assert "order fixed in advance, not drawn at random" in c.method
    assert "permutation test" in c.method


def test_a_planned_trial_stepped_one_way_is_still_a_trend() -> None:
    levels = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
    trial = PlannedTrial("amplitude", day(-1), day(100))
    c = analyse(scheduled_abab("amplitude", levels, trials=(trial,))).correlations["amplitude"]
    assert c.n_epochs == 6
    assert c.p is None and "only went up over time" in c.caution


@pytest.mark.parametrize("order", [[1.0, 2.0, 3.0, 2.0, 1.0, 3.0], [2.0, 1.0, 3.0, 1.0, 2.0, 3.0]])
def test_a_planned_design_that_alternates_is_not_read_as_a_trend(order) -> None:
    c = analyse(scheduled_abab("amplitude", order, nights=14)).correlations["amplitude"]
    assert "over time" not in c.caution
    assert c.p is not None


# --- The one rule for "made because of cramps" ---------------------------------------------

ACTIVE = [AttributedNight(night(day(i), 1), None) for i in range(14)]
QUIET = [AttributedNight(night(day(i), 0), None) for i in range(14)]


@pytest.mark.parametrize(("kwargs", "before", "trial", "reactive"), [
    ({"reason": "reduce_amplitude"}, ACTIVE, None, True),
    ({"reason": "reprogram"}, ACTIVE, None, True),
    ({"reason": "other"}, ACTIVE, None, False),  # a scheduled change recorded as such
    ({"reason": "lead_revision"}, ACTIVE, None, False),
    ({"reason": "reduce_amplitude"}, ACTIVE, "trial", False),  # the plan chose it
    ({"reason": "other", "source": "patient_remote"}, ACTIVE, None, True),
    ({"reason": "reduce_amplitude", "source": "patient_remote"}, ACTIVE, "trial", True),
    ({"reason": "reduce_amplitude", "source": "patient_remote"}, QUIET, None, False),
    ({"reason": "reduce_amplitude", "source": "import"}, ACTIVE, None, True),
])
def test_the_reactive_rule_reads_reason_source_and_timing(kwargs, before, trial, reactive):
    previous = settings(day(-1), amplitude=2.0)
    change = settings(day(14), amplitude=1.5, **kwargs)
    planned = PlannedTrial("amplitude", day(10), day(60)) if trial else None
    assert made_because_of_cramps(
        previous, change, day(14), before, Thresholds(), planned
    ) is reactive


def test_an_increase_is_never_reactive_whoever_made_it() -> None:
    previous = settings(day(-1), amplitude=1.5)
    change = settings(day(14), amplitude=2.0, source="patient_remote", reason="reduce_amplitude")
    assert not made_because_of_cramps(previous, change, day(14), ACTIVE, Thresholds())


# --- A patient who lowers the amplitude on bad nights and raises it on good ones -----------

def patient_driven(seed: int, days: int = 360):
    """Cramps come in spells whatever the settings; the patient lowers the amplitude on the
    remote when 3 of the last 14 nights had cramps, and raises it after 4 quiet weeks."""
    rng = random.Random(seed)
    active, amplitude, flags, last_change = False, 2.0, [], 0
    records, nights = [settings(day(-1), amplitude=amplitude, reason="initial")], []
    for d in range(days):
        if rng.random() < 1 / 40:
            active = not active
        flags.append(int(rng.random() < (0.6 if active else 0.05)))
        nights.append(night(day(d), flags[-1]))
        since, new = d - last_change, None
        if since >= 14 and sum(flags[-14:]) >= 3 and amplitude > 1.0:
            new, reason = amplitude - 1.0, "reduce_amplitude"
        elif since >= 28 and sum(flags[-14:]) == 0 and amplitude < 3.0:
            new, reason = amplitude + 1.0, "increase_amplitude"
        if new is not None:
            amplitude, last_change = new, d + 1
            records.append(settings(day(d + 1), amplitude=amplitude, reason=reason,
                                    source="patient_remote"))
    return patient(nights, records)


# Year-and-a-half diaries in which the rule is what stands between the patient's reaction and a
# "dose effect": read as if the clinic had made the same changes for no recorded reason, each
# gives p < 0.05 with fewer cramp nights at the higher amplitude.
@pytest.mark.parametrize("seed", [8, 18, 28])
def test_a_patient_driven_diary_gives_no_small_p(seed) -> None:
    data = patient_driven(seed, days=540)
    result = analyse(data)
    amplitude = result.correlations["amplitude"]
    assert amplitude.p is None or amplitude.p >= SIGNIFICANCE
    assert "made because of cramps" in amplitude.caution
    unrecorded = replace(data, timeline=Timeline(
        replace(s, source="clinic", reason="other") for s in data.timeline.records
    ))
    naive = analyse(unrecorded).correlations["amplitude"]
    assert naive.p is not None and naive.p < SIGNIFICANCE and naive.rho < 0


# --- Washout and carry-over ---------------------------------------------------------------

def test_washout_nights_are_counted_apart_and_left_out_of_the_association() -> None:
    # A lagged response: cramps go on for the first 3 nights after each change to the low
    # level, then stop. Read with the washout the low level is cramp-free.
    levels = [3.0, 1.0, 3.0, 1.0, 3.0, 1.0]
    records, counts = [], []
    for i, level in enumerate(levels):
        records.append(settings(day(-1 if i == 0 else 14 * i), amplitude=level))
        counts += [1] * 14 if level == 3.0 else [1, 1, 1] + [0] * 11
    result = analyse(patient(nights_from(day(0), counts), records))
    low = result.epochs[1]
    assert (low.washout_nights, low.washout_nights_logged, low.washout_cramp_nights) == (3, 3, 3)
    assert (low.settled_nights_logged, low.settled_cramp_nights) == (11, 0)
    assert low.cramp_night_rate == pytest.approx(3 / 14)
    assert low.settled_cramp_night_rate == 0
    # Without a washout, the same diary reads the carried-over cramps as the low level's own.
    no_washout = analyse(patient(nights_from(day(0), counts), records),
                         Thresholds(association_washout_nights=0))
    assert no_washout.epochs[1].washout_nights_logged == 0
    assert "washout" not in no_washout.correlations["amplitude"].method


def test_a_period_too_short_after_its_washout_does_not_count() -> None:
    records = [settings(day(-1), amplitude=1.0), settings(day(30), amplitude=2.0),
               settings(day(39), amplitude=1.0)]
    c = analyse(patient(nights_from(day(0), [0] * 70), records)).correlations["amplitude"]
    assert "1 settings period had fewer than 7 logged nights after their first 3" in c.caution


def test_the_washout_comes_from_its_named_setting(settings) -> None:
    settings.ASSOCIATION_WASHOUT_NIGHTS = 5
    assert Thresholds.from_settings().association_washout_nights == 5


def test_a_planned_trial_covers_the_changes_begun_within_its_nights() -> None:
    trial = PlannedTrial("amplitude", date(2025, 1, 1), date(2025, 2, 1))
    assert trial.covers(date(2025, 1, 1)) and trial.covers(date(2025, 2, 1))
    assert not trial.covers(date(2025, 2, 1) + timedelta(days=1))
    assert replace(trial, order_randomised=True) != trial


# --- The planned trial's own test -----------------------------------------------------------

def test_a_trial_s_orders_never_repeat_a_level_twice_in_a_row() -> None:
    nine = _arrangements((1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0))
    assert nine is not None and len(nine) == 174
    assert all((order[1:] != order[:-1]).all() for order in nine)
    assert len({tuple(o) for o in nine}) == 174
    assert len(_arrangements((1.0, 1.0, 2.0, 2.0, 3.0, 3.0))) == 30


def test_the_issue_s_nine_periods_give_the_smallest_p_their_orders_allow() -> None:
    levels = ABAB_VOLTS
    rates = [RATE_AT_LEVEL[int(level) - 1] for level in levels]
    # The order seen and the one with the lowest and highest levels swapped: 2 of 174.
    assert trial_p(levels, rates) == pytest.approx(2 / 174)
    assert trial_p(levels, [0.5] * 8 + [0.6]) > 0.05


def test_six_periods_at_three_levels_can_never_give_p_below_five_percent() -> None:
    levels = [1.0, 2.0, 3.0, 1.0, 3.0, 2.0]
    rates = [RATE_AT_LEVEL[int(level) - 1] for level in levels]
    assert trial_p(levels, rates) == pytest.approx(2 / 30)
    trial = PlannedTrial("amplitude", day(-1), day(12 * 6))
    c = analyse(scheduled_abab("amplitude", levels, trials=(trial,))).correlations["amplitude"]
    assert c.p == pytest.approx(2 / 30) and c.sentence.startswith("No clear link")
    assert "all 30 orders with no level twice in a row" in c.method


def test_a_long_trial_uses_seeded_random_orders_and_the_same_p_each_time() -> None:
    levels = [1.0, 2.0, 3.0] * 7
    rates = [0.1 * level for level in levels]
    assert _arrangements(tuple(sorted(levels))) is None
    p = trial_p(levels, rates)
    assert p == trial_p(levels, rates) and 0 < p < 0.01


def test_a_trial_order_with_a_level_twice_in_a_row_still_counts_itself() -> None:
    # A short period left out between two at 3 V: the order seen has 3, 3 side by side and is
    # not one of the trial's orders; its p is never 0 however extreme.
    levels = [1.0, 3.0, 3.0, 2.0, 1.0, 2.0, 3.0, 1.0, 2.0]
    rates = [0.0, 1.0, 0.99, 0.5, 0.01, 0.51, 0.98, 0.02, 0.49]
    assert 0 < trial_p(levels, rates) <= 1 / len(_arrangements(tuple(sorted(levels)))) + 0.01
