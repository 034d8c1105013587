"""CSV reports: episodes, nights, settings and (for a cohort) flags, streamed row by row.

The column order is a contract, documented in docs/csv.md. The row loops read raw database
values through a chunked cursor (no model instances, no per-row queries): each patient's
settings timeline is loaded once up front and rows are looked up in it, which keeps a
million-row export close to the speed of the database itself and its memory flat.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from diary.models import CrampEpisode, DailyOutcome, Night, Patient, outcome_kind
from diary.validators import local_moment
from programming.models import Device, SettingsRecord
from programming.services import settings_from_record
from programming.timeline import Settings, Timeline

FETCH_ROWS = 1000  # rows fetched from the database at a time
CHUNK_ROWS = 500  # rows per chunk of the response
PATIENT_KINDS = ("episodes", "nights", "settings", "outcomes")
COHORT_KINDS = (*PATIENT_KINDS, "flags")

SETTINGS_COLUMNS = [
    "amplitude", "amplitude_unit", "pulse_width_us", "frequency_hz", "stimulation_on",
    "electrode_configuration", "settings_effective_at",
]
CONFOUNDER_COLUMNS = [
    "therapy_benefit", "sleep_quality", "fluids", "activity", "alcohol", "lumbar_support",
]
COLUMNS: dict[str, list[str]] = {
    "episodes": [
        "patient", "night_date", "started_at", "duration_min", "severity", "side", "site",
        "woke_from_sleep", "stimulation_felt", "new_movement", "relieved_by", "notes",
        *SETTINGS_COLUMNS, *CONFOUNDER_COLUMNS,
    ],
    "nights": [
        "patient", "date", "timezone", "cramp_count", *CONFOUNDER_COLUMNS, "checked_in_at",
        "notes", *SETTINGS_COLUMNS,
        # The cramp burden of the night (insights.burden), appended in issue 23.
        "cramp_minutes", "worst_severity", "woke_from_sleep", "sleep_disturbance",
    ],
    "settings": [
        "patient", "record_id", "effective_at", "amplitude", "amplitude_unit", "pulse_width_us",
        "frequency_hz", "stimulation_on", "electrode_configuration", "reason", "source", "note",
        "therapy", "phase", "lead_site", "corrects_record_id", "replaced_by_correction",
    ],
    # The therapy's own outcome by the day (issue 24, diary.models.DailyOutcome).
    "outcomes": [
        "patient", "date", "therapy", "outcome_kind", "voids", "leaks", "urgency_episodes",
        "pads", "bowel_incontinence_episodes", "bowel_urgency", "pain_worst", "pain_average",
        "pgic", *SETTINGS_COLUMNS,
    ],
    "flags": [
        "patient", "ladder_step", "lead_migration", "active_flags", "cramp_night_rate_14",
        "nights_logged", "cramp_nights", "cramp_night_rate", "summary_computed_at",
    ],
}

# OWASP ASVS 1.2.10: a cell a spreadsheet would read as a formula gets a leading apostrophe.
# defusedcsv leaves out tab, carriage return and NUL; they are here.
FORMULA_STARTS = frozenset("=+-@\t\r\0")
BOOLEAN = {True: "true", False: "false", None: ""}


def safe_text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value[0] in FORMULA_STARTS else value


def number(value: Any) -> int | float | None:
    """2.00 -> 2, 2.50 -> 2.5, 0 -> 0 (never empty); None stays missing."""
    if value is None:
        return None
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


def as_utc(value: str | datetime) -> datetime:
    # SQLite's stored text (see stored_text) is "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC;
    # PostgreSQL hands back an aware datetime.
    if isinstance(value, str):
        return datetime.fromisoformat(value + "+00:00")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def stored_text(field: str) -> Any:
    """A date or time column as SQLite stores it, as text: the row loop parses it once (and a
    date is printed as it is), where Django's converters would parse every value in Python
    first and the loop would then replace its time zone, twice the work over a million rows.
    PostgreSQL's driver hands back its own types, parsed in C."""
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        return Cast(field, TextField())
    return field


def as_date(value: str | date) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class DateRange:
    start: date | None = None
    end: date | None = None

    def label(self) -> str:
        first = self.start.isoformat() if self.start else "start"
        last = self.end.isoformat() if self.end else "latest"
        return f"{first}-to-{last}"

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def filename(subject: str, kind: str, dates: DateRange) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", subject)
    return f"stimdiary-{cleaned}-{kind}-{dates.label()}.csv"


# --- loading what every row needs, once ------------------------------------------------------


def patient_zones(patient_ids: Sequence[int]) -> dict[int, str]:
    return dict(Patient.objects.filter(pk__in=patient_ids).values_list("pk", "timezone"))


def timelines_for(patient_ids: Sequence[int]) -> dict[int, Timeline]:
    """Each patient's corrected settings timeline, all in one query."""
    records = (
        SettingsRecord.objects.filter(device__patient_id__in=patient_ids)
        .current()
        .timeline_order()
        .select_related("device")
    )
    grouped: dict[int, list[Settings]] = {pid: [] for pid in patient_ids}
    for record in records:
        grouped[record.device.patient_id].append(settings_from_record(record))
    return {pid: Timeline(items) for pid, items in grouped.items()}


class SettingsCells:
    """The settings columns of a row, formatted once per settings record and zone."""

    EMPTY: tuple[Any, ...] = ("",) * len(SETTINGS_COLUMNS)

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], tuple[Any, ...]] = {}

    def __call__(self, settings: Settings | None, zone_name: str) -> tuple[Any, ...]:
        if settings is None:
            return self.EMPTY
        key = (id(settings), zone_name)
        cells = self._cache.get(key)
        if cells is None:
            cells = (
                number(settings.amplitude), settings.amplitude_unit, settings.pulse_width_us,
                number(settings.frequency_hz), BOOLEAN[settings.stimulation_on],
                safe_text(settings.electrode_configuration),
                local_moment(settings.effective_at, ZoneInfo(zone_name)).isoformat(),
            )
            self._cache[key] = cells
        return cells


def raw_rows(queryset: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a values_list queryset as the database returns them (no converters),
    through a chunked cursor: server-side on PostgreSQL, so memory stays flat."""
    sql, params = queryset.query.sql_with_params()
    connection = connections[queryset.db]
    connection.ensure_connection()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield from batch


def rows_to_csv(header: list[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """UTF-8 CSV in chunks of CHUNK_ROWS rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending == CHUNK_ROWS:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode()


# --- the reports ------------------------------------------------------------------------------


def episode_rows(patient_ids: Sequence[int], dates: DateRange) -> Iterator[tuple[Any, ...]]:
    timelines = timelines_for(patient_ids)
    zones = patient_zones(patient_ids)
    queryset = (
        CrampEpisode.objects.filter(night__patient_id__in=patient_ids)
        .alive()
        .filter(**night_date_filter("night__date", dates))
        .order_by("night__patient__user__username", "started_at", "id")
        .values_list(
            "night__patient_id", "night__patient__user__username", stored_text("night__date"),
            stored_text("started_at"), "duration_min", "severity", "side", "site",
            "woke_from_sleep",
            "stimulation_felt", "new_movement", "relieved_by", "notes",
            "night__therapy_benefit", "night__sleep_quality", "night__fluids", "night__activity",
            "night__alcohol", "night__lumbar_support", "night__timezone",
        )
    )
    settings_cells = SettingsCells()
    relief_cache: dict[Any, str] = {}
    zone_cache: dict[str, ZoneInfo] = {}
    current_patient = None
    timeline = Timeline([])
    name = ""
    patient_zone = ""
    # The settings cells hold from `start` until `end`: a patient's rows come in time order,
    # so the timeline is searched again only when a row leaves that stretch.
    cells: tuple[Any, ...] = ()
    start = end = None
    for (
        pid, username, night_date, started_at, duration, severity, side, site, woke, felt,
        movement, relieved, notes, benefit, sleep, fluids, activity, alcohol, lumbar, night_tz,
    ) in raw_rows(queryset):
        if pid != current_patient:
            current_patient = pid
            timeline = timelines[pid]
            name = safe_text(username)
            patient_zone = zones[pid]
            start = end = None
            cells = ()
        zone = zone_cache.get(night_tz) or zone_cache.setdefault(night_tz, ZoneInfo(night_tz))
        moment = as_utc(started_at)
        if not cells or (start is not None and moment < start) or (
            end is not None and moment >= end
        ):
            settings, start, end = timeline.span(moment)
            cells = settings_cells(settings, patient_zone)
        relief = relief_cache.get(relieved)
        if relief is None:
            relief = relief_cache.setdefault(relieved, relief_text(relieved))
        yield (
            name, str(night_date), local_moment(moment, zone).isoformat(), duration, severity,
            side, site, BOOLEAN[woke], felt, movement, relief, safe_text(notes),
            *cells, benefit, sleep, fluids, activity, BOOLEAN[alcohol], BOOLEAN[lumbar],
        )


def relief_text(raw: Any) -> str:
    items = json.loads(raw) if isinstance(raw, str | bytes) else (raw or [])
    return safe_text(";".join(str(item) for item in items))


# Whether a night's cramps woke the patient, as one number per night: the highest of 2 (one
# did), 1 (not answered), 0 (it did not). insights.burden.night_woken reads it back.
WOKE_CODE = Case(
    When(woke_from_sleep=True, then=Value(2)),
    When(woke_from_sleep__isnull=True, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)
WOKE_FROM_CODE = {None: False, 0: False, 1: None, 2: True}


def night_burden_subqueries() -> dict[str, Subquery]:
    """The per-night rules of insights.burden (night_minutes, night_worst_severity,
    night_woken) in SQL, one correlated subquery each, so the row loop stays a cursor over
    raw values (tests/exchange/test_csv_burden.py checks them against the functions)."""
    live = (
        CrampEpisode.objects.filter(night=OuterRef("pk"), deleted_at__isnull=True)
        .order_by()
        .values("night")
    )
    minutes = live.annotate(
        n=Count("id"), known=Count("duration_min"), total=Sum("duration_min")
    ).annotate(
        minutes=Case(When(n=F("known"), then=F("total")), default=None,
                     output_field=IntegerField())
    ).values("minutes")
    return {
        "cramp_count": Coalesce(
            Subquery(live.annotate(n=Count("id")).values("n"), output_field=IntegerField()), 0
        ),
        "cramp_minutes": Subquery(minutes, output_field=IntegerField()),
        "worst_severity": Subquery(
            live.annotate(worst=Max("severity")).values("worst"), output_field=IntegerField()
        ),
        "woke_code": Subquery(
            live.annotate(code=Max(WOKE_CODE)).values("code"), output_field=IntegerField()
        ),
    }


def night_rows(patient_ids: Sequence[int], dates: DateRange) -> Iterator[tuple[Any, ...]]:
    timelines = timelines_for(patient_ids)
    zones = patient_zones(patient_ids)
    queryset = (
        Night.objects.filter(patient_id__in=patient_ids)
        .alive()
        .filter(**night_date_filter("date", dates))
        .annotate(**night_burden_subqueries())
        .order_by("patient__user__username", "date")
        .values_list(
            "patient_id", "patient__user__username", "date", "timezone", "therapy_benefit",
            "sleep_quality", "fluids", "activity", "alcohol", "lumbar_support", "checked_in_at",
            "notes", "sleep_disturbance",
            # annotations: the database puts them last, in this order
            "cramp_count", "cramp_minutes", "worst_severity", "woke_code",
        )
    )
    settings_cells = SettingsCells()
    zone_cache: dict[str, ZoneInfo] = {}
    for (
        pid, username, night_date, night_tz, benefit, sleep, fluids, activity, alcohol, lumbar,
        checked_in_at, notes, disturbance, cramp_count, minutes, worst, woke_code,
    ) in raw_rows(queryset):
        zone = zone_cache.get(night_tz) or zone_cache.setdefault(night_tz, ZoneInfo(night_tz))
        day = as_date(night_date)
        settings = timelines[pid].for_night(day, zone)
        checked = local_moment(as_utc(checked_in_at), zone).isoformat() if checked_in_at else ""
        yield (
            safe_text(username), day.isoformat(), night_tz, cramp_count, benefit, sleep, fluids,
            activity, BOOLEAN[alcohol], BOOLEAN[lumbar], checked, safe_text(notes),
            *settings_cells(settings, zones[pid]),
            # A cramp-free night's cramps lasted 0 minutes; a cramp without a duration leaves
            # the night's total unknown (the subquery's NULL).
            0 if not cramp_count else minutes, worst, BOOLEAN[WOKE_FROM_CODE.get(woke_code)],
            disturbance,
        )


def settings_rows(patient_ids: Sequence[int], dates: DateRange) -> Iterator[tuple[Any, ...]]:
    """Every settings record, corrected ones included (marked), in timeline order. The range
    keeps records that took effect within it, by the patient's local date."""
    zones = patient_zones(patient_ids)
    queryset = (
        SettingsRecord.objects.filter(device__patient_id__in=patient_ids)
        .annotate(replaced=Count("correction"))
        .order_by("device__patient__user__username", "effective_at", "id")
        .values_list(
            "device__patient_id", "device__patient__user__username", "id", "effective_at",
            "amplitude", "amplitude_unit", "pulse_width_us", "frequency_hz", "stimulation_on",
            "electrode_configuration", "reason", "source", "note", "device__therapy",
            "device__phase", "device__lead_site", "corrects_id", "replaced",
        )
    )
    for (
        pid, username, record_id, effective_at, amplitude, unit, pulse_width, frequency, on,
        electrodes, reason, source, note, therapy, phase, lead_site, corrects_id, replaced,
    ) in raw_rows(queryset):
        local = local_moment(as_utc(effective_at), ZoneInfo(zones[pid]))
        if not dates.contains(local.date()):
            continue
        yield (
            safe_text(username), record_id, local.isoformat(), number(amplitude), unit,
            pulse_width, number(frequency), BOOLEAN[bool(on)], safe_text(electrodes), reason,
            source, safe_text(note), therapy, phase, safe_text(lead_site), corrects_id,
            BOOLEAN[bool(replaced)],
        )


def outcome_rows(patient_ids: Sequence[int], dates: DateRange) -> Iterator[tuple[Any, ...]]:
    """One row per logged day, with the settings in effect on the night that began that
    evening (the day is read under them, as insights.outcomes reads it)."""
    zones = patient_zones(patient_ids)
    timelines = timelines_for(patient_ids)
    settings_cells = SettingsCells()
    indications = dict(
        Patient.objects.filter(pk__in=patient_ids).values_list("pk", "sacral_indication")
    )
    devices: dict[int, str] = {}
    for pid, therapy in (
        Device.objects.filter(patient_id__in=patient_ids)
        .order_by("patient_id", "implanted_on", "id")
        .values_list("patient_id", "therapy")
    ):
        devices[pid] = therapy  # the latest implant wins
    queryset = (
        DailyOutcome.objects.filter(patient_id__in=patient_ids, **night_date_filter("date", dates))
        .order_by("patient__user__username", "date")
        .values_list("patient_id", "patient__user__username", "date", *OUTCOME_VALUE_COLUMNS)
    )
    for pid, username, day, *values in raw_rows(queryset):
        day = as_date(day)
        zone = ZoneInfo(zones[pid])
        therapy = devices.get(pid, "")
        yield (
            safe_text(username), day.isoformat(), therapy,
            outcome_kind(therapy, indications.get(pid, "bladder")) or "",
            *values, *settings_cells(timelines[pid].for_night(day, zone), zones[pid]),
        )


OUTCOME_VALUE_COLUMNS = (
    "voids", "leaks", "urgency_episodes", "pads", "bowel_incontinence_episodes",
    "bowel_urgency", "pain_worst", "pain_average", "pgic",
)


def flag_rows(patient_ids: Sequence[int], dates: DateRange) -> Iterator[tuple[Any, ...]]:
    """One row per patient: the ladder position and active flags from the patient's summary
    (brought up to the patient's data first: insights.summary), and the cramp-night rate over
    the date range."""
    from insights.models import PatientSummary
    from insights.summary import ensure_fresh

    ensure_fresh(Patient.objects.filter(pk__in=patient_ids))

    in_range = {f"nights__{k}": v for k, v in night_date_filter("date", dates).items()}
    alive = Q(nights__deleted_at__isnull=True, **in_range)
    with_cramps = alive & Q(
        nights__episodes__isnull=False, nights__episodes__deleted_at__isnull=True
    )
    patients = (
        Patient.objects.filter(pk__in=patient_ids)
        .annotate(
            nights_logged=Count("nights", filter=alive, distinct=True),
            cramp_nights=Count("nights", filter=with_cramps, distinct=True),
        )
        .order_by("user__username")
        .values_list("pk", "user__username", "nights_logged", "cramp_nights")
    )
    summaries = {s.patient_id: s for s in PatientSummary.objects.filter(patient_id__in=patient_ids)}
    for pid, username, logged, cramp_nights in patients:
        summary = summaries.get(pid)
        rate = round(cramp_nights / logged, 4) if logged else None
        if summary is None:
            yield (safe_text(username), None, "", "", None, logged, cramp_nights, rate, "")
            continue
        yield (
            safe_text(username), summary.ladder_step, BOOLEAN[summary.lead_migration],
            safe_text(";".join(summary.flag_codes or [])),
            None if summary.cramp_night_rate_14 is None else round(summary.cramp_night_rate_14, 4),
            logged, cramp_nights, rate,
            summary.computed_at.astimezone(UTC).isoformat() if summary.computed_at else "",
        )


def night_date_filter(path: str, dates: DateRange) -> dict[str, date]:
    lookups: dict[str, date] = {}
    if dates.start:
        lookups[f"{path}__gte"] = dates.start
    if dates.end:
        lookups[f"{path}__lte"] = dates.end
    return lookups


ROWS = {
    "episodes": episode_rows,
    "nights": night_rows,
    "settings": settings_rows,
    "outcomes": outcome_rows,
    "flags": flag_rows,
}


def csv_chunks(kind: str, patient_ids: Sequence[int], dates: DateRange) -> Iterator[bytes]:
    """The bytes of one report, for the views and the export_csv command alike."""
    return rows_to_csv(COLUMNS[kind], ROWS[kind](list(patient_ids), dates))

