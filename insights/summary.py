"""Per-patient summaries and flags, kept current as the patient's data changes.

Every write to a patient's data ends in diary.services.patient_data_changed, which bumps the
patient's data_version and announces it (diary.signals); data_changed() below listens. A
summary whose data_version differs from its patient's is stale.

How the refresh runs is the setting SUMMARY_REFRESH:
- "background" (the default): once the write commits, the patient is queued for a worker
  thread in the same process, which recomputes the summary and flags SUMMARY_REFRESH_DELAY
  seconds (2) after the patient's last write, so a burst (a cramp, its details, another cramp)
  makes one refresh. The patient logging a cramp at 3 a.m. does not wait for the ladder
  (issue 9: a cramp POST costs at most 3x a bare page).
- "inline": the refresh runs inside the writer's transaction (the tests use this, so a test
  reads the summary its own write produced).
Whatever the mode, readers never show a stale summary: ensure_fresh() (called by the cohort
and patient pages) recomputes any stale summary it is asked about, which also covers a worker
that died with refreshes queued. The ladder reads only the last LADDER_LOOKBACK_DAYS of nights
plus the settings and medication history, so a refresh costs the same after five years.

For bulk-loaded data (generate_synthetic, imports) that bypass the services, call
refresh_all() (or refresh_summary(patient) per patient) once the rows are in.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from insights.ladder import LadderResult, Thresholds, evaluate

if TYPE_CHECKING:
    from diary.models import Patient

logger = logging.getLogger(__name__)


class _Refresher:
    """One worker thread per process that refreshes summaries a short delay after the last
    write for each patient: a cramp, its details and a second cramp make one refresh."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.due: dict[int, float] = {}
        self.busy = False
        self.thread: threading.Thread | None = None

    def enqueue(self, patient_id: int, delay: float) -> None:
        with self.cond:
            self.due[patient_id] = time.monotonic() + delay
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name="summary-refresh", daemon=True)
                self.thread.start()
            self.cond.notify_all()

    def run(self) -> None:
        while True:
            with self.cond:
                while True:
                    if not self.due:
                        self.cond.wait()
                        continue
                    patient_id, when = min(self.due.items(), key=lambda item: item[1])
                    wait = when - time.monotonic()
                    if wait <= 0:
                        del self.due[patient_id]
                        self.busy = True
                        break
                    self.cond.wait(wait)
            try:
                _refresh_by_id(patient_id)
            finally:
                with self.cond:
                    self.busy = False
                    self.cond.notify_all()

    def flush(self, timeout: float | None = 30) -> None:
        """Run everything queued now and wait until it is done."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.cond:
            if self.thread is None or not self.thread.is_alive():
                return
            now = time.monotonic()
            self.due = {pid: now for pid in self.due}
            self.cond.notify_all()
            while self.due or self.busy:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return
                self.cond.wait(left)


_refresher = _Refresher()


def _refresh_by_id(patient_id: int) -> None:
    from diary.models import Patient

    try:
        patient = Patient.objects.filter(pk=patient_id).first()
        if patient is not None:
            refresh_summary(patient)
    except Exception:
        # The id is enough to find it, never the diary's contents; readers refresh it anyway.
        logger.exception("Background summary refresh failed for patient id %s", patient_id)
    finally:
        close_old_connections()


def data_changed(sender: object, *, patient_id: int, **kwargs: object) -> None:
    """Receives diary.signals.patient_data_changed, sent inside every write's transaction."""
    if getattr(settings, "SUMMARY_REFRESH", "background") == "inline":
        from diary.models import Patient

        refresh_summary(Patient.objects.get(pk=patient_id))
        return
    delay = float(getattr(settings, "SUMMARY_REFRESH_DELAY", 2.0))
    transaction.on_commit(lambda: _refresher.enqueue(patient_id, delay))


def wait_for_refreshes(timeout: float | None = 30) -> None:
    """Run queued background refreshes now and wait for them (benchmarks, exiting commands)."""
    _refresher.flush(timeout)


# A command or server that exits leaves no refresh behind.
atexit.register(wait_for_refreshes)


STALE = Q(summary__isnull=True) | ~Q(summary__data_version=F("data_version"))
"""A Patient filter: the summary is missing or older than the patient's data."""


def ensure_fresh(patients: Iterable[Patient]) -> int:
    """Recompute the summaries of these patients (a Patient queryset, or patients) that are
    missing or stale; returns how many. One query when all are fresh."""
    from django.db.models import QuerySet

    from diary.models import Patient

    if isinstance(patients, QuerySet):
        stale = patients.filter(STALE)
    else:
        ids = [p.pk for p in patients]
        if not ids:
            return 0
        stale = Patient.objects.filter(pk__in=ids).filter(STALE)
    count = 0
    for patient in stale:
        refresh_summary(patient)
        count += 1
    return count


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
        for f in Flag.objects.filter(patient=patient).active()
    }
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
