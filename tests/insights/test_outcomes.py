"""Responder status per settings period (insights.outcomes), at, below and above each tier:
InSite's >= 50% (bladder), >= 50% fewer bowel accidents a week, IMMPACT's 30% and 50% for
pain. Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from insights.outcomes import (
    OUTCOME_MIN_DAYS,
    OutcomeDay,
    improvement,
    pain_status,
    responder_status,
    sacral_status,
    shift_across,
    summarise_outcomes,
    summary_sentence,
)

D0 = date(2026, 3, 1)


@pytest.mark.parametrize(
    "leaks_after, expected",
    [(1.0, "responder"), (0.98, "responder"), (1.02, "non_responder"), (0.0, "responder"),
     (3.0, "non_responder")],
)
def test_bladder_leaks_at_below_and_above_half(leaks_after, expected):
    assert sacral_status("bladder", {"leaks": 2.0}, {"leaks": leaks_after}) == expected


@pytest.mark.parametrize(
    "voids_after, expected", [(8.0, "responder"), (8.1, "non_responder"), (7.9, "responder")]
)
def test_bladder_voids_halved_is_success_too(voids_after, expected):
    # 16 voids a day at baseline: halved at 8.0, not halved (and not normal) at 8.1.
    base = {"voids": 16.0, "leaks": 2.0}
    assert sacral_status("bladder", base, {"voids": voids_after, "leaks": 2.0}) == expected


def test_bladder_return_to_normal_voiding_is_success():
    assert sacral_status("bladder", {"voids": 9.0}, {"voids": 7.9}) == "responder"
    assert sacral_status("bladder", {"voids": 9.0}, {"voids": 8.0}) == "non_responder"


def test_no_leaks_at_baseline_is_not_a_percentage():
    assert improvement(0.0, 1.0) is None
    assert sacral_status("bladder", {"leaks": 0.0}, {"leaks": 0.0}) == "no_symptoms_at_baseline"


@pytest.mark.parametrize(
    "after, expected", [(2.0, "responder"), (1.9, "responder"), (2.1, "non_responder")]
)
def test_bowel_accidents_a_week_at_below_and_above_half(after, expected):
    base = {"bowel_incontinence_episodes": 4.0}
    assert sacral_status("bowel", base, {"bowel_incontinence_episodes": after}) == expected


@pytest.mark.parametrize(
    "after, expected",
    [(5.0, "substantial"), (4.9, "substantial"), (5.1, "moderate"), (7.0, "moderate"),
     (7.1, "not_improved"), (6.9, "moderate"), (10.0, "not_improved")],
)
def test_pain_tiers_from_immpact(after, expected):
    assert pain_status(10.0, after) == expected


def test_no_baseline_is_said_not_guessed():
    assert responder_status("pain", None, {"pain_average": 2.0}) == "no_baseline"


def days(start: date, n: int, **values: int) -> list[OutcomeDay]:
    return [OutcomeDay(start + timedelta(days=i), **values) for i in range(n)]


def test_the_baseline_is_the_days_before_implant_when_there_are_enough():
    implant = D0 + timedelta(days=5)
    data = days(D0, 3, leaks=4) + days(implant, 5, leaks=1)
    summary = summarise_outcomes("bladder", data, [(implant, implant + timedelta(days=9))],
                                 implanted_on=implant)
    assert summary.baseline_source == "before_implant"
    assert summary.periods[0].status == "responder"
    assert summary.periods[0].gain == pytest.approx(0.75)


def test_else_the_baseline_is_the_first_settings_and_later_periods_are_judged_on_it():
    p1 = (D0, D0 + timedelta(days=9))
    p2 = (D0 + timedelta(days=10), D0 + timedelta(days=19))
    data = days(D0, 4, pain_average=6) + days(p2[0], 4, pain_average=4)
    summary = summarise_outcomes("pain", data, [p1, p2], implanted_on=D0 - timedelta(days=90))
    assert summary.baseline_source == "first_settings"
    assert summary.periods[0].status == "baseline"
    assert summary.periods[1].status == "moderate"  # 6 -> 4 is 33%


def test_a_period_with_too_few_days_is_not_judged():
    p1 = (D0, D0 + timedelta(days=9))
    p2 = (D0 + timedelta(days=10), D0 + timedelta(days=19))
    data = days(D0, 4, leaks=4) + days(p2[0], OUTCOME_MIN_DAYS - 1, leaks=0)
    summary = summarise_outcomes("bladder", data, [p1, p2])
    assert summary.periods[1].status == "too_few_days"
    assert summary.current is None


def test_bowel_rates_are_per_week():
    data = days(D0, 7, bowel_incontinence_episodes=1)
    summary = summarise_outcomes("bowel", data, [(D0, D0 + timedelta(days=6))])
    assert summary.periods[0].values["bowel_incontinence_episodes"] == pytest.approx(7.0)


def test_a_shift_across_a_reduction_reads_in_its_own_units():
    p1 = (D0, D0 + timedelta(days=9))
    p2 = (D0 + timedelta(days=10), D0 + timedelta(days=19))
    data = days(D0 - timedelta(days=5), 3, leaks=4) + days(D0, 5, leaks=1) + days(p2[0], 5,
                                                                                  leaks=3)
    summary = summarise_outcomes("bladder", data, [p1, p2], implanted_on=D0)
    shift = shift_across(summary, 1)
    assert shift.worsened(0.5)
    assert shift.lost_responder
    assert shift.sentence("reduction on 11 Mar") == (
        "leaks per day rose from 1.0 to 3.0 after the reduction on 11 Mar"
    )


# --- the thresholds are the clinic's named settings -----------------------------------------

def test_the_responder_fraction_and_the_pain_tiers_are_the_clinics_settings(settings):
    from insights.thresholds import Thresholds

    settings.OUTCOME_RESPONDER_FRACTION = 0.6
    settings.PAIN_MODERATE_FRACTION = 0.2
    settings.NORMAL_VOIDS_PER_DAY = 7
    t = Thresholds.from_settings()
    assert (t.outcome_responder_fraction, t.pain_moderate_fraction) == (0.6, 0.2)
    # 55% fewer leaks: a responder by the default 50%, not by the clinic's 60%.
    assert sacral_status("bladder", {"leaks": 2.0}, {"leaks": 0.9}) == "responder"
    assert sacral_status("bladder", {"leaks": 2.0}, {"leaks": 0.9}, t) == "non_responder"
    assert sacral_status("bladder", {"voids": 9.0}, {"voids": 7.5}, t) == "non_responder"
    assert pain_status(5.0, 3.9, t) == "moderate"
    assert pain_status(5.0, 3.9) == "not_improved"


def test_a_clinic_that_asks_for_more_days_leaves_a_short_period_unjudged():
    from insights.thresholds import Thresholds

    days = [OutcomeDay(D0 + timedelta(days=i), leaks=4) for i in range(4)]
    days += [OutcomeDay(D0 + timedelta(days=10 + i), leaks=0) for i in range(4)]
    periods = [(D0, D0 + timedelta(days=9)), (D0 + timedelta(days=10), D0 + timedelta(days=20))]
    default = summarise_outcomes("bladder", days, periods)
    assert default.periods[-1].status == "responder"
    strict = summarise_outcomes("bladder", days, periods, t=Thresholds(outcome_min_days=5))
    assert strict.baseline is None
    assert "at least 5 days logged" in summary_sentence(strict)
