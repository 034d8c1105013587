"""Plain-data patients for the pure analysis and ladder tests: no database, milliseconds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from insights.analysis import (
    Episode,
    MedicationRecord,
    NightRecord,
    PatientData,
    PlannedTrial,
    VisitRecord,
)
from programming.timeline import Settings, Timeline

START = date(2025, 1, 1)
ZONE = "UTC"


def settings(
    day: date,
    amplitude: float = 2.0,
    pulse_width_us: int = 210,
    frequency_hz: float = 14.0,
    stimulation_on: bool = True,
    *,
    reason: str = "other",
    source: str = "clinic",
    unit: str = "mA",
) -> Settings:
    """Settings effective at noon on `day`: they apply from the night of `day` on."""
    return Settings(
        record_id=None,
        effective_at=datetime.combine(day, time(12), tzinfo=UTC),
        amplitude=amplitude,
        amplitude_unit=unit,
        pulse_width_us=pulse_width_us,
        frequency_hz=frequency_hz,
        stimulation_on=stimulation_on,
        reason=reason,
        source=source,
    )


def night(
    day: date,
    cramps: int = 0,
    *,
    felt: str = "usual",
    relieved_by: tuple[str, ...] = (),
    benefit: int | None = None,
    severity: int = 5,
    movement: str = "none",
    **confounders: object,
) -> NightRecord:
    """`confounders`: what the check-in recorded (lumbar_support=True, activity="low", ...)."""
    at = datetime.combine(day + timedelta(days=1), time(2), tzinfo=UTC)
    episodes = tuple(
        Episode(at + timedelta(minutes=10 * i), severity, felt, movement, relieved_by)
        for i in range(cramps)
    )
    return NightRecord(
        date=day, timezone=ZONE, episodes=episodes, therapy_benefit=benefit,
        confounders=confounders,
    )


def nights_from(first: date, counts: Sequence[int | None], **kwargs: object) -> list[NightRecord]:
    """One night per entry from `first`; None leaves the night unlogged."""
    return [
        night(first + timedelta(days=i), count, **kwargs)  # type: ignore[arg-type]
        for i, count in enumerate(counts)
        if count is not None
    ]


def patient(
    nights: Sequence[NightRecord],
    records: Sequence[Settings] | None = None,
    *,
    today: date | None = None,
    medications: Sequence[MedicationRecord] = (),
    phase: str = "permanent",
    therapy: str = "sacral",
    trials: Sequence[PlannedTrial] = (),
    visits: Sequence[VisitRecord] = (),
) -> PatientData:
    nights = sorted(nights, key=lambda n: n.date)
    if today is None:
        today = (nights[-1].date if nights else START) + timedelta(days=1)
    if records is None:
        records = [settings(START - timedelta(days=1))]
    return PatientData(
        nights=nights,
        timeline=Timeline(records),
        today=today,
        timezone=ZONE,
        medications=medications,
        phase=phase,
        therapy=therapy,
        trials=trials,
        visits=visits,
    )


def day(n: int) -> date:
    return START + timedelta(days=n)
