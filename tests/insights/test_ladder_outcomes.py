"""The ladder reads the therapy's own outcome (issue 24): therapy_loss in its units when
outcome days exist each side of a reduction, and responder_lost when a change that cured the
cramps cost the responder status."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from insights.ladder import evaluate
from insights.outcomes import OutcomeDay
from tests.insights.builders import day, night, patient, settings


def alice_like(leaks_after: int, *, cramps_after: int = 0, benefit_after: int = 8):
    """Implant on day 0 after a 3-day baseline of 4 leaks a day; 1 leak a day at 3 mA with
    cramps on 10 of 14 nights; reduced to 2 mA on day 14."""
    history = [settings(day(-1), amplitude=3.0),
               settings(day(14), amplitude=2.0, reason="reduce_amplitude")]
    nights = [night(day(i), int(i < 10), benefit=8) for i in range(14)]
    nights += [night(day(14 + i), int(i < cramps_after), benefit=benefit_after)
               for i in range(14)]
    outcomes = [OutcomeDay(day(-5 + i), leaks=4) for i in range(3)]
    outcomes += [OutcomeDay(day(i), leaks=1) for i in range(0, 14, 2)]
    outcomes += [OutcomeDay(day(14 + i), leaks=leaks_after) for i in range(0, 14, 2)]
    data = patient(nights, history)
    return replace(data, outcome_kind="bladder", outcomes=outcomes, implanted_on=day(0))


def flag(result, code):
    return next((f for f in result.flags if f.code == code), None)


def test_therapy_loss_reads_leaks_per_day_when_they_rose_after_the_reduction():
    result = evaluate(alice_like(3))
    loss = flag(result, "therapy_loss")
    assert loss is not None
    assert loss.evidence.notes[0] == (
        "Leaks per day rose from 1.0 to 3.0 after the reduction on 15 Jan: now not a "
        "responder (less than 50% better than baseline)."
    )
    assert "the therapy's own outcome (leaks per day) is worse" in loss.explanation
    assert "daily therapy score" not in loss.explanation


def test_no_therapy_loss_when_the_leaks_held_even_if_the_score_dropped():
    result = evaluate(alice_like(1, benefit_after=3))
    assert flag(result, "therapy_loss") is None


def test_the_score_is_still_read_without_outcome_days():
    data = replace(alice_like(3, benefit_after=3), outcomes=[])
    loss = flag(evaluate(data), "therapy_loss")
    assert loss is not None and "daily therapy score" in loss.explanation


def test_responder_lost_when_the_reduction_cured_the_cramps_but_not_the_bladder():
    result = evaluate(alice_like(3, cramps_after=0))
    lost = flag(result, "responder_lost")
    assert lost is not None and lost.step is None
    assert "responder (at least 50% better than baseline) before" in lost.evidence.notes[0]
    assert "not a responder" in lost.evidence.notes[0]


def test_no_responder_lost_while_the_responder_status_holds():
    assert flag(evaluate(alice_like(1)), "responder_lost") is None


def test_no_responder_lost_when_the_cramps_did_not_improve():
    assert flag(evaluate(alice_like(3, cramps_after=12)), "responder_lost") is None


def test_pain_that_stays_controlled_after_a_pulse_width_change_raises_nothing():
    history = [settings(day(-1), pulse_width_us=300),
               settings(day(14), pulse_width_us=200, reason="reprogram")]
    nights = [night(day(i), int(i < 10)) for i in range(14)]
    nights += [night(day(14 + i), 0) for i in range(14)]
    outcomes = [OutcomeDay(day(-5 + i), pain_average=8) for i in range(3)]
    outcomes += [OutcomeDay(day(i), pain_average=3) for i in range(28)]
    data = replace(patient(nights, history, therapy="spinal_cord"), outcome_kind="pain",
                   outcomes=outcomes, implanted_on=day(0) - timedelta(days=0))
    result = evaluate(data)
    assert flag(result, "therapy_loss") is None
    assert flag(result, "responder_lost") is None
