"""Writes to the settings history, and the one loader of a patient's settings timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from diary.models import Patient
from diary.services import patient_data_changed
from programming.models import Device, SettingsRecord
from programming.timeline import Settings, Timeline


def settings_from_record(record: SettingsRecord) -> Settings:
    return Settings(
        record_id=record.pk,
        effective_at=record.effective_at,
        amplitude=float(record.amplitude),
        amplitude_unit=record.amplitude_unit,
        pulse_width_us=record.pulse_width_us,
        frequency_hz=float(record.frequency_hz),
        stimulation_on=record.stimulation_on,
        reason=record.reason,
        source=record.source,
        electrode_configuration=record.electrode_configuration,
        device_id=record.device_id,
    )


def timeline_for(patient: Patient) -> Timeline:
    """The corrected settings timeline across all of the patient's devices, in one query."""
    return corrected_timeline(SettingsRecord.objects.for_patient(patient))


def corrected_timeline(records: Iterable[SettingsRecord]) -> Timeline:
    """The one rule for the corrected timeline: the records no correction replaces
    (SettingsRecordQuerySet.current), in (effective_at, id) order. Takes a queryset (filtered
    in SQL) or records already read, each with `corrected_by` set (the patient page reads the
    whole history once); the cohort's SQL is tested against it."""
    if isinstance(records, QuerySet):
        rows = list(records.current().timeline_order())
    else:
        rows = sorted(
            (r for r in records if getattr(r, "corrected_by", None) is None),
            key=lambda r: (r.effective_at, r.pk),
        )
    return Timeline(settings_from_record(r) for r in rows)


def current_device(patient: Patient) -> Device | None:
    return patient.devices.order_by("-implanted_on", "-id").first()


@transaction.atomic
def settings_record_create(
    *,
    device: Device,
    effective_at: datetime,
    amplitude: Decimal,
    amplitude_unit: str,
    pulse_width_us: int,
    frequency_hz: Decimal,
    stimulation_on: bool = True,
    reason: str = "other",
    source: str = "clinic",
    note: str = "",
    electrode_configuration: str = "",
    corrects: SettingsRecord | None = None,
    recorded_by: AbstractBaseUser | None = None,
) -> SettingsRecord:
    record = SettingsRecord(
        device=device,
        effective_at=effective_at,
        amplitude=amplitude,
        amplitude_unit=amplitude_unit,
        pulse_width_us=pulse_width_us,
        frequency_hz=frequency_hz,
        stimulation_on=stimulation_on,
        reason=reason,
        source=source,
        note=note,
        electrode_configuration=electrode_configuration,
        corrects=corrects,
        recorded_by=recorded_by,
    )
    record.full_clean()
    record.save()
    patient_data_changed(device.patient)
    return record
