"""Writes to the settings history, and the one loader of a patient's settings timeline."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from diary.models import Patient
from diary.services import patient_data_changed
from programming.models import (
    Device,
    PlannedTrial,
    ProgrammingVisit,
    SettingsRecord,
    VisitConfiguration,
)
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


@transaction.atomic
def planned_trial_create(
    *,
    device: Device,
    parameter: str,
    first_night: date,
    last_night: date,
    order_randomised: bool = False,
    note: str = "",
    recorded_by: AbstractBaseUser | None = None,
) -> PlannedTrial:
    """Mark a run of the device's settings changes as a planned trial; the analysis reads it
    from the patient's next data version on."""
    trial = PlannedTrial(
        device=device, parameter=parameter, first_night=first_night, last_night=last_night,
        order_randomised=order_randomised, note=note, recorded_by=recorded_by,
    )
    trial.full_clean()
    trial.save()
    patient_data_changed(device.patient)
    return trial


def record_before(record: SettingsRecord) -> SettingsRecord | None:
    """The device's record in effect just before `record` on the corrected timeline (earlier,
    or at the same moment and recorded before it): what a correction of `record` is compared
    with, and what undoing it brings back. None for the device's first record."""
    return (
        SettingsRecord.objects.filter(device_id=record.device_id).current().exclude(pk=record.pk)
        .filter(
            Q(effective_at__lt=record.effective_at)
            | Q(effective_at=record.effective_at, pk__lt=record.pk)
        )
        .timeline_order().last()
    )


# The note on a patient's undo: fixed words, never the patient's own text.
# The notes this module writes are stored in English (the record); note_shown() reads them in
# the reader's language.
UNDO_NOTE = gettext_noop("Undone by the patient: entered by mistake with the remote form.")


@dataclass(frozen=True)
class UndoableRemoteEntry:
    record: SettingsRecord
    before: SettingsRecord
    until: datetime


def remote_entry_undoable(
    patient: Patient, *, now: datetime | None = None
) -> UndoableRemoteEntry | None:
    """The patient's own last remote entry, while they may still undo it: recorded with the
    remote form by the patient's own account less than REMOTE_UNDO_HOURS ago, nothing
    recorded after it (by anyone, a correction included), nothing in effect after it, and a
    record before it to go back to. One rule for the home page's button and the undo view."""
    now = now or timezone.now()
    latest = (
        SettingsRecord.objects.for_patient(patient)
        .select_related("device").order_by("-recorded_at", "-id").first()
    )
    if latest is None or latest.source != "patient_remote" or latest.corrects_id is not None:
        return None
    if latest.recorded_by_id is None or latest.recorded_by_id != patient.user_id:
        return None
    until = latest.recorded_at + timedelta(hours=settings.REMOTE_UNDO_HOURS)
    if now >= until:
        return None
    newer = (
        SettingsRecord.objects.for_patient(patient).current()
        .filter(effective_at__gt=latest.effective_at).exists()
    )
    if newer:
        return None
    before = record_before(latest)
    if before is None:
        return None
    return UndoableRemoteEntry(record=latest, before=before, until=until)


def remote_entry_undo(
    *, entry: UndoableRemoteEntry, recorded_by: AbstractBaseUser
) -> SettingsRecord | None:
    """Undo a remote entry the way a clinician corrects one: a new record that corrects it
    with the settings of the record before it, from the same moment, so the mistaken record
    drops out of the timeline and nothing is overwritten. None when another request undid or
    corrected it first (a double tap): `corrects` is one-to-one."""
    record, before = entry.record, entry.before
    try:
        return settings_record_create(
            device=record.device,
            effective_at=record.effective_at,
            amplitude=before.amplitude,
            amplitude_unit=before.amplitude_unit,
            pulse_width_us=before.pulse_width_us,
            frequency_hz=before.frequency_hz,
            stimulation_on=before.stimulation_on,
            electrode_configuration=before.electrode_configuration,
            reason="other",
            source="patient_remote",
            note=UNDO_NOTE,
            corrects=record,
            recorded_by=recorded_by,
        )
    except (ValidationError, IntegrityError):
        if SettingsRecord.objects.filter(corrects=record).exists():
            return None
        raise


# --- The programming visit (issue 25) ------------------------------------------------------

CONFIGURATION_FIELDS = (
    "electrodes", "amplitude", "amplitude_unit", "pulse_width_us", "frequency_hz",
    "sensory_threshold", "motor_threshold", "felt_at", "responses", "comfort",
)
VISIT_NOTE = gettext_noop("Left in place at the programming visit.")


def note_shown(note: str) -> str:
    """A record's note for a page: a note written by this module in the reader's language,
    anyone's own words as they were typed."""
    return gettext(note) if note in (UNDO_NOTE, VISIT_NOTE) else note


def reason_for_change(current: SettingsRecord | None, row: dict[str, Any]) -> str:
    """The settings record's reason, read from what the visit changed: the reasons the
    ladder and the history read (a pulse width or frequency change is a reprogramming)."""
    if current is None:
        return "initial"
    if (row["pulse_width_us"], row["frequency_hz"]) != (
        current.pulse_width_us, current.frequency_hz
    ):
        return "reprogram"
    if row["amplitude_unit"] == current.amplitude_unit and row["amplitude"] < current.amplitude:
        return "reduce_amplitude"
    if row["amplitude_unit"] == current.amplitude_unit and row["amplitude"] > current.amplitude:
        return "increase_amplitude"
    return "other"


def same_programme(current: SettingsRecord | None, row: dict[str, Any]) -> bool:
    return current is not None and current.stimulation_on and all(
        row[name] == getattr(current, attr) for name, attr in (
            ("amplitude", "amplitude"), ("amplitude_unit", "amplitude_unit"),
            ("pulse_width_us", "pulse_width_us"), ("frequency_hz", "frequency_hz"),
            ("electrodes", "electrode_configuration"),
        )
    )


@transaction.atomic
def visit_record_create(
    *,
    device: Device,
    visited_at: datetime,
    clinician: AbstractBaseUser | None,
    configurations: Sequence[dict[str, Any]],
    left_in_place: int | None = None,
    note: str = "",
) -> ProgrammingVisit:
    """A visit and its rows; the row left in place (an index into `configurations`) becomes
    the settings in effect from the visit's time, through settings_record_create, in the same
    transaction: the visit and the timeline never disagree. Leaving the programme already in
    effect adds no settings record."""
    settings_record = None
    if left_in_place is not None:
        row = configurations[left_in_place]
        current = (
            SettingsRecord.objects.filter(device=device).current().timeline_order().last()
        )
        if not same_programme(current, row):
            settings_record = settings_record_create(
                device=device,
                effective_at=visited_at,
                amplitude=row["amplitude"],
                amplitude_unit=row["amplitude_unit"],
                pulse_width_us=row["pulse_width_us"],
                frequency_hz=row["frequency_hz"],
                stimulation_on=True,
                electrode_configuration=row["electrodes"],
                reason=reason_for_change(current, row),
                source="clinic",
                note=VISIT_NOTE,
                recorded_by=clinician,
            )
    visit = ProgrammingVisit(
        device=device, visited_at=visited_at, clinician=clinician, note=note,
        settings_record=settings_record,
    )
    visit.full_clean()
    visit.save()
    VisitConfiguration.objects.bulk_create([
        VisitConfiguration(
            visit=visit, position=position, left_in_place=position == left_in_place,
            **{name: row.get(name) if row.get(name) is not None else _blank(name)
               for name in CONFIGURATION_FIELDS},
        )
        for position, row in enumerate(configurations)
    ])
    # The ladder reads the visits (insights.visits): the visit is a change to the patient's data
    # even when the settings stay as they were.
    patient_data_changed(device.patient)
    return visit


def _blank(name: str) -> Any:
    if name == "responses":
        return []
    if name in {"electrodes", "felt_at", "comfort"}:
        return ""
    if name == "amplitude_unit":
        return "mA"
    return None


@transaction.atomic
def visit_report_attach(
    *, visit: ProgrammingVisit, report: UploadedFile
) -> ProgrammingVisit:
    """Store the programmer's printed session report (checked by the form: a PDF by its first
    bytes, within the size limit); a new one replaces the old, whose file is removed once the
    row points at the new one."""
    old = visit.report.name if visit.report else ""
    visit.report.save("report.pdf", report, save=False)
    visit.report_uploaded_at = timezone.now()
    visit.save(update_fields=["report", "report_uploaded_at"])
    if old:
        transaction.on_commit(lambda: visit.report.storage.delete(old))
    # The patient page lists the visits with their reports, rendered once per data version.
    patient_data_changed(visit.device.patient)
    return visit
