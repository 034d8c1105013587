"""Writes to the diary. Each is one transaction and bumps the patient's data version."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from diary import signals
from diary.medicines import stored_kind
from diary.models import CrampEpisode, DailyOutcome, Medication, Night, Patient
from programming.timeline import night_of


def patient_data_changed(patient: Patient) -> None:
    """Everything derived from a patient's data (charts, summaries, flags) keys off this.
    The bump is the whole event: apps built on the diary read the version, never get called."""
    Patient.objects.filter(pk=patient.pk).update(data_version=F("data_version") + 1)
    # The database holds the true count; this copy only has to differ from the old one.
    patient.data_version += 1
    signals.patient_data_changed.send(
        sender=Patient, patient_id=patient.pk, data_version=patient.data_version
    )


def night_get_or_create(*, patient: Patient, night_date: date) -> tuple[Night, bool]:
    """The live night for a date, created if absent. Safe under concurrent requests: the
    database's unique constraint decides, and the loser reads the winner's row."""
    existing = Night.objects.filter(
        patient=patient, date=night_date, deleted_at__isnull=True
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Night.objects.get_or_create(
                patient=patient,
                date=night_date,
                deleted_at__isnull=True,
                defaults={"timezone": patient.timezone},
            )
    except IntegrityError:
        return Night.objects.get(patient=patient, date=night_date, deleted_at__isnull=True), False


@transaction.atomic
def episode_create(
    *,
    patient: Patient,
    started_at: datetime,
    severity: int,
    client_token: uuid.UUID | None = None,
    **detail: Any,
) -> tuple[CrampEpisode, bool]:
    """Log a cramp on the night it belongs to. Returns (episode, created): a token already
    used by this patient returns that episode instead of a second one."""
    if client_token is not None:
        existing = (
            CrampEpisode.objects.filter(client_token=client_token).select_related("night").first()
        )
        if existing is not None:
            if existing.night.patient_id == patient.pk:
                return existing, False
            client_token = None  # someone else's token: never reveal or reuse their entry
    night, _ = night_get_or_create(patient=patient, night_date=night_of(started_at, patient.tz))
    episode = CrampEpisode(
        night=night, started_at=started_at, severity=severity, client_token=client_token, **detail
    )
    # The token's uniqueness is the database's to enforce (below), not a query of its own.
    episode.full_clean(exclude=["night"], validate_unique=False)
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError:
        # The same token arrived twice at once: the other request saved it first.
        return CrampEpisode.objects.get(client_token=client_token), False
    patient_data_changed(patient)
    return episode, True


@transaction.atomic
def episode_update(*, episode: CrampEpisode, **fields: Any) -> CrampEpisode:
    patient = episode.night.patient
    for name, value in fields.items():
        setattr(episode, name, value)
    if "started_at" in fields:
        target = night_of(episode.started_at, patient.tz)
        if target != episode.night.date:
            episode.night, _ = night_get_or_create(patient=patient, night_date=target)
    episode.full_clean(exclude=["night"])
    episode.save()
    patient_data_changed(patient)
    return episode


@transaction.atomic
def episode_delete(*, episode: CrampEpisode) -> None:
    """Soft delete: the row stays (and the audit log keeps who did it); the diary hides it.
    A night that existed only because of its cramps, never checked in, goes with its last one:
    otherwise it would read as a cramp-free night the patient never reported."""
    now = timezone.now()
    episode.deleted_at = now
    episode.save(update_fields=["deleted_at", "updated_at"])
    night = episode.night
    if night.checked_in_at is None and not night.episodes.filter(deleted_at__isnull=True).exists():
        night.deleted_at = now
        night.save(update_fields=["deleted_at", "updated_at"])
    patient_data_changed(night.patient)


class NightHasCramps(Exception):
    def __init__(self, night: Night, count: int) -> None:
        super().__init__("night has cramps")
        self.night = night
        self.count = count


@transaction.atomic
def night_check_in(*, patient: Patient, night_date: date, cramp_free: bool, **fields: Any) -> Night:
    """The morning check-in. `cramp_free` records a night with no cramps: data, not a gap.
    Refuses to call a night cramp-free when cramps are logged on it."""
    night, _ = night_get_or_create(patient=patient, night_date=night_date)
    if cramp_free:
        count = night.episodes.filter(deleted_at__isnull=True).count()
        if count:
            raise NightHasCramps(night, count)
    for name, value in fields.items():
        setattr(night, name, value)
    if night.checked_in_at is None:
        night.checked_in_at = timezone.now()
    night.full_clean(exclude=["patient"], validate_constraints=False)
    night.save()
    patient_data_changed(patient)
    return night


@transaction.atomic
def night_delete(*, night: Night) -> None:
    now = timezone.now()
    night.episodes.filter(deleted_at__isnull=True).update(deleted_at=now, updated_at=now)
    night.deleted_at = now
    night.save(update_fields=["deleted_at", "updated_at"])
    patient_data_changed(night.patient)


@transaction.atomic
def medication_create(*, patient: Patient, recorded_by: Any = None, **fields: Any) -> Medication:
    medication = Medication(patient=patient, recorded_by=recorded_by, **fields)
    medication.category = stored_kind(medication.name, medication.category)
    medication.full_clean(exclude=["patient"])
    medication.save()
    patient_data_changed(patient)
    return medication


def medications_bulk_create(*, patient: Patient, medications: list[Medication]) -> None:
    """Validated medications written in bulk (the bundle import), with the kind rule of
    medication_create. The caller's transaction holds it, and the caller bumps the data
    version once for everything it writes."""
    for medication in medications:
        medication.patient = patient
        medication.category = stored_kind(medication.name, medication.category)
    Medication.objects.bulk_create(medications)


@transaction.atomic
def medication_set_kind(*, medication: Medication, category: str) -> Medication:
    """A clinician sets (or confirms) a medicine's kind; the audit log records who and the
    old kind (django-auditlog, registered on Medication)."""
    medication.category = category
    medication.kind_confirmed = True
    medication.full_clean(exclude=["patient"])
    medication.save(update_fields=["category", "kind_confirmed"])
    patient_data_changed(medication.patient)
    return medication


@transaction.atomic
def medication_stop(*, medication: Medication, stopped_on: date) -> Medication:
    medication.stopped_on = stopped_on
    medication.full_clean(exclude=["patient"])
    medication.save(update_fields=["stopped_on"])
    patient_data_changed(medication.patient)
    return medication


@transaction.atomic
def outcome_record(*, patient: Patient, day: date, **values: int | None) -> DailyOutcome:
    """The day's outcome, created or updated: the fields given are written (None clears an
    answer the patient emptied), the others are kept."""
    outcome = DailyOutcome.objects.select_for_update().filter(patient=patient, date=day).first()
    if outcome is None:
        outcome = DailyOutcome(patient=patient, date=day)
    for name, value in values.items():
        setattr(outcome, name, value)
    outcome.full_clean(exclude=["patient"], validate_constraints=False)
    try:
        with transaction.atomic():
            outcome.save()
    except IntegrityError:
        # Two first answers for the day at once: the other one created the row; write ours on it.
        outcome = DailyOutcome.objects.get(patient=patient, date=day)
        for name, value in values.items():
            setattr(outcome, name, value)
        outcome.save()
    patient_data_changed(patient)
    return outcome


@transaction.atomic
def outcome_settings_update(
    *, patient: Patient, sacral_indication: str, outcome_diary_start: date | None,
    outcome_diary_days: int,
) -> Patient:
    """The clinic's outcome settings: what a sacral device is for, and the diary's days."""
    patient.sacral_indication = sacral_indication
    patient.outcome_diary_start = outcome_diary_start
    patient.outcome_diary_days = outcome_diary_days
    names = {"sacral_indication", "outcome_diary_start", "outcome_diary_days"}
    patient.clean_fields(exclude=[f.name for f in Patient._meta.fields if f.name not in names])
    patient.save(update_fields=["sacral_indication", "outcome_diary_start", "outcome_diary_days"])
    patient_data_changed(patient)
    return patient
