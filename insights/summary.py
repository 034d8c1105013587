"""Per-patient summaries and flags, kept current as the patient's data changes.

Every write to a patient's data ends in diary.services.patient_data_changed, which calls
schedule_refresh. The refresh runs at once, inside the writer's transaction, so the summary
and flags can never disagree with the data they were computed from, and the cohort page (which
reads summaries only) is right on the next request. It is kept cheap instead of deferred: the
ladder reads only the last LADDER_LOOKBACK_DAYS of nights plus the settings and medication
history, so logging a cramp costs the same after five years as after five nights (a handful
of small queries and a few milliseconds of pure Python).

For bulk-loaded data (generate_synthetic, imports) that bypass the services, call
refresh_all() (or refresh_summary(patient) per patient) once the rows are in.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from insights.ladder import LadderResult, Thresholds, evaluate

if TYPE_CHECKING:
    from diary.models import Patient


def schedule_refresh(patient: Patient) -> None:
    """Called after every write to a patient's data."""
    refresh_summary(patient)


def ladder_for(patient: Patient) -> LadderResult:
    from insights.data import load_patient_data, today_for

    thresholds = Thresholds.from_settings()
    today = today_for(patient)
    since = today - timedelta(days=thresholds.lookback_days)
    return evaluate(load_patient_data(patient, since=since, today=today), thresholds)


@transaction.atomic
def refresh_summary(patient: Patient) -> LadderResult:
    from insights.models import Flag, PatientSummary

    result = ladder_for(patient)
    now = timezone.now()
    current = {f.code: f for f in result.flags}
    active = {
        f.code: f
        for f in Flag.objects.filter(patient=patient).active().prefetch_related("acknowledgements")
    }
    alerting: list[str] = []
    for code, row in active.items():
        if code not in current:
            row.resolved_at = now
            row.save(update_fields=["resolved_at", "updated_at"])
    for code, flag in current.items():
        fields = {
            "step": flag.step,
            "title": flag.title,
            "explanation": flag.explanation,
            "evidence": flag.evidence.as_json(),
            "fingerprint": flag.fingerprint,
            "since": flag.since,
        }
        row = active.get(code)
        if row is None:
            Flag.objects.create(patient=patient, code=code, raised_at=now, **fields)
            alerting.append(code)
            continue
        if any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            row.save(update_fields=[*fields, "updated_at"])
        if row.alerting:
            alerting.append(code)
    values = {
        "ladder_step": result.step,
        "lead_migration": "possible_lead_migration" in current,
        "flag_codes": result.codes,
        "alerting_codes": alerting,
        "cramp_night_rate_14": result.cramp_night_rate,
        "active_cramps": result.active_cramps,
        "data_version": patient.data_version,
    }
    if not PatientSummary.objects.filter(patient=patient).update(**values, computed_at=now):
        PatientSummary.objects.create(patient=patient, **values)
    return result


def refresh_all(patients: object = None) -> int:
    """Rebuild every patient's summary and flags (or those of the given queryset/iterable),
    after data was bulk-loaded without the services. Returns how many were refreshed."""
    from diary.models import Patient

    count = 0
    for patient in patients if patients is not None else Patient.objects.iterator(chunk_size=200):
        refresh_summary(patient)
        count += 1
    return count
