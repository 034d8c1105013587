"""Plausible synthetic patients at scale, for load tests and benchmarks.

Deterministic for a seed: patient i of seed S is drawn from its own random stream, so the
same arguments always give the same rows. Written with bulk inserts, one batch of patients at
a time, so memory stays bounded and 1,000 patients x 5 years take minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction

from diary.models import CrampEpisode, Night, Patient
from programming.models import Device, SettingsRecord

ZONES = ["Europe/Amsterdam", "Europe/London", "America/New_York", "America/Chicago",
         "Europe/Madrid", "Australia/Sydney", "Asia/Tokyo"]
THERAPIES = [("sacral", "left S3", (Decimal("2.0"), 210, Decimal("14"))),
             ("spinal_cord", "T9-T10", (Decimal("3.0"), 300, Decimal("40"))),
             ("drg", "left L5", (Decimal("0.8"), 300, Decimal("20")))]
RELIEFS = ["stretching", "walking", "massage", "heat"]
BATCH_PATIENTS = 50


@dataclass(frozen=True)
class SyntheticRun:
    patients: int
    days: int
    seed: int
    end: date


def synthetic_username(seed: int, index: int) -> str:
    return f"syn{seed}-{index:05d}"


def generate_synthetic(
    run: SyntheticRun, clinician: User, progress: Callable[[int], None] | None = None
) -> list[int]:
    """Create the patients on the clinician's care team; returns their ids."""
    created: list[int] = []
    for first in range(0, run.patients, BATCH_PATIENTS):
        indexes = range(first, min(first + BATCH_PATIENTS, run.patients))
        created += generate_batch(run, clinician, indexes)
        if progress:
            progress(len(created))
    from diary.services import patient_data_changed

    for patient in Patient.objects.filter(pk__in=created):
        patient_data_changed(patient)
    return created


@transaction.atomic
def generate_batch(run: SyntheticRun, clinician: User, indexes: range) -> list[int]:
    unusable = make_password(None)
    users = User.objects.bulk_create([
        User(username=synthetic_username(run.seed, i), password=unusable) for i in indexes
    ])
    rngs = [random.Random(f"{run.seed}-{i}") for i in indexes]
    patients = Patient.objects.bulk_create([
        Patient(user=user, timezone=rng.choice(ZONES), clinic_id=clinician.clinician.clinic_id)
        for user, rng in zip(users, rngs, strict=True)
    ])
    Patient.care_team.through.objects.bulk_create([
        Patient.care_team.through(patient_id=p.pk, user_id=clinician.pk) for p in patients
    ])
    first_night = run.end - timedelta(days=run.days - 1)
    devices, records, nights, episodes_by_night = [], [], [], []
    for patient, rng in zip(patients, rngs, strict=True):
        zone = ZoneInfo(patient.timezone)
        therapy, lead_site, (amplitude, pulse_width, frequency) = rng.choice(THERAPIES)
        device = Device(patient=patient, therapy=therapy, phase="permanent",
                        implanted_on=first_night - timedelta(days=rng.randint(30, 900)),
                        lead_site=lead_site)
        devices.append(device)
        changes = sorted(rng.sample(range(run.days), k=min(run.days, rng.randint(0, 3))))
        moments = [datetime.combine(device.implanted_on, time(15), tzinfo=zone)]
        moments += [datetime.combine(first_night + timedelta(days=d), time(11), tzinfo=zone)
                    for d in changes]
        for n, moment in enumerate(moments):
            if n:
                step = Decimal(rng.choice([-4, -2, 2, 3])) / 10
                amplitude = max(Decimal("0.2"), amplitude + step)
            records.append(SettingsRecord(
                device=device, effective_at=moment, amplitude=amplitude, amplitude_unit="mA",
                pulse_width_us=pulse_width, frequency_hz=frequency,
                reason="initial" if n == 0 else rng.choice(["reduce_amplitude", "other"]),
            ))
        cramp_rate = rng.choice([0.0, 0.03, 0.08, 0.15, 0.3, 0.5])
        missed = rng.choice([0.02, 0.05, 0.1, 0.2])
        benefit = rng.randint(4, 9)
        for d in range(run.days):
            if rng.random() < missed:
                continue
            night_date = first_night + timedelta(days=d)
            evening = datetime.combine(night_date, time(22, 30), tzinfo=zone)
            count = 0
            if rng.random() < cramp_rate:
                count = rng.choice([1, 1, 1, 2, 2, 3])
            nights.append(Night(
                patient=patient, date=night_date, timezone=patient.timezone,
                therapy_benefit=max(0, min(10, benefit + rng.randint(-1, 1))),
                sleep_quality=max(0, min(10, rng.randint(5, 9) - count)),
                # From the count, drawing nothing: every other value stays as it was per seed.
                sleep_disturbance=min(10, 3 * count),
                fluids=rng.choice(["usual", "usual", "low", "high"]),
                activity=rng.choice(["usual", "usual", "low", "high"]),
                alcohol=rng.random() < 0.15, lumbar_support=rng.random() < 0.3,
                checked_in_at=(evening + timedelta(hours=9)).astimezone(UTC),
            ))
            minute = rng.randint(0, 240)
            night_episodes = []
            for _ in range(count):
                night_episodes.append(CrampEpisode(
                    started_at=(evening + timedelta(minutes=minute)).astimezone(UTC),
                    duration_min=rng.randint(1, 15), severity=rng.randint(2, 8),
                    side=rng.choice(["left", "right", "both"]),
                    site=rng.choice(["calf", "calf", "foot", "thigh"]),
                    woke_from_sleep=rng.random() < 0.75, stimulation_felt="usual",
                    new_movement="none", relieved_by=[rng.choice(RELIEFS)],
                ))
                minute += rng.randint(20, 90)
            episodes_by_night.append(night_episodes)
    Device.objects.bulk_create(devices)
    for record in records:
        record.device_id = record.device.pk
    SettingsRecord.objects.bulk_create(records, batch_size=2000)
    Night.objects.bulk_create(nights, batch_size=2000)
    episodes = []
    for night, night_episodes in zip(nights, episodes_by_night, strict=True):
        for episode in night_episodes:
            episode.night = night
            episodes.append(episode)
    CrampEpisode.objects.bulk_create(episodes, batch_size=2000)
    return [p.pk for p in patients]
