"""Background work of insights, on Django's task framework: the django-tasks backport (with
the django-tasks-db database backend) on Django 5.2, `django.tasks` from Django 6 on, the same
code either way. `manage.py db_worker` runs the queue (docs/deploy.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2
    from django_tasks import task


@task()
def refresh_ladder_state(patient_id: int) -> int | None:
    """Bring a patient's ladder state up to their data, unless a reader already has."""
    from insights.summary import refresh_by_id

    return refresh_by_id(patient_id)


def data_changed(sender: object, *, patient_id: int, **kwargs: Any) -> None:
    """Receives diary.signals.patient_data_changed inside the writing transaction and queues
    the refresh there: the database backend writes the task's row in the same transaction,
    so the worker sees it exactly when the write commits, and never for a write rolled back.
    The short delay lets a burst of writes (a cramp, then its details) find the state already
    refreshed by the first run. (A broker-backed backend would want transaction.on_commit.)"""
    job = refresh_ladder_state
    delay = settings.SUMMARY_REFRESH_DELAY
    if delay > 0 and job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + timedelta(seconds=delay))
    job.enqueue(patient_id)


def refresh_when_night_ends(
    sender: object, *, patient_id: int, fresh_until: datetime, **kwargs: Any
) -> None:
    """Receives insights.summary.night_end_scheduled and queues the patient's refresh for the
    moment their state goes stale by the calendar (a new night is over, so the ladder's windows
    move). Sent once per patient and night: writes on the same day leave fresh_until where it
    is. Only a backend that can run a task later gets it (the immediate one in tests has
    nothing to gain: readers refresh a stale state themselves)."""
    job = refresh_ladder_state
    if job.get_backend().supports_defer:
        job.using(run_after=fresh_until).enqueue(patient_id)
