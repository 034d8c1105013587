"""A patient's ladder state (summary and active flags), and the one rule that keeps it true.

The rule: the patient's data_version is the truth. Every write to a patient's diary, settings
or medications bumps it in the writing transaction (diary.services.patient_data_changed) and
does nothing else. The ladder state is current when its summary's data_version equals the
patient's and the night it was computed for has not moved on (its fresh_until, the patient's
next NIGHT_END_HOUR, is still ahead: the ladder's windows end last night, so a patient who
writes nothing still moves through them); otherwise it is stale, and whoever reads it
recomputes it first:

- ladder_state(patient): one patient (the patient page, the visit summary PDF, the patient's
  home, `analyze`).
- ensure_fresh(patients): many (the cohort page, flags.csv, the notification digests) in one
  query when all are current.

Both refresh through refresh_summary(), under a lock on the patient's row (SELECT ... FOR NO
KEY UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the database's
write lock), and check the version again once they hold it. So two callers racing (a worker
and a page, two gunicorn workers) compute it once and never raise flags twice, and a write
that commits meanwhile waits for the lock and leaves the state stale again, never wrong.

In the background, insights.tasks.refresh_ladder_state runs the same refresh on the task
worker a moment after each write commits, and again at each patient's fresh_until (a refresh
that moves fresh_until sends night_end_scheduled, and the task is queued for then), so a
reader usually finds the work done. It is a head start, not a promise: nothing depends on it
having run.

The flags' words (title, explanation, evidence notes) are stored in English, whoever's request
triggered the refresh: refresh_summary evaluates the ladder under translation.override("en"),
so the stored record, its fingerprint (built from those words), `analyze --json`, FHIR and the
exports never depend on the language of the reader who happened to find the state stale.
Pages show a flag in their reader's language through flag_words() (its docstring has the rule).

The ladder reads only the last LADDER_LOOKBACK_DAYS of nights plus the settings and
medication history, so a refresh costs the same after five years. Data bulk-loaded without
the services (generate_synthetic) is brought in with refresh_all().
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone, translation

from diary.models import Patient, next_night_end
from diary.words import settled
from insights.evidence import evidence_in_words
from insights.ladder import DECISION_SUPPORT, LadderResult, evaluate, flag_title
from insights.models import Flag, PatientSummary
from insights.outcomes import STATUS_RANK
from insights.thresholds import Thresholds

# Sent inside the refreshing transaction with patient_id and fresh_until (a datetime) when a
# refresh moves a state's fresh_until on: once per patient and night. insights.tasks listens
# and queues the refresh for that moment (connected in insights.apps, so this module imports
# no task code).
night_end_scheduled = Signal()


def stale(now: datetime | None = None) -> Q:
    """A Patient filter: the summary is missing, older than the patient's data, or computed
    for a night that has since moved on."""
    return (
        Q(summary__isnull=True)
        | ~Q(summary__data_version=F("data_version"))
        | Q(summary__fresh_until__isnull=True)
        | Q(summary__fresh_until__lte=now or timezone.now())
    )


def is_current(
    summary: PatientSummary | None, data_version: int, now: datetime | None = None
) -> bool:
    return (
        summary is not None
        and summary.data_version == data_version
        and summary.fresh_until is not None
        and summary.fresh_until > (now or timezone.now())
    )


@dataclass
class LadderState:
    """What every reader shows of the ladder: the summary, and the active flags (highest step
    first, information last), read once and only when asked for."""

    patient: Patient
    summary: PatientSummary
    _flags: list[Flag] | None = field(default=None, repr=False)

    @property
    def flags(self) -> list[Flag]:
        if self._flags is None:
            self._flags = list(
                Flag.objects.filter(patient=self.patient)
                .active()
                .order_by(F("step").desc(nulls_last=True), "code")
            )
        return self._flags

    @property
    def step(self) -> int | None:
        return self.summary.ladder_step

    @property
    def active_cramps(self) -> bool:
        return self.summary.active_cramps

    def as_json(self) -> dict[str, Any]:
        return {
            "ladder_step": self.step,
            "flags": [flag.as_json() for flag in self.flags],
            "active_cramps": self.active_cramps,
            "decision_support": DECISION_SUPPORT,  # English, as the stored flags
        }


def ladder_state(patient: Patient) -> LadderState:
    """The patient's ladder state, never older than their data. A patient read with
    select_related("summary") brings its summary from the same row read as its data_version:
    then a current state costs no query here; otherwise one."""
    if Patient.summary.is_cached(patient):
        summary = getattr(patient, "summary", None)
        if not is_current(summary, patient.data_version):
            summary = None
    else:
        summary = PatientSummary.objects.filter(
            patient=patient,
            data_version=F("patient__data_version"),
            fresh_until__gt=timezone.now(),
        ).first()
    if summary is None:
        summary = refresh_summary(patient, only_if_stale=True)
    return LadderState(patient=patient, summary=summary)


def ensure_fresh(patients: Iterable[Patient] | QuerySet[Patient]) -> int:
    """Bring the ladder state of these patients (a Patient queryset, or patients) up to their
    data; returns how many were stale. One query when all are current."""
    if isinstance(patients, QuerySet):
        behind = patients.filter(stale())
    else:
        ids = [p.pk for p in patients]
        if not ids:
            return 0
        behind = Patient.objects.filter(pk__in=ids).filter(stale())
    count = 0
    for patient in behind.order_by("pk"):
        refresh_summary(patient, only_if_stale=True)
        count += 1
    return count


def refresh_by_id(patient_id: int) -> int | None:
    """The task worker's entry: the data version the state is now current with."""
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None:  # deleted since the write
        return None
    return refresh_summary(patient, only_if_stale=True).data_version


def ladder_for(patient: Patient, at: datetime | None = None) -> LadderResult:
    """The ladder as of `at` (now): its windows end on the last night over by then."""
    from insights.data import load_patient_data, today_for

    thresholds = Thresholds.from_settings()
    today = today_for(patient, at)
    since = today - timedelta(days=thresholds.lookback_days)
    return evaluate(load_patient_data(patient, since=since, today=today), thresholds)


def refresh_summary(patient: Patient, *, only_if_stale: bool = False) -> PatientSummary:
    """Recompute the patient's summary and flags under a lock on the patient's row.
    `only_if_stale`: once the lock is held, leave a state that is current (another caller got
    there first) as it is."""
    with transaction.atomic():
        locked = (
            Patient.objects.select_for_update(no_key=True)
            .filter(pk=patient.pk)
            .values_list("data_version", flat=True)
            .first()
        )
        if locked is None:
            raise Patient.DoesNotExist
        patient.data_version = locked
        summary = PatientSummary.objects.filter(patient=patient).first()
        now = timezone.now()
        if only_if_stale and is_current(summary, locked, now):
            return summary
        # The English record (the module's docstring): never the language of this request.
        with translation.override("en"):
            result = ladder_for(patient, now)
        return _write(patient, result, summary, now)


def _write(
    patient: Patient, result: LadderResult, summary: PatientSummary | None, now: datetime
) -> PatientSummary:
    current = {f.code: f for f in result.flags}
    active = {f.code: f for f in Flag.objects.filter(patient=patient).active()}
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
            continue
        if any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            row.save(update_fields=[*fields, "updated_at"])
    values = {
        "ladder_step": result.step,
        "lead_migration": "possible_lead_migration" in current,
        "flag_codes": result.codes,
        "cramp_night_rate_14": result.cramp_night_rate,
        "active_cramps": result.active_cramps,
        "outcome_status": result.outcome_status,
        "outcome_rank": STATUS_RANK.get(result.outcome_status),
        "data_version": patient.data_version,
        "fresh_until": next_night_end(patient.tz, now),
    }
    if summary is None:
        summary = PatientSummary(patient=patient)
    moved_on = summary.fresh_until != values["fresh_until"]
    for name, value in values.items():
        setattr(summary, name, value)
    summary.save()  # computed_at is auto_now
    if moved_on:
        night_end_scheduled.send(Patient, patient_id=patient.pk, fresh_until=summary.fresh_until)
    return summary


@dataclass(frozen=True)
class FlagWords:
    """A flag as its reader reads it: title, explanation and evidence lines."""

    title: str
    explanation: str
    evidence: list[str]


def reader_reads_english() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0] == "en"


def flag_words(patient: Patient, flags: Iterable[Flag]) -> dict[int, FlagWords]:
    """Each stored flag's words in the active language, by the flag's id. The one rule for
    showing a flag on a page:

    - In English, the stored words themselves (the record, written under
      translation.override("en") by refresh_summary).
    - In any other language, the title from the flag's code (insights.ladder.FLAG_TITLES),
      and the explanation and evidence from the ladder evaluated afresh, in the reader's
      language, for the same data version and night the stored state is current for, matched
      by code. Those sentences hold names and figures (a medicine, a threshold that rose)
      that the stored evidence does not keep apart, so they are rebuilt, never translated
      from the stored English. Cached per patient, data version, night and language: the key
      names the language, so one reader's language is never served to another.
    - A flag the fresh evaluation does not raise (the night moved on in between) keeps its
      stored English explanation under its translated title.

    Callers pass flags of a current state (ladder_state, ensure_fresh)."""
    flags = list(flags)
    if reader_reads_english() or not flags:
        return {
            f.pk: FlagWords(f.title, f.explanation, evidence_in_words(f.evidence)) for f in flags
        }
    from insights.data import today_for

    key = patient.cache_key(
        "insights:flag-words", translation.get_language(), today_for(patient)
    )
    fresh = cache.get(key)
    if fresh is None:
        fresh = settled({
            f.code: (f.title, f.explanation, evidence_in_words(f.evidence.as_json()))
            for f in ladder_for(patient).flags
        })
        cache.set(key, fresh)
    words = {}
    for f in flags:
        if f.code in fresh:
            title, explanation, evidence = fresh[f.code]
            words[f.pk] = FlagWords(title, explanation, list(evidence))
        else:
            words[f.pk] = FlagWords(
                flag_title(f.code), f.explanation, evidence_in_words(f.evidence)
            )
    return words


def refresh_all(patients: Iterable[Patient] | None = None) -> int:
    """Rebuild every patient's summary and flags (or those of the given queryset/iterable),
    after data was bulk-loaded without the services. Returns how many were refreshed."""
    count = 0
    for patient in patients if patients is not None else Patient.objects.iterator(chunk_size=200):
        refresh_summary(patient)
        count += 1
    return count
