"""Issue 16's rules (docs/management-ladder.md), each at its threshold, one below and one
above, and the patients who must get none: a new calf or hip movement, lumbar support,
activity, fluids and alcohol, and the therapy lost after an amplitude reduction."""

from __future__ import annotations

import pytest

from insights.evidence import evidence_in_words
from insights.ladder import Flag, Thresholds, evaluate
from insights.signals import FACTORS_BY_CODE, compare_factor
from tests.insights.builders import day, night, nights_from, patient, settings


def flag(data, code: str) -> Flag | None:
    return next((f for f in evaluate(data).flags if f.code == code), None)


# --- possible_lead_migration: a new calf or thigh/hip movement ---------------------------

def moved(reports: int, *, movement: str = "calf", therapy: str = "sacral", felt: str = "usual"):
    nights = nights_from(day(0), [0] * 14)
    for i in range(reports):
        nights[i * 4] = night(day(i * 4), 1, movement=movement, felt=felt)
    return patient(nights, therapy=therapy)


@pytest.mark.parametrize(("reports", "expected"), [(1, False), (2, True), (3, True)])
def test_lead_migration_when_a_sacral_patient_reports_a_new_calf_movement(reports, expected):
    lead = flag(moved(reports), "possible_lead_migration")
    assert (lead is not None) is expected
    if expected:
        assert lead.step == 3
        assert lead.evidence.reasons == ("new_movement",)
        assert (
            f"{reports} of the last 14 logged nights had a new calf movement."
            in lead.evidence.notes
        )
        assert set(lead.evidence.nights) == {day(i * 4) for i in range(reports)}
        assert lead.since == day(4)  # the second such night


def test_a_new_thigh_or_hip_movement_counts_and_both_kinds_are_named() -> None:
    nights = nights_from(day(0), [0] * 14)
    nights[2] = night(day(2), 1, movement="thigh_or_hip")
    nights[5] = night(day(5), 1, movement="calf")
    nights[9] = night(day(9), 1, movement="thigh_or_hip")
    lead = flag(patient(nights), "possible_lead_migration")
    assert lead is not None
    assert lead.evidence.notes == (
        "3 of the last 14 logged nights had a new calf or thigh/hip movement "
        "(calf on 1, thigh/hip on 2).",
    )


def test_the_reasons_read_as_words_never_as_codes() -> None:
    lead = flag(moved(3), "possible_lead_migration")
    assert lead is not None
    lines = evidence_in_words(lead.evidence.as_json())
    assert lines[0] == "3 of the last 14 logged nights had a new calf movement."
    assert lead.evidence.as_json()["reasons"] == ["new_movement"]  # could leak
    assert not any("new_movement" in line or "Reasons" in line for line in lines)


def test_toe_movements_are_the_intended_s3_response_not_a_sign() -> None:
    assert flag(moved(4, movement="toes"), "possible_lead_migration") is None


def test_new_movements_count_only_in_the_last_fourteen_logged_nights() -> None:
    nights = [night(day(i), 1, movement="calf") for i in (0, 1)] + nights_from(day(2), [0] * 14)
    assert evaluate(patient(nights)).flags == []


@pytest.mark.parametrize("therapy", ["spinal_cord", "drg", "peripheral", "other"])
def test_for_other_therapies_a_new_movement_is_no_reason(therapy) -> None:
    assert flag(moved(3, therapy=therapy), "possible_lead_migration") is None


def test_for_other_therapies_a_new_movement_is_shown_beside_another_reason() -> None:
    lead = flag(moved(3, therapy="spinal_cord", felt="different_location"),
                "possible_lead_migration")
    assert lead is not None
    assert lead.evidence.reasons == ("felt_elsewhere",)
    assert any(
        note.startswith("3 of the last 14 logged nights had a new calf movement.")
        and "sacral devices only" in note
        for note in lead.evidence.notes
    )


def test_another_new_movement_night_is_new_evidence() -> None:
    first = flag(moved(2), "possible_lead_migration")
    again = flag(moved(3), "possible_lead_migration")
    assert first and again and first.fingerprint != again.fingerprint


def test_the_new_movement_setting_is_read(settings) -> None:
    settings.LADDER_NEW_MOVEMENT_NIGHTS = 3
    result = evaluate(moved(2), Thresholds.from_settings())
    assert "possible_lead_migration" not in result.codes


# --- rule_out_other_causes: lumbar support and activity ----------------------------------

def two_sides(
    with_cramps: int, without_cramps: int, *, factor: dict, other: dict,
    with_nights: int = 10, without_nights: int = 10,
):
    """`with_nights` nights with the factor, then `without_nights` without it; each side's
    cramp nights come last, so the recent window holds cramps (active) when there are 3+."""
    nights = []
    for i in range(with_nights):
        nights.append(night(day(i), int(i >= with_nights - with_cramps), **factor))
    for i in range(without_nights):
        j = with_nights + i
        nights.append(night(day(j), int(i >= without_nights - without_cramps), **other))
    return patient(nights)


def lumbar(with_cramps: int, without_cramps: int = 4, **kwargs):
    return two_sides(with_cramps, without_cramps, factor={"lumbar_support": True},
                     other={"lumbar_support": False}, **kwargs)


def activity(low_cramps: int, usual_cramps: int = 2, **kwargs):
    # Usual-activity nights first so the last 14 logged nights hold the low days' cramps.
    nights = []
    for i in range(kwargs.get("usual_nights", 10)):
        nights.append(night(day(i), int(i < usual_cramps), activity="usual" if i % 2 else "high"))
    start = len(nights)
    low_nights = kwargs.get("low_nights", 10)
    for i in range(low_nights):
        nights.append(night(day(start + i), int(i >= low_nights - low_cramps), activity="low"))
    return patient(nights)


def reasons(data) -> tuple[str, ...]:
    rule_out = flag(data, "rule_out_other_causes")
    return rule_out.evidence.reasons if rule_out else ()


@pytest.mark.parametrize(
    ("with_cramps", "expected"),
    [(3, False), (2, True), (1, True)],  # 30%, 20% (exactly half of 40%), 10% with support
)
def test_rule_out_when_lumbar_support_halves_the_cramp_nights(with_cramps, expected) -> None:
    assert ("lumbar_support" in reasons(lumbar(with_cramps))) is expected


def test_the_lumbar_reason_says_both_rates_and_the_nights_behind_them() -> None:
    rule_out = flag(lumbar(1), "rule_out_other_causes")
    assert rule_out is not None and rule_out.step == 0
    [note] = rule_out.evidence.notes
    assert note.startswith(
        "Cramps on 1 of 10 logged nights with lumbar support (10%) and on 4 of 10 without "
        "lumbar support (40%)."
    )
    assert "lumbar spinal stenosis" in note and "imaging" in note
    assert "lumbar spinal stenosis" in rule_out.explanation


def test_a_factor_reason_holds_since_the_night_it_first_held() -> None:
    # Cramps without support on nights 16 to 19: by night 17, 2 of 8 without (25%) against
    # 1 of 10 with (10%) is at most half; on night 16 (1 of 7, 14%) it was not.
    rule_out = flag(lumbar(1), "rule_out_other_causes")
    assert rule_out is not None and rule_out.since == day(17)
    # Cramps active from night 9 (3 without support); the support side reaches its 5th
    # night, cramp-free, on night 14: the reason holds from then, not from night 9.
    nights = [night(day(i), int(i >= 7), lumbar_support=False) for i in range(10)]
    nights += [night(day(10 + i), 0, lumbar_support=True) for i in range(10)]
    rule_out = flag(patient(nights), "rule_out_other_causes")
    assert rule_out is not None and rule_out.since == day(14)


@pytest.mark.parametrize(("nights_each_side", "expected"), [(4, False), (5, True), (6, True)])
def test_lumbar_support_needs_five_logged_nights_on_each_side(nights_each_side, expected):
    data = lumbar(0, 3, with_nights=nights_each_side, without_nights=nights_each_side)
    assert ("lumbar_support" in reasons(data)) is expected


def test_no_reason_when_cramps_do_not_depend_on_lumbar_support() -> None:
    assert flag(lumbar(4, 4), "rule_out_other_causes") is None


def test_no_reason_from_background_cramps_that_are_not_active() -> None:
    # 0 of 10 with support, 2 of 10 without: a clear difference, but only 2 cramp nights.
    assert evaluate(lumbar(0, 2)).flags == []


def test_unanswered_nights_are_on_neither_side() -> None:
    nights = [night(day(i), 1) for i in range(10)]  # cramps, no check-in answers
    nights += [night(day(10 + i), 0, lumbar_support=True) for i in range(10)]
    nights += [night(day(20 + i), int(i >= 6), lumbar_support=False) for i in range(10)]
    comparison = compare_factor(FACTORS_BY_CODE["lumbar_support"], nights, 5)
    assert (comparison.with_nights, comparison.without_nights) == (10, 10)
    assert (comparison.with_cramp_nights, comparison.without_cramp_nights) == (0, 4)


@pytest.mark.parametrize(
    ("low_cramps", "expected"),
    [(3, False), (4, True), (5, True)],  # 30%, 40% (exactly twice 20%), 50% on low days
)
def test_rule_out_when_low_activity_doubles_the_cramp_nights(low_cramps, expected) -> None:
    assert ("low_activity" in reasons(activity(low_cramps))) is expected


def test_the_activity_reason_says_both_rates() -> None:
    rule_out = flag(activity(5), "rule_out_other_causes")
    assert rule_out is not None
    assert rule_out.evidence.notes[0].startswith(
        "Cramps on 5 of 10 logged nights after a less active day (50%) and on 2 of 10 after "
        "a usual or more active day (20%)."
    )
    assert "inactivity" in rule_out.evidence.notes[0]


@pytest.mark.parametrize(("low_nights", "expected"), [(4, False), (5, True)])
def test_low_activity_needs_five_logged_nights_on_each_side(low_nights, expected) -> None:
    data = activity(3, 1, low_nights=low_nights)
    assert ("low_activity" in reasons(data)) is expected


def test_fluids_and_alcohol_are_context_never_a_reason() -> None:
    fluids = two_sides(0, 4, factor={"fluids": "high", "alcohol": False},
                       other={"fluids": "low", "alcohol": True})
    assert flag(fluids, "rule_out_other_causes") is None


def test_fluids_and_alcohol_show_as_context_beside_a_reason() -> None:
    data = two_sides(
        1, 4,
        factor={"lumbar_support": True, "fluids": "usual", "alcohol": False},
        other={"lumbar_support": False, "fluids": "low", "alcohol": True},
    )
    rule_out = flag(data, "rule_out_other_causes")
    assert rule_out is not None and rule_out.evidence.reasons == ("lumbar_support",)
    assert (
        "Context, not a reason: Cramps on 4 of 10 logged nights after drinking less than usual "
        "(40%) and on 1 of 10 after usual or more fluids (10%)."
    ) in rule_out.evidence.notes
    assert any(n.startswith("Context, not a reason: Cramps on 4 of 10 logged nights after "
                            "alcohol") for n in rule_out.evidence.notes)


def test_a_factor_reason_is_the_same_situation_from_night_to_night() -> None:
    first = flag(lumbar(1), "rule_out_other_causes")
    later = flag(lumbar(1, 5, without_nights=11), "rule_out_other_causes")
    assert first and later and first.fingerprint == later.fingerprint
    assert first.evidence.notes != later.evidence.notes  # the rates moved on


def test_the_factor_thresholds_are_settings(settings) -> None:
    settings.LADDER_LUMBAR_SUPPORT_RATIO = 0.25
    settings.LADDER_FACTOR_MIN_NIGHTS = 11
    thresholds = Thresholds.from_settings()
    assert (thresholds.lumbar_support_ratio, thresholds.factor_min_nights) == (0.25, 11)
    assert "rule_out_other_causes" not in evaluate(lumbar(2), thresholds).codes


# --- therapy_loss ----------------------------------------------------------------------

def reduced(after: list[int | None], before: int | list[int] = 8, *records):
    before_scores = before if isinstance(before, list) else [before] * 14
    history = [settings(day(-1), amplitude=3.0), settings(day(14), amplitude=2.0), *records]
    nights = [night(day(i), benefit=b) for i, b in enumerate(before_scores)]
    nights += [night(day(14 + i), benefit=b) for i, b in enumerate(after)]
    return patient(nights, history)


@pytest.mark.parametrize(
    ("after", "expected"),
    # Before 9: 30% would be 2.7, so 2 points decide. 7.5 (1.5 lower), 7 (2 lower), 6.
    [([7, 8] * 7, False), ([7] * 14, True), ([6] * 14, True)],
)
def test_therapy_loss_at_two_points_below(after, expected) -> None:
    assert (flag(reduced(after, 9), "therapy_loss") is not None) is expected


@pytest.mark.parametrize(
    ("after", "expected"),
    # Before 5: 2 points would be 40%, so 30% decides. 4 (20%), 3.5 (30%), 3 (40%).
    [([4] * 14, False), ([3, 4] * 7, True), ([3] * 14, True)],
)
def test_therapy_loss_at_thirty_percent_below(after, expected) -> None:
    assert (flag(reduced(after, 5), "therapy_loss") is not None) is expected


@pytest.mark.parametrize(("scored_after", "expected"), [(6, False), (7, True), (8, True)])
def test_therapy_loss_waits_for_seven_scored_nights_after(scored_after, expected) -> None:
    # Unscored nights (no check-in) are not counted.
    after: list[int | None] = [None, 5] * scored_after
    assert (flag(reduced(after), "therapy_loss") is not None) is expected


def test_therapy_loss_is_information_with_its_evidence_in_words() -> None:
    loss = flag(reduced([5] * 10), "therapy_loss")
    assert loss is not None
    assert loss.step is None
    assert loss.since == day(14)
    assert "Cramp nights are unchanged since the amplitude was reduced" in loss.explanation
    assert "bladder or bowel control" in loss.explanation
    assert loss.evidence.notes == (
        "Therapy benefit averaged 8.0 of 10 over the 14 scored nights before the reduction "
        "and 5.0 over the latest 10 since: 3.0 points lower (38%).",
    )
    assert loss.evidence.changes[0].endswith("Amplitude 3 → 2 mA")
    assert evaluate(reduced([5] * 10)).step is None  # no rung of the ladder


def test_no_therapy_loss_when_the_reduction_keeps_the_therapy() -> None:
    assert evaluate(reduced([8, 7, 8, 8] * 4)).flags == []


def test_no_therapy_loss_without_an_amplitude_reduction() -> None:
    history = [settings(day(-1), amplitude=2.0), settings(day(14), amplitude=2.0,
                                                             pulse_width_us=150)]
    nights = [night(day(i), benefit=8 if i < 14 else 4) for i in range(28)]
    assert flag(patient(nights, history), "therapy_loss") is None


def test_therapy_loss_resolves_when_the_benefit_recovers() -> None:
    assert flag(reduced([5] * 14 + [6] * 14), "therapy_loss") is not None
    assert flag(reduced([5] * 14 + [8] * 14), "therapy_loss") is None


def test_therapy_loss_holds_through_a_second_reduction() -> None:
    second = settings(day(28), amplitude=1.5)
    loss = flag(reduced([5] * 14 + [5] * 10, 8, second), "therapy_loss")
    assert loss is not None
    assert loss.since == day(14)  # the reduction the therapy was lost after


def test_the_therapy_loss_thresholds_are_settings(settings) -> None:
    settings.LADDER_THERAPY_LOSS_POINTS = 4
    settings.LADDER_THERAPY_LOSS_SHARE = 0.5
    assert "therapy_loss" not in evaluate(reduced([5] * 14), Thresholds.from_settings()).codes
