"""possible_lead_migration from the programming visits (issue 25), pure: a threshold that rose
by LADDER_THRESHOLD_RISE_FACTOR on the same electrodes, and a sacral motor response that moved
toward S2, each name the visits in the evidence; a stable visit gives no flag."""

from __future__ import annotations

from datetime import date

import pytest

from insights.analysis import VisitRecord, VisitRow
from insights.ladder import Thresholds, evaluate
from insights.visits import lead_migration_signs
from tests.insights.builders import day, nights_from, patient, settings

OCT_3 = date(2025, 10, 3)
NOV_14 = date(2025, 11, 14)


def quiet_patient(*visits: VisitRecord, therapy: str = "sacral", records=None):
    # Thirty cramp-free nights up to the day after the second visit: no other reason holds.
    return patient(
        nights_from(date(2025, 10, 16), [0] * 30), records, therapy=therapy, visits=visits
    )


def two_visits(before: VisitRow, after: VisitRow) -> tuple[VisitRecord, VisitRecord]:
    return (
        VisitRecord(OCT_3, (before, VisitRow("1-2+", "mA", 1.0, 1.5, ("bellows",))), 1),
        VisitRecord(NOV_14, (after, VisitRow("1-2+", "mA", 1.1, 1.6, ("bellows",))), 1),
    )


def lead_flag(data):
    flags = [f for f in evaluate(data).flags if f.code == "possible_lead_migration"]
    return flags[0] if flags else None


def test_a_motor_threshold_that_doubled_on_the_same_electrodes_gives_possible_lead_migration():
    data = quiet_patient(*two_visits(
        VisitRow("0-3+", "mA", 0.8, 1.2, ("bellows", "great_toe")),
        VisitRow("0-3+", "mA", 0.9, 2.4, ("bellows", "great_toe")),
    ))
    flag = lead_flag(data)
    assert flag is not None and flag.step == 3
    assert flag.evidence.reasons == ("threshold_rise",)
    sentence = (
        "Motor threshold on 0-3+ rose from 1.2 to 2.4 mA between the visits of 3 Oct and "
        "14 Nov 2025."
    )
    assert sentence in flag.evidence.notes
    assert sentence in flag.explanation
    assert flag.since == NOV_14


def test_a_sensory_threshold_rise_counts_too_and_the_factor_is_a_setting():
    visits = two_visits(
        VisitRow("0-3+", "mA", 0.5, None), VisitRow("0-3+", "mA", 1.2, None),
    )
    assert lead_flag(quiet_patient(*visits)).evidence.notes == (
        "Sensory threshold on 0-3+ rose from 0.5 to 1.2 mA between the visits of 3 Oct and "
        "14 Nov 2025.",
    )
    strict = evaluate(quiet_patient(*visits), Thresholds(threshold_rise_factor=3.0))
    assert "possible_lead_migration" not in strict.codes


@pytest.mark.parametrize(("motor_after", "fires"), [(2.39, False), (2.4, True), (2.5, True)])
def test_the_rise_is_read_at_the_factor(motor_after: float, fires: bool):
    data = quiet_patient(*two_visits(
        VisitRow("0-3+", "mA", None, 1.2), VisitRow("0-3+", "mA", None, motor_after),
    ))
    assert (lead_flag(data) is not None) is fires


def test_a_response_moving_from_great_toe_to_calf_gives_possible_lead_migration():
    data = quiet_patient(*two_visits(
        VisitRow("0-3+", "mA", 0.8, 1.2, ("great_toe",)),
        VisitRow("0-3+", "mA", 0.8, 1.3, ("foot_calf",)),
    ))
    flag = lead_flag(data)
    assert flag is not None
    assert flag.evidence.reasons == ("response_toward_s2",)
    assert flag.evidence.notes == (
        "Motor response on 0-3+ moved from great toe to whole foot / calf between the visits "
        "of 3 Oct and 14 Nov 2025.",
    )


def test_a_stable_visit_gives_no_flag():
    data = quiet_patient(*two_visits(
        VisitRow("0-3+", "mA", 0.8, 1.2, ("bellows", "great_toe")),
        VisitRow("0 - 3+", "mA", 0.9, 1.4, ("bellows", "great_toe")),
    ))
    assert evaluate(data).flags == []


def test_different_electrodes_units_devices_or_a_lead_revision_are_not_compared():
    before = VisitRow("0-3+", "mA", 0.8, 1.2, ("great_toe",))
    risen = VisitRow("0-3+", "mA", 0.8, 3.0, ("foot_calf",))
    other = VisitRow("1-3+", "mA", 0.8, 3.0, ("foot_calf",))
    volts = VisitRow("0-3+", "V", 0.8, 3.0, ("great_toe",))
    assert lead_flag(quiet_patient(*two_visits(before, other))) is None
    assert lead_flag(quiet_patient(*two_visits(before, volts))) is None
    first, second = two_visits(before, risen)
    new_device = VisitRecord(second.visited_on, second.rows, 2)
    assert lead_flag(quiet_patient(first, new_device)) is None
    revised = [settings(day(0)), settings(date(2025, 11, 1), reason="lead_revision")]
    assert lead_flag(quiet_patient(first, second, records=revised)) is None


def test_a_calf_response_is_not_a_sign_outside_sacral_stimulation():
    data = quiet_patient(*two_visits(
        VisitRow("0-3+", "mA", None, None, ("great_toe",)),
        VisitRow("0-3+", "mA", None, None, ("foot_calf",)),
    ), therapy="spinal_cord")
    assert lead_flag(data) is None


def test_only_the_latest_visit_within_the_look_back_is_read():
    visits = two_visits(VisitRow("0-3+", "mA", None, 1.0), VisitRow("0-3+", "mA", None, 2.0))
    assert lead_migration_signs(
        visits, therapy="sacral", rise_factor=2.0, since=date(2025, 11, 15)
    ) == []
    assert len(lead_migration_signs(
        visits, therapy="sacral", rise_factor=2.0, since=NOV_14
    )) == 1


def test_visits_of_different_years_name_both_years():
    visits = (
        VisitRecord(date(2024, 12, 20), (VisitRow("0-3+", "mA", None, 1.0),), 1),
        VisitRecord(date(2025, 1, 10), (VisitRow("0-3+", "mA", None, 2.5),), 1),
    )
    [sign] = lead_migration_signs(visits, therapy="sacral", rise_factor=2.0, since=day(0))
    assert sign.text.endswith("between the visits of 20 Dec 2024 and 10 Jan 2025.")


def test_thresholds_found_at_different_pulse_widths_are_not_compared():
    narrow = VisitRow("0-3+", "mA", 0.8, 2.6, ("great_toe",), pulse_width_us=60)
    wide = VisitRow("0-3+", "mA", 0.8, 1.2, ("great_toe",), pulse_width_us=210)
    assert lead_flag(quiet_patient(*two_visits(wide, narrow))) is None
    same = VisitRow("0-3+", "mA", 0.8, 2.6, ("great_toe",), pulse_width_us=210)
    assert lead_flag(quiet_patient(*two_visits(wide, same))) is not None
    unknown = VisitRow("0-3+", "mA", 0.8, 2.6, ("great_toe",))
    assert lead_flag(quiet_patient(*two_visits(wide, unknown))) is not None
