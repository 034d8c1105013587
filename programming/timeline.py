"""Which settings were in effect when: the rule the whole diary is read against.

Pure functions over plain data; no database access here, so the rules are tested directly.

The rules:
- The settings in effect at a moment are those of the latest record (of the corrected
  timeline) whose effective_at is at or before that moment. Two records at the same moment:
  the one recorded later wins.
- A night is dated by the evening it began: a moment before NIGHT_BOUNDARY_HOUR local time
  belongs to the night of the day before. Dates are taken on the local wall clock, so a night
  that spans a daylight-saving change is still one night.
- A night is analysed under the settings in effect at its start, NIGHT_START_HOUR local time
  on its date, even if a change happens during the night. An episode is attributed to the
  settings in effect at the moment it started.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.conf import settings as django_settings
from django.utils.translation import pgettext

from diary.words import number


@dataclass(frozen=True)
class Settings:
    record_id: int | None
    effective_at: datetime
    amplitude: float
    amplitude_unit: str
    pulse_width_us: int
    frequency_hz: float
    stimulation_on: bool
    reason: str = "other"
    source: str = "clinic"
    electrode_configuration: str = ""
    device_id: int | None = None

    @property
    def parameters(self) -> tuple[float, str, int, float, bool]:
        """What the patient's nerves feel: two records with equal parameters are one epoch."""
        return (
            self.amplitude,
            self.amplitude_unit,
            self.pulse_width_us,
            self.frequency_hz,
            self.stimulation_on,
        )

    def describe(self) -> str:
        """The settings in the active language ("1.5 mA · 210 µs · 14 Hz"; "1,5 mA" in
        German). The ladder's stored flags and their fingerprints are written under English
        (insights.summary), so a reader's language never changes a fingerprint."""
        if not self.stimulation_on:
            return pgettext("the stimulator's state", "Stimulation off")
        # Translators: amplitude with its unit (mA or V), pulse width in µs, frequency in Hz.
        return pgettext(
            "stimulator settings", "%(amplitude)s %(unit)s · %(width)s µs · %(frequency)s Hz"
        ) % {
            "amplitude": number(self.amplitude), "unit": self.amplitude_unit,
            "width": number(self.pulse_width_us), "frequency": number(self.frequency_hz),
        }


class Timeline:
    """A patient's settings history in time order, answering 'what was in effect at t?'."""

    def __init__(self, records: Iterable[Settings]) -> None:
        # sorted() is stable: records already in recorded order keep it among equal times.
        self.records: list[Settings] = sorted(records, key=lambda r: r.effective_at)
        self._times = [r.effective_at for r in self.records]

    def __len__(self) -> int:
        return len(self.records)

    def __bool__(self) -> bool:
        return bool(self.records)

    def at(self, moment: datetime) -> Settings | None:
        index = bisect.bisect_right(self._times, moment)
        return self.records[index - 1] if index else None

    def span(self, moment: datetime) -> tuple[Settings | None, datetime | None, datetime | None]:
        """The settings in effect at `moment`, and the stretch [start, end) they stay in effect
        over (None: open-ended), so a reader going through moments in order looks up again
        only when a moment leaves it."""
        index = bisect.bisect_right(self._times, moment)
        start = self._times[index - 1] if index else None
        end = self._times[index] if index < len(self._times) else None
        return (self.records[index - 1] if index else None), start, end

    def for_night(self, night_date: date, zone: tzinfo) -> Settings | None:
        return self.at(night_start(night_date, zone))

    def changes(self) -> list[Settings]:
        """Records that changed what the patient receives (the first record included)."""
        out: list[Settings] = []
        for record in self.records:
            if not out or record.parameters != out[-1].parameters:
                out.append(record)
        return out

    @property
    def current(self) -> Settings | None:
        return self.records[-1] if self.records else None


def night_of(moment: datetime, zone: tzinfo, boundary_hour: int | None = None) -> date:
    """The date of the night a moment belongs to, in the given zone."""
    if boundary_hour is None:
        boundary_hour = django_settings.NIGHT_BOUNDARY_HOUR
    local = moment.astimezone(zone)
    if local.hour < boundary_hour:
        return local.date() - timedelta(days=1)
    return local.date()


def night_start(night_date: date, zone: tzinfo, start_hour: int | None = None) -> datetime:
    """The aware moment a night starts: its local start hour on its date."""
    if start_hour is None:
        start_hour = django_settings.NIGHT_START_HOUR
    return datetime.combine(night_date, time(hour=start_hour), tzinfo=zone)

