"""Known answers for the association over settings epochs (pure, no database): the diary's
reaction to cramps, a trend with time and two epochs never read as a dose effect; a real dose
effect moved up and down over many epochs does."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as settings_h
from hypothesis import strategies as st

from insights import charts
from insights.analysis import MedicationRecord, analyse
from insights.association import (
    EXACT_MAX_EPOCHS,
    MIN_EPOCHS,
    format_p,
    monotone,
    permutation_p,
)
from tests.insights.builders import day, nights_from, patient, settings

CAUSAL = ("cause", "because the", "due to", "leads to", "reduces", "increases", "effect")


def cramp_flags(rate: float, nights: int, offset: float = 0.0) -> list[int]:
    """A steady share of cramp nights, spread evenly (no randomness: known answers)."""
    return [int(math.floor((i + 1) * rate + offset) - math.floor(i * rate + offset))
            for i in range(nights)]


def dose_diary(levels: list[float], rate_at: dict[float, float], nights: int = 21, *,
               reduction_reason: str = "reduce_amplitude"):
    """Each reduction recorded by the clinic with `reduction_reason`, each increase as
    "increase_amplitude"."""
    records, counts, first = [], [], 0
    for i, amplitude in enumerate(levels):
        reason = "initial" if i == 0 else (
            reduction_reason if amplitude < levels[i - 1] else "increase_amplitude"
        )
        records.append(
            settings(day(first - 1 if i == 0 else first), amplitude=amplitude, reason=reason)
        )
        counts += cramp_flags(rate_at[amplitude], nights, offset=0.5)
        first += nights
    return patient(nights_from(day(0), counts), records)


def test_cramps_rising_with_time_while_the_amplitude_was_stepped_up_twice() -> None:
    records = [
        settings(day(-1), amplitude=1.0),
        settings(day(30), amplitude=1.5),
        settings(day(60), amplitude=2.0),
    ]
    counts = cramp_flags(0.1, 30) + cramp_flags(0.35, 30) + cramp_flags(0.6, 30)
    amplitude = analyse(patient(nights_from(day(0), counts), records)).correlations["amplitude"]
    assert amplitude.p is None and amplitude.rho is None
    assert "only went up over time" in amplitude.caution
    assert "drifting with time" in amplitude.sentence
    assert "cannot tell" in amplitude.sentence


def test_a_parameter_stepped_one_way_many_times_is_still_a_trend() -> None:
    # Six epochs, enough for a test, but the amplitude only ever went up while cramps rose.
    levels = [1.0, 1.2, 1.4, 1.6, 1.8, 2.0]
    records = [settings(day(30 * i - 1 if i == 0 else 30 * i), amplitude=a)
               for i, a in enumerate(levels)]
    counts = [c for i in range(6) for c in cramp_flags(0.05 + 0.03 * i, 30)]
    amplitude = analyse(patient(nights_from(day(0), counts), records)).correlations["amplitude"]
    assert amplitude.n_epochs == 6
    assert amplitude.p is None
    assert "cannot be told apart from cramps drifting with time" in amplitude.caution


def test_cramps_with_a_new_steroid_and_an_amplitude_lowered_in_response() -> None:
    # Quiet for months; prednisone on day 100, cramps from day 104 on; the amplitude lowered
    # on day 120 because of them; the cramps go on.
    records = [
        settings(day(-1), amplitude=2.0),
        settings(day(120), amplitude=1.5, reason="reduce_amplitude"),
    ]
    counts = [0] * 104 + cramp_flags(0.7, 46)
    medications = [MedicationRecord("prednisone", "steroid", day(100))]
    result = analyse(patient(nights_from(day(0), counts), records, medications=medications))
    amplitude = result.correlations["amplitude"]
    assert amplitude.p is None and amplitude.rho is None
    assert result.epochs[1].made_because_of_cramps
    assert not result.epochs[0].made_because_of_cramps
    [comparison] = result.comparisons
    assert comparison.made_because_of_cramps
    assert "made because of cramps" in amplitude.sentence
    assert "regression to the mean" in amplitude.sentence
    assert not amplitude.sentence.startswith("Fewer")


def test_a_real_dose_effect_moved_up_and_down_over_many_epochs() -> None:
    # Three levels, up and down over twelve epochs; a third of the nights more with cramps at
    # each level. Reductions from the top were made while cramps were active: they are marked
    # and not counted, the rest carry the evidence.
    rate_at = {1.0: 0.05, 2.0: 0.3, 3.0: 0.6}
    levels = [1.0, 2.0, 3.0, 1.0, 3.0, 2.0, 1.0, 2.0, 3.0, 1.0, 2.0, 3.0]
    result = analyse(dose_diary(levels, rate_at))
    amplitude = result.correlations["amplitude"]
    assert amplitude.rho is not None and amplitude.rho >= 0.4
    assert amplitude.p is not None and amplitude.p < 0.05
    assert amplitude.n_epochs >= MIN_EPOCHS
    assert amplitude.sentence.startswith("The settings periods at a higher amplitude had more")
    assert "not proof" in amplitude.sentence
    assert any(e.made_because_of_cramps for e in result.epochs)


def test_two_epochs_never_give_a_p_below_five_percent() -> None:
    # The exact permutation over two epochs has two orderings: the smallest two-sided p is 1
    # (one-sided 0.5); over three, 1/3; over four, 1/12 (2 of 24 orderings).
    assert permutation_p([1.0, 2.0], [0.1, 0.9]) == 1.0
    assert permutation_p([1.0, 2.0, 3.0], [0.1, 0.5, 0.9]) == pytest.approx(1 / 3)
    assert permutation_p([1.0, 2.0, 3.0, 4.0], [0.1, 0.3, 0.5, 0.9]) == pytest.approx(1 / 12)
    assert permutation_p([1, 2, 3, 4, 5], [0.1, 0.3, 0.5, 0.7, 0.9]) == pytest.approx(1 / 60)
    # And through the analysis: two long epochs with a big difference.
    records = [settings(day(-1), amplitude=1.0), settings(day(60), amplitude=3.0)]
    counts = [0] * 60 + [1] * 60
    amplitude = analyse(patient(nights_from(day(0), counts), records)).correlations["amplitude"]
    assert amplitude.p is None
    assert "at least 4 periods" in amplitude.sentence


def test_many_epochs_use_seeded_random_orderings_and_the_same_p_each_time() -> None:
    xs = [1.0, 2.0, 3.0] * 4
    ys = list(np.linspace(0, 1, 12))
    assert len(xs) > EXACT_MAX_EPOCHS
    assert permutation_p(xs, ys) == permutation_p(xs, ys)


def test_short_epochs_and_other_units_do_not_count() -> None:
    records = [
        settings(day(-1), amplitude=1.0),
        settings(day(30), amplitude=2.0),
        settings(day(33), amplitude=1.0),
    ]
    result = analyse(patient(nights_from(day(0), [0] * 60), records))
    amplitude = result.correlations["amplitude"]
    assert "fewer than 7 logged nights" in amplitude.caution
    assert amplitude.n_epochs == 2


def test_no_sentence_uses_causal_words() -> None:
    rate_at = {1.0: 0.05, 2.0: 0.3, 3.0: 0.6}
    diaries = [
        dose_diary([1.0, 2.0, 3.0, 1.0, 3.0, 2.0, 1.0, 2.0, 3.0, 1.0, 2.0, 3.0], rate_at),
        dose_diary([1.0, 2.0, 3.0], rate_at),
        dose_diary([3.0, 1.0, 3.0, 1.0, 3.0, 1.0], {1.0: 0.3, 3.0: 0.3}),
    ]
    for data in diaries:
        for c in analyse(data).correlations.values():
            headline = c.headline.lower()
            assert not any(word in headline for word in CAUSAL), c.headline


def test_json_keeps_rho_p_n_and_adds_the_method() -> None:
    result = analyse(dose_diary([1.0, 2.0, 3.0], {1.0: 0.1, 2.0: 0.2, 3.0: 0.3}))
    amplitude = result.correlations["amplitude"].as_json()
    assert set(amplitude) == {"rho", "p", "n", "method", "n_epochs", "n_nights", "caution",
                              "measure"}
    assert amplitude["rho"] is None and amplitude["p"] is None
    assert amplitude["n"] == amplitude["n_epochs"] == 3
    assert amplitude["n_nights"] == 63
    assert "permutation" in amplitude["method"]
    frequency = result.correlations["frequency_hz"].as_json()
    assert frequency["rho"] is None and "did not change" not in (frequency["caution"] or "")


def test_monotone_and_p_format() -> None:
    assert monotone([1, 1, 2, 3]) == 1
    assert monotone([3, 2, 2]) == -1
    assert monotone([1, 2, 1]) == 0
    assert monotone([1, 1]) == 0
    assert format_p(0.0004) == "p < 0.001"
    assert format_p(0.049) == "p = 0.049"
    assert format_p(0.31) == "p = 0.31"


def in_volts(record):
    return dataclasses.replace(record, amplitude_unit="V")


def test_an_amplitude_in_volts_is_never_compared_with_one_in_milliamps() -> None:
    records = [
        in_volts(settings(day(-1), amplitude=3.0)),
        in_volts(settings(day(30), amplitude=4.0)),
        settings(day(60), amplitude=1.0),
        settings(day(90), amplitude=2.0),
    ]
    counts = cramp_flags(0.1, 30) + cramp_flags(0.5, 30) + cramp_flags(0.1, 30) + cramp_flags(
        0.5, 30
    )
    result = analyse(patient(nights_from(day(0), counts), records))
    amplitude = result.correlations["amplitude"]
    assert amplitude.n_epochs == 2  # the two in mA, the current unit
    assert "2 settings periods with the amplitude in V left out" in amplitude.sentence
    alt = charts.dose_response_alt(result)
    assert "in mA" in alt and " V " not in alt and "2 periods with the amplitude in another" in alt
    assert charts.dose_response_chart(result, "png").startswith(b"\x89PNG")


def test_the_dose_response_chart_shows_every_period_never_pooled_levels() -> None:
    rate_at = {1.0: 0.05, 2.0: 0.3, 3.0: 0.6}
    result = analyse(dose_diary([1.0, 3.0, 1.0, 3.0], rate_at))
    alt = charts.dose_response_alt(result)
    assert [f"period {n} (" in alt for n in (1, 2, 3, 4)] == [True] * 4
    assert alt.count("1 mA") == 2 and alt.count("3 mA") == 2
    assert "95% interval" in alt


@settings_h(max_examples=40, deadline=None)
@given(
    levels=st.lists(st.sampled_from([1.0, 1.5, 2.0, 2.5]), min_size=1, max_size=9),
    lengths=st.lists(st.integers(1, 30), min_size=9, max_size=9),
    rates=st.lists(st.floats(0, 1), min_size=9, max_size=9),
    off=st.integers(-1, 8),
)
def test_any_diary_gives_a_sentence_and_never_a_small_p_from_few_periods(
    levels, lengths, rates, off
) -> None:
    records, counts, first = [], [], 0
    for i, amplitude in enumerate(levels):
        records.append(settings(day(first - 1 if i == 0 else first), amplitude=amplitude,
                                stimulation_on=i != off))
        counts += cramp_flags(rates[i], lengths[i])
        first += lengths[i]
    result = analyse(patient(nights_from(day(0), counts), records))
    for c in result.correlations.values():
        data = c.as_json()
        assert "nan" not in json.dumps(data).lower()
        assert c.sentence and c.method
        if c.p is not None:
            assert 0 < c.p <= 1 and c.rho is not None
            assert c.n_epochs >= MIN_EPOCHS
        if c.n_epochs < 5:
            assert c.p is None or c.p >= 0.05


def test_the_burden_measure_finds_a_dose_effect_the_share_of_cramp_nights_cannot_see() -> None:
    # A clinic-scheduled ABAB design (reason "other"): every night has cramps whatever the
    # level, but one cramp a night at 1 mA, two at 2 mA, three at 3 mA.
    levels = [1.0, 2.0, 3.0, 1.0, 3.0, 2.0, 1.0, 3.0, 2.0]
    records, counts = [], []
    for i, amplitude in enumerate(levels):
        records.append(settings(day(12 * i - 1 if i == 0 else 12 * i), amplitude=amplitude,
                                reason="initial" if i == 0 else "other"))
        counts += [int(amplitude)] * 12
    result = analyse(patient(nights_from(day(0), counts), records))
    share = result.correlations["amplitude"]
    assert share.rho is None and share.p is None
    assert "the share of cramp nights was the same in every one" in share.sentence
    burden = result.burden_correlations["amplitude"]
    assert burden.measure == "cramps_per_night"
    assert burden.rho is not None and burden.rho > 0.8
    assert burden.p is not None and burden.p < 0.05
    assert burden.sentence.startswith(
        "The settings periods at a higher amplitude had more cramps per night")
    assert "cramps per logged night" in burden.method
    assert burden.as_json()["measure"] == "cramps_per_night"
    assert share.as_json()["measure"] == "cramp_night_rate"
