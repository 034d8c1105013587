"""Pure rules of when a message is due (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from notify.schedule import PatientDiaryState, due_window, new_or_changed_flags, patient_message_due

AMS = ZoneInfo("Europe/Amsterdam")


def state(**overrides) -> PatientDiaryState:
    values = {
        "zone": AMS,
        "at": time(21, 0),
        "joined_on": date(2026, 1, 1),
        "logged": frozenset({date(2026, 3, 3)}),
        "last_logged": date(2026, 3, 3),
        "evening_enabled": True,
        "nudge_enabled": True,
    }
    values.update(overrides)
    return PatientDiaryState(**values)


def test_it_is_due_from_the_chosen_time_until_the_end_of_that_local_day() -> None:
    at = time(21, 0)
    assert due_window(datetime(2026, 3, 5, 19, 59, tzinfo=UTC), AMS, at) is None
    assert due_window(datetime(2026, 3, 5, 20, 0, tzinfo=UTC), AMS, at) is not None
    assert due_window(datetime(2026, 3, 5, 22, 59, tzinfo=UTC), AMS, at) is not None
    assert due_window(datetime(2026, 3, 5, 23, 0, tzinfo=UTC), AMS, at) is None  # 00:00 local


def test_the_same_wall_time_is_a_different_instant_after_the_clocks_change() -> None:
    at = time(21, 0)
    before = due_window(datetime(2026, 10, 24, 19, 0, tzinfo=UTC), AMS, at)
    after = due_window(datetime(2026, 10, 25, 20, 0, tzinfo=UTC), AMS, at)
    assert before is not None and before.astimezone(UTC).hour == 19
    assert after is not None and after.astimezone(UTC).hour == 20
    assert due_window(datetime(2026, 10, 25, 19, 30, tzinfo=UTC), AMS, at) is None


def test_a_reminder_asks_about_last_night_when_it_is_not_logged() -> None:
    now = datetime(2026, 3, 5, 20, 0, tzinfo=UTC)
    due = patient_message_due(now, state(), last_night=date(2026, 3, 4))
    assert due is not None and (due.kind, due.key) == ("evening", "2026-03-04")


def test_it_is_quiet_when_last_night_is_logged_or_before_the_patient_joined() -> None:
    now = datetime(2026, 3, 5, 20, 0, tzinfo=UTC)
    logged = state(logged=frozenset({date(2026, 3, 4)}))
    assert patient_message_due(now, logged, last_night=date(2026, 3, 4)) is None
    new = state(joined_on=date(2026, 3, 5), logged=frozenset(), last_logged=None)
    assert patient_message_due(now, new, last_night=date(2026, 3, 4)) is None


def test_two_missed_nights_bring_one_nudge_keyed_by_the_last_logged_night() -> None:
    now = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)
    due = patient_message_due(now, state(), last_night=date(2026, 3, 5))
    assert due is not None and (due.kind, due.key) == ("nudge", "after-2026-03-03")
    later = patient_message_due(
        datetime(2026, 3, 7, 20, 0, tzinfo=UTC), state(), last_night=date(2026, 3, 6)
    )
    assert later is not None and later.key == "after-2026-03-03"  # the same claim: sent once


def test_without_the_nudge_the_evening_reminder_goes_on() -> None:
    now = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)
    due = patient_message_due(now, state(nudge_enabled=False), last_night=date(2026, 3, 5))
    assert due is not None and due.kind == "evening"
    off = state(nudge_enabled=False, evening_enabled=False)
    assert patient_message_due(now, off, last_night=date(2026, 3, 5)) is None


def test_a_digest_lists_new_flags_and_flags_with_new_evidence_only() -> None:
    previous = {"1": "aaa", "2": "bbb"}
    current = {"1": "aaa", "2": "ccc", "3": "ddd"}
    assert new_or_changed_flags(current, previous) == {"2": "ccc", "3": "ddd"}
    assert new_or_changed_flags(previous, previous) == {}
