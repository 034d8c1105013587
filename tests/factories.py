"""Builders for synthetic test data. Plain functions, keyword arguments, sensible defaults."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from clinic.models import Clinic, Clinician, default_clinic
from diary.models import CrampEpisode, Night, Patient
from diary.services import episode_create, night_check_in
from programming.models import Device, SettingsRecord
from programming.services import settings_record_create

PASSWORD = "stimdiary-test-pass"


def make_patient(
    username: str,
    *,
    timezone: str = "Europe/Amsterdam",
    therapy: str = "sacral",
    phase: str = "permanent",
    implanted_on: date = date(2025, 3, 2),
    initial_at: datetime | None = None,
    amplitude: str = "2.0",
    pulse_width_us: int = 210,
    frequency_hz: str = "14",
    clinic: Clinic | None = None,
) -> Patient:
    user = User.objects.create_user(username=username, password=PASSWORD)
    patient = Patient.objects.create(
        user=user, timezone=timezone, clinic=clinic or default_clinic()
    )
    device = Device.objects.create(
        patient=patient,
        therapy=therapy,
        phase=phase,
        implanted_on=implanted_on,
        lead_site="left S3",
    )
    if initial_at is None:
        initial_at = datetime(2025, 3, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo(timezone))
    settings_record_create(
        device=device,
        effective_at=initial_at,
        amplitude=Decimal(amplitude),
        amplitude_unit="mA",
        pulse_width_us=pulse_width_us,
        frequency_hz=Decimal(frequency_hz),
        reason="initial",
    )
    patient.refresh_from_db()
    return patient


def make_clinician(
    username: str, *, patients: tuple[Patient, ...] = (), clinic: Clinic | None = None
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    Clinician.objects.create(user=user, clinic=clinic or default_clinic())
    for patient in patients:
        patient.care_team.add(user)
    return user


def change_settings(patient: Patient, at: datetime, **changes: Any) -> SettingsRecord:
    device = patient.devices.first()
    previous = SettingsRecord.objects.for_patient(patient).current().timeline_order().last()
    values: dict[str, Any] = {
        "amplitude": previous.amplitude,
        "amplitude_unit": previous.amplitude_unit,
        "pulse_width_us": previous.pulse_width_us,
        "frequency_hz": previous.frequency_hz,
        "stimulation_on": previous.stimulation_on,
        "reason": "other",
    }
    values.update(changes)
    for key in ("amplitude", "frequency_hz"):
        values[key] = Decimal(str(values[key]))
    return settings_record_create(device=device, effective_at=at, **values)


def local(patient: Patient, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=patient.tz)


def log_cramp(patient: Patient, at: datetime, severity: int = 5, **detail: Any) -> CrampEpisode:
    episode, _ = episode_create(patient=patient, started_at=at, severity=severity, **detail)
    return episode


def log_cramp_free(patient: Patient, night_date: date, **fields: Any) -> Night:
    return night_check_in(patient=patient, night_date=night_date, cramp_free=True, **fields)


def log_nights(patient: Patient, first: date, cramps_per_night: list[int], hour: int = 2) -> None:
    """One night per entry from `first`: 0 logs a cramp-free night, n logs n cramps after
    midnight; None leaves the night unlogged."""
    for offset, count in enumerate(cramps_per_night):
        night_date = first + timedelta(days=offset)
        if count is None:
            continue
        if count == 0:
            log_cramp_free(patient, night_date)
        for i in range(count):
            log_cramp(patient, local(patient, night_date + timedelta(days=1), hour, 10 * i))


# The production task backend: a write queues its refresh as a row, and nothing runs it
# unless a test runs the worker (`manage.py db_worker --batch`).
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def log_outcomes(patient: Patient, first: date, n: int, **values: int) -> None:
    """One daily outcome per day from `first`, through the service (data version, refresh)."""
    from diary.services import outcome_record

    for offset in range(n):
        outcome_record(patient=patient, day=first + timedelta(days=offset), **values)
