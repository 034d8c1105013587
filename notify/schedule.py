"""When a reminder, a nudge or a digest is due: pure functions of the clock and plain data.

Times are wall-clock times in the person's own zone: a 21:00 reminder is sent at 21:00 where
the patient lives, in summer and in winter. A message is due from its time until the end of
that local day, so a worker that was down at 21:00 still sends it at 21:20, but never at 3 a.m.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def due_window(now: datetime, zone: ZoneInfo, at: time) -> datetime | None:
    """The local moment today's message is due, if `now` lies in its window; else None."""
    local_now = now.astimezone(zone)
    day = local_now.date()
    # zoneinfo resolves a wall time in a spring-forward gap to the moment after it, and an
    # ambiguous autumn time to its first occurrence: either way one moment per local day.
    due = datetime.combine(day, at, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    if due.timestamp() <= now.timestamp() < end.timestamp():
        return due
    return None


@dataclass(frozen=True)
class PatientDiaryState:
    zone: ZoneInfo
    at: time
    joined_on: date
    logged: frozenset[date]
    last_logged: date | None
    evening_enabled: bool
    nudge_enabled: bool


@dataclass(frozen=True)
class Due:
    kind: str  # "evening" or "nudge"
    key: str


def patient_message_due(
    now: datetime, state: PatientDiaryState, last_night: date
) -> Due | None:
    """What to send a patient now, if anything. `last_night` is the diary's one rule for the
    latest night that is over (diary.models.last_completed_night) read at the due moment."""
    if not (state.evening_enabled or state.nudge_enabled):
        return None
    if due_window(now, state.zone, state.at) is None:
        return None
    if last_night in state.logged or last_night < state.joined_on:
        return None  # logged already, or the patient had not joined yet: quiet
    night_before = last_night - timedelta(days=1)
    missed_two = night_before not in state.logged and night_before >= state.joined_on
    if state.nudge_enabled and missed_two:
        # One nudge per gap: keyed by the last logged night, so it comes again only after
        # the patient logs and then misses two nights again. Until then, nothing else.
        since = state.last_logged.isoformat() if state.last_logged else "start"
        return Due("nudge", f"after-{since}")
    if state.evening_enabled:
        return Due("evening", last_night.isoformat())
    return None


def new_or_changed_flags(
    current: dict[str, str], previous: dict[str, str]
) -> dict[str, str]:
    """Flags (id -> fingerprint) that are new since the last digest or carry new evidence:
    the acknowledgement's rule (insights.models.Flag.alerting) applied to the last digest."""
    return {
        flag_id: fingerprint
        for flag_id, fingerprint in current.items()
        if previous.get(flag_id) != fingerprint
    }
