"""The cohort page in a constant number of queries, whatever the cohort's size.

Sorting and paginating read plain columns (the user, the summary kept by insights.summary)
and compute a per-patient subquery only when the chosen sort or filter needs it, and return
ids only; the page's 25 rows then get their recent logging, device, ladder position and
current settings in one hand-written query by id (page_rows).
SQLite computes every result column for every row before it sorts and cuts a page, so the
counts over all 1,000 patients stay out of the ordering query unless they are the sort.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from diary import words
from diary.access import visible_patients
from diary.models import CrampEpisode, Night, Patient, last_completed_night
from insights.ladder import step_label
from insights.models import Flag, FlagAcknowledgement, PatientSummary
from insights.outcomes import STATUS_SHORT
from programming.models import PHASE_CHOICES, THERAPY_CHOICES, Device, SettingsRecord
from programming.timeline import Settings

WINDOW_NIGHTS = 14
THERAPY_LABELS = dict(THERAPY_CHOICES)
PHASE_LABELS = dict(PHASE_CHOICES)


@dataclass(frozen=True)
class Window:
    first: date
    last: date


def recent_window(nights: int = WINDOW_NIGHTS) -> Window:
    """The last `nights` nights ending last night, on the clinic's calendar (settings.TIME_ZONE),
    one window for the whole cohort. Per patient zones would differ by at most a day at the
    edges, and a shared window is what lets the counts be one query. Last night is the one
    rule's (diary.models.last_completed_night): at 3 a.m. the night still going on is not it."""
    last = last_completed_night(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return Window(first=last - timedelta(days=nights - 1), last=last)


def _count(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("patient").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# Sort keys a clinician can pick, each with the column it orders by and its natural direction.
SORTS: dict[str, list[Any]] = {
    "patient": [F("user__username").asc()],
    "therapy": [F("therapy").asc(nulls_last=True), F("phase").asc(), F("user__username").asc()],
    "last_night": [F("last_night").desc(nulls_last=True), F("user__username").asc()],
    # The longest silence first: the earliest last logged night (never logged: last).
    "days_since_entry": [F("last_night").asc(nulls_last=True), F("user__username").asc()],
    "unacknowledged": [F("unacknowledged_flags").desc(), F("user__username").asc()],
    "nights_logged": [F("nights_logged_14").desc(), F("user__username").asc()],
    "cramp_nights": [F("cramp_nights_14").desc(), F("user__username").asc()],
    "ladder": [F("summary__ladder_step").desc(nulls_last=True), F("user__username").asc()],
    # The therapy's own outcome, the worst first (not a responder, then moderate, then
    # responders); patients with no judged outcome last.
    "outcome": [F("summary__outcome_rank").asc(nulls_last=True), F("user__username").asc()],
    # Triage: a possible lead migration first, then the highest ladder step, then the
    # patients cramping most, so the patients to call are at the top.
    "triage": [
        F("summary__lead_migration").desc(nulls_last=True),
        F("summary__ladder_step").desc(nulls_last=True),
        F("summary__cramp_night_rate_14").desc(nulls_last=True),
        F("user__username").asc(),
    ],
}


def _device() -> QuerySet[Device]:
    return Device.objects.filter(patient=OuterRef("pk")).order_by("-implanted_on", "-id")


def _unacknowledged() -> Coalesce:
    """The patient's active flags not acknowledged for the evidence they now rest on: the
    rule of insights.panel.active_flags_with_acknowledgement (no acknowledgement, or the
    latest one for another fingerprint), tested against it."""
    latest = FlagAcknowledgement.objects.filter(flag=OuterRef("pk")).order_by(
        "-acknowledged_at", "-id"
    ).values("fingerprint")[:1]
    alerting = (
        Flag.objects.filter(patient=OuterRef("pk"), resolved_at__isnull=True)
        .annotate(acknowledged_for=Coalesce(Subquery(latest), Value("")))
        .exclude(acknowledged_for=F("fingerprint"))
    )
    return _count(alerting)


def _recent(window: Window, names: Iterable[str]) -> dict[str, Any]:
    """The named per-patient subqueries (latest device's therapy and phase, last logged night,
    the window's counts), built only when asked for: each costs the ORM time to compile."""
    nights = Night.objects.filter(patient=OuterRef("pk"), deleted_at__isnull=True)
    in_window = nights.filter(date__gte=window.first, date__lte=window.last)
    has_cramp = CrampEpisode.objects.filter(night=OuterRef("pk"), deleted_at__isnull=True)
    build = {
        "therapy": lambda: Subquery(_device().values("therapy")[:1]),
        "phase": lambda: Subquery(_device().values("phase")[:1]),
        "last_night": lambda: Subquery(nights.order_by("-date").values("date")[:1]),
        "nights_logged_14": lambda: _count(in_window),
        "cramp_nights_14": lambda: _count(in_window.filter(Exists(has_cramp))),
        "unacknowledged_flags": _unacknowledged,
    }
    return {name: build[name]() for name in names}


# The annotations each sort orders by; the other sorts read plain columns only.
SORT_NEEDS = {
    "therapy": ["therapy", "phase"],
    "last_night": ["last_night"],
    "days_since_entry": ["last_night"],
    "unacknowledged": ["unacknowledged_flags"],
    "nights_logged": ["nights_logged_14"],
    "cramp_nights": ["cramp_nights_14"],
}


def cohort_queryset(
    user: Any, *, window: Window, therapy: str = "", phase: str = "", sort: str = "triage"
) -> QuerySet[Patient, int]:
    """The ids of the clinician's patients, filtered and in the chosen order, for the
    paginator: ids only, so that sorting the whole cohort carries no wide rows."""
    sort = sort if sort in SORTS else "triage"
    needed = set(SORT_NEEDS.get(sort, []))
    if therapy:
        needed.add("therapy")
    if phase:
        needed.add("phase")
    patients = visible_patients(user).annotate(**_recent(window, sorted(needed)))
    if therapy:
        patients = patients.filter(therapy=therapy)
    if phase:
        patients = patients.filter(phase=phase)
    return patients.order_by(*SORTS[sort]).values_list("pk", flat=True)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@dataclass
class CohortRow:
    """One patient's line on the cohort page."""

    pk: int
    username: str
    display_name: str
    therapy: str | None
    phase: str | None
    last_night: date | None
    nights_logged_14: int
    cramp_nights_14: int
    ladder_step: int | None  # None until the patient has a summary
    lead_migration: bool
    # Active flags not acknowledged for the evidence they now rest on.
    unacknowledged_flags: int = 0
    # Nights from the last logged night to last night: 0 when last night is logged.
    days_since_entry: int | None = None
    # A settings change made with the patient's own remote since the window's first night.
    remote_change: bool = False
    current_settings: Settings | None = None
    outcome_status: str = ""  # insights.outcomes.STATUS_LABELS' keys; "" with none logged
    settings_html: str = ""
    href: str = ""
    last_night_label: str = "—"

    @property
    def therapy_label(self) -> str:
        return THERAPY_LABELS.get(self.therapy or "", "")

    @property
    def step_label(self) -> str:
        return step_label(self.ladder_step) if self.ladder_step is not None else ""

    @property
    def outcome_label(self) -> str:
        return STATUS_SHORT.get(self.outcome_status, "")

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS.get(self.phase or "", "")


# The page's rows by patient id in one portable SQL query (SQLite and PostgreSQL): the ORM
# spends more time compiling the correlated subqueries and building related instances than
# the database spends running them. Soft-deleted nights and episodes are left out exactly as
# in _recent; the current settings record is the latest one no record corrects, over all the
# patient's devices.
ROWS_SQL = """
SELECT p.id, u.username, p.display_name,
  (SELECT d.therapy FROM {device} d WHERE d.patient_id = p.id
    ORDER BY d.implanted_on DESC, d.id DESC LIMIT 1),
  (SELECT d.phase FROM {device} d WHERE d.patient_id = p.id
    ORDER BY d.implanted_on DESC, d.id DESC LIMIT 1),
  (SELECT MAX(n.date) FROM {night} n WHERE n.patient_id = p.id AND n.deleted_at IS NULL),
  (SELECT COUNT(*) FROM {night} n WHERE n.patient_id = p.id AND n.deleted_at IS NULL
    AND n.date >= %s AND n.date <= %s),
  (SELECT COUNT(*) FROM {night} n WHERE n.patient_id = p.id AND n.deleted_at IS NULL
    AND n.date >= %s AND n.date <= %s
    AND EXISTS (SELECT 1 FROM {episode} e WHERE e.night_id = n.id AND e.deleted_at IS NULL)),
  s.ladder_step, s.lead_migration, s.outcome_status,
  (SELECT COUNT(*) FROM {flag} f WHERE f.patient_id = p.id AND f.resolved_at IS NULL
    AND COALESCE((SELECT a.fingerprint FROM {acknowledgement} a WHERE a.flag_id = f.id
      ORDER BY a.acknowledged_at DESC, a.id DESC LIMIT 1), '') <> f.fingerprint),
  EXISTS (SELECT 1 FROM {record} c INNER JOIN {device} d ON d.id = c.device_id
    WHERE d.patient_id = p.id AND c.source = %s AND c.effective_at >= %s
    AND NOT EXISTS (SELECT 1 FROM {record} k WHERE k.corrects_id = c.id)),
  r.id, r.effective_at, r.amplitude, r.amplitude_unit, r.pulse_width_us, r.frequency_hz,
  r.stimulation_on
FROM {patient} p
INNER JOIN {user} u ON u.id = p.user_id
LEFT OUTER JOIN {summary} s ON s.patient_id = p.id
LEFT OUTER JOIN {record} r ON r.id = (
  SELECT c.id FROM {record} c INNER JOIN {device} d ON d.id = c.device_id
  WHERE d.patient_id = p.id
  AND NOT EXISTS (SELECT 1 FROM {record} k WHERE k.corrects_id = c.id)
  ORDER BY c.effective_at DESC, c.id DESC LIMIT 1)
WHERE p.id IN ({ids})
"""


def _as_date(value: date | str | None) -> date | None:
    """SQLite hands MAX() over a date column back as its stored text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _settings(record: list[Any]) -> Settings:
    """The current settings record's columns as read by the raw query: SQLite hands back
    the datetime as text, the decimals as floats and the boolean as 0 or 1."""
    record_id, effective_at, amplitude, unit, pulse_width_us, frequency_hz, on = record
    if isinstance(effective_at, str):
        effective_at = datetime.fromisoformat(effective_at)
    if timezone.is_naive(effective_at):
        effective_at = timezone.make_aware(effective_at, UTC)
    return Settings(
        record_id=record_id, effective_at=effective_at, amplitude=float(amplitude),
        amplitude_unit=unit, pulse_width_us=pulse_width_us, frequency_hz=float(frequency_hz),
        stimulation_on=bool(on),
    )


def page_rows(ids: list[int], window: Window) -> list[CohortRow]:
    """The page's rows, in the order of `ids`, with their device, last night, 14-night counts,
    ladder position and current settings: one query whatever the cohort's size."""
    if not ids:
        return []
    sql = ROWS_SQL.format(
        patient=_table(Patient), user=_table(get_user_model()), summary=_table(PatientSummary),
        device=_table(Device), night=_table(Night), episode=_table(CrampEpisode),
        record=_table(SettingsRecord), flag=_table(Flag),
        acknowledgement=_table(FlagAcknowledgement), ids=", ".join(["%s"] * len(ids)),
    )
    first = connection.ops.adapt_datefield_value(window.first)
    last = connection.ops.adapt_datefield_value(window.last)
    # The window's first night begins at the night boundary of its date, on the clinic's clock.
    since = datetime.combine(
        window.first, time(settings.NIGHT_BOUNDARY_HOUR), zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )
    since_value = connection.ops.adapt_datetimefield_value(since)
    with connection.cursor() as cursor:
        cursor.execute(sql, [first, last, first, last, "patient_remote", since_value, *ids])
        found = {
            pk: CohortRow(
                pk=pk, username=username, display_name=display_name or "",
                therapy=therapy, phase=phase,
                last_night=_as_date(last_night), nights_logged_14=logged,
                cramp_nights_14=cramped, ladder_step=ladder_step,
                lead_migration=bool(lead_migration), unacknowledged_flags=unacknowledged,
                outcome_status=outcome_status or "",
                remote_change=bool(remote_change),
                current_settings=_settings(record) if record[0] is not None else None,
            )
            for (
                pk, username, display_name, therapy, phase, last_night, logged, cramped,
                ladder_step, lead_migration, outcome_status, unacknowledged, remote_change,
                *record,
            ) in cursor.fetchall()
        }
    rows = [found[pk] for pk in ids if pk in found]
    labels: dict[date, str] = {}  # most rows share last night's date: format each date once
    for row in rows:
        if row.last_night is not None:
            if row.last_night not in labels:
                labels[row.last_night] = words.day(row.last_night, "D j M")
            row.last_night_label = labels[row.last_night]
            row.days_since_entry = max((window.last - row.last_night).days, 0)
    return rows
