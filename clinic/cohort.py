"""The cohort page in a constant number of queries, whatever the cohort's size.

Sorting and paginating read plain columns (the user, the summary kept by insights.summary)
and compute a per-patient subquery only when the chosen sort or filter needs it; the page's
25 rows then get their recent logging, device and current settings in one query by id.
SQLite computes every result column for every row before it sorts and cuts a page, so the
counts over all 1,000 patients stay out of the ordering query unless they are the sort.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinic.access import visible_patients
from diary.models import CrampEpisode, Night, Patient
from programming.models import PHASE_CHOICES, THERAPY_CHOICES, Device, SettingsRecord

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
    edges, and a shared window is what lets the counts be one query. Last night is the night
    dated yesterday: before noon it has just ended, after noon tonight has not."""
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    last = today - timedelta(days=1)
    return Window(first=last - timedelta(days=nights - 1), last=last)


def _count(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("patient").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# Sort keys a clinician can pick, each with the column it orders by and its natural direction.
SORTS: dict[str, list[Any]] = {
    "patient": [F("user__username").asc()],
    "therapy": [F("therapy").asc(nulls_last=True), F("phase").asc(), F("user__username").asc()],
    "last_night": [F("last_night").desc(nulls_last=True), F("user__username").asc()],
    "nights_logged": [F("nights_logged_14").desc(), F("user__username").asc()],
    "cramp_nights": [F("cramp_nights_14").desc(), F("user__username").asc()],
    "ladder": [F("summary__ladder_step").desc(nulls_last=True), F("user__username").asc()],
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
    }
    return {name: build[name]() for name in names}


DETAILS = ["therapy", "phase", "last_night", "nights_logged_14", "cramp_nights_14"]
# The annotations each sort orders by; the other sorts read plain columns only.
SORT_NEEDS = {
    "therapy": ["therapy", "phase"],
    "last_night": ["last_night"],
    "nights_logged": ["nights_logged_14"],
    "cramp_nights": ["cramp_nights_14"],
}


def cohort_queryset(
    user: Any, *, window: Window, therapy: str = "", phase: str = "", sort: str = "triage"
) -> QuerySet[Patient]:
    """The clinician's patients, filtered and in the chosen order, for the paginator."""
    sort = sort if sort in SORTS else "triage"
    needed = set(SORT_NEEDS.get(sort, []))
    if therapy:
        needed.add("therapy")
    if phase:
        needed.add("phase")
    patients = (
        visible_patients(user)
        .select_related("user", "summary")
        .annotate(**_recent(window, sorted(needed)))
    )
    if therapy:
        patients = patients.filter(therapy=therapy)
    if phase:
        patients = patients.filter(phase=phase)
    return patients.order_by(*SORTS[sort])


def attach_page_details(patients: list[Patient], window: Window) -> None:
    """The page's rows get their device, last night, 14-night counts and current settings
    (two queries, by id, whatever the cohort's size), and the ladder position (None until
    the patient has a summary)."""
    current_settings = (
        SettingsRecord.objects.filter(device__patient=OuterRef("pk"), correction__isnull=True)
        .order_by("-effective_at", "-id")
        .values("pk")[:1]
    )
    details = {
        row["pk"]: row
        for row in Patient.objects.filter(pk__in=[p.pk for p in patients])
        .annotate(**_recent(window, DETAILS), current_settings_id=Subquery(current_settings))
        .values("pk", "current_settings_id", *DETAILS)
    }
    records = SettingsRecord.objects.in_bulk(
        [d["current_settings_id"] for d in details.values() if d["current_settings_id"]]
    )
    for patient in patients:
        row = details[patient.pk]
        for name in DETAILS:
            setattr(patient, name, row[name])
        patient.current_settings = records.get(row["current_settings_id"])
        summary = getattr(patient, "summary", None)
        patient.ladder_step = summary.ladder_step if summary is not None else None
        patient.lead_migration = bool(summary and summary.lead_migration)
        patient.therapy_label = THERAPY_LABELS.get(patient.therapy, "")
        patient.phase_label = PHASE_LABELS.get(patient.phase, "")

