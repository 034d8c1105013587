"""The one loader from the database to insights.analysis' plain data: seven queries, whatever
the number of nights (nights, episodes, settings timeline, medications, device, planned
trials, programming visits, daily outcomes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.utils import translation

from diary.medicines import kind_unknown
from diary.models import CrampEpisode, DailyOutcome, Medication, Night, Patient, outcome_kind
from diary.validators import earliest_date, readable_date, readable_moment
from insights.analysis import (
    ANALYSIS_SCHEMA,
    Analysis,
    Episode,
    MedicationRecord,
    NightRecord,
    PatientData,
    PlannedTrial,
    VisitRecord,
    VisitRow,
    analyse,
)
from insights.outcomes import FIELDS as OUTCOME_FIELDS
from insights.outcomes import OutcomeDay
from insights.thresholds import Thresholds
from programming.models import Device, VisitConfiguration
from programming.models import PlannedTrial as PlannedTrialRow
from programming.services import timeline_for
from programming.timeline import Timeline

CONFOUNDERS = ("sleep_quality", "fluids", "activity", "alcohol", "lumbar_support")


def today_for(patient: Patient, at: datetime | None = None) -> date:
    """The analysis's "today" (now, or at `at`): the night after the last one that is over
    (diary.models.last_completed_night, the one rule for "last night")."""
    return patient.last_completed_night(at) + timedelta(days=1)


def load_patient_data(
    patient: Patient, *, since: date | None = None, today: date | None = None
) -> PatientData:
    """A patient's diary as plain data; `since` bounds the nights read (the ladder needs only
    a recent window; the settings history and medications are always read whole).

    Only nights within the diary's bounds are analysed (diary.validators): a night stored
    before the bounds existed, dated in the year 1 or 9999, stays in the diary and its
    exports but is not a night of the analysis, and stored times are read within the
    bounds, so no old value can overflow a date calculation."""
    today = today or today_for(patient)
    first = max(since, earliest_date()) if since else earliest_date()
    nights_qs = Night.objects.for_patient(patient).between(first, today).order_by("date")
    rows = list(
        nights_qs.values_list(
            "id", "date", "timezone", "therapy_benefit", *CONFOUNDERS, "sleep_disturbance"
        )
    )
    episodes_qs = CrampEpisode.objects.for_patient(patient).order_by("started_at", "id")
    episodes_qs = episodes_qs.filter(night__date__gte=first, night__date__lte=today)
    by_night: dict[int, list[Episode]] = {}
    for (
        night_id, started_at, severity, felt, movement, relieved, duration, woke
    ) in episodes_qs.values_list(
        "night_id", "started_at", "severity", "stimulation_felt", "new_movement", "relieved_by",
        "duration_min", "woke_from_sleep",
    ):
        by_night.setdefault(night_id, []).append(
            Episode(
                readable_moment(started_at), severity, felt, movement, tuple(relieved or ()),
                duration_min=duration, woke_from_sleep=woke,
            )
        )
    nights = [
        NightRecord(
            date=row[1],
            timezone=row[2],
            episodes=tuple(by_night.get(row[0], ())),
            therapy_benefit=row[3],
            sleep_disturbance=row[-1],
            confounders=dict(zip(CONFOUNDERS, row[4:-1], strict=True)),
        )
        for row in rows
    ]
    medications = [
        MedicationRecord(
            name, category, readable_date(started_on), stopped_on and readable_date(stopped_on),
            kind_unknown=kind_unknown(category, kind_confirmed),
        )
        for name, category, started_on, stopped_on, kind_confirmed
        in Medication.objects.for_patient(patient)
        .order_by("started_on")
        .values_list("name", "category", "started_on", "stopped_on", "kind_confirmed")
    ]
    device = (
        Device.objects.filter(patient=patient)
        .order_by("-implanted_on", "-id")
        .values("phase", "therapy", "implanted_on")
        .first()
    ) or {"phase": "permanent", "therapy": "other", "implanted_on": None}
    kind = outcome_kind(device["therapy"], patient.sacral_indication)
    # Read whole, whatever `since`: every period is judged against the baseline, which may be
    # the days before the implant, years back.
    outcomes = [
        OutcomeDay(day, *values)
        for day, *values in DailyOutcome.objects.for_patient(patient)
        .filter(date__gte=earliest_date(), date__lte=today)
        .order_by("date")
        .values_list("date", *OUTCOME_FIELDS, "pgic")
    ] if kind else []
    trials = [
        PlannedTrial(parameter, first_night, last_night, order_randomised)
        for parameter, first_night, last_night, order_randomised
        in PlannedTrialRow.objects.for_patient(patient)
        .order_by("first_night", "id")
        .values_list("parameter", "first_night", "last_night", "order_randomised")
    ]
    return PatientData(
        nights=nights,
        timeline=Timeline(
            replace(s, effective_at=readable_moment(s.effective_at))
            for s in timeline_for(patient).records
        ),
        today=today,
        timezone=patient.timezone,
        medications=medications,
        phase=device["phase"],
        therapy=device["therapy"],
        joined=patient.joined_night(),
        trials=trials,
        visits=load_visits(patient),
        outcome_kind=kind,
        outcomes=outcomes,
        implanted_on=device["implanted_on"] and readable_date(device["implanted_on"]),
    )


def load_visits(patient: Patient) -> list[VisitRecord]:
    """The patient's programming visits with their rows, in one query, on the patient's
    wall-clock dates; in visit order."""
    visits: dict[int, tuple[date, int, list[VisitRow]]] = {}
    rows = (
        VisitConfiguration.objects.filter(visit__device__patient=patient)
        .order_by("visit__visited_at", "visit_id", "position", "id")
        .values_list(
            "visit_id", "visit__visited_at", "visit__device_id", "electrodes", "amplitude_unit",
            "sensory_threshold", "motor_threshold", "responses", "pulse_width_us",
        )
    )
    zone = patient.tz
    for (
        visit_id, visited_at, device_id, electrodes, unit, sensory, motor, responses, width,
    ) in rows:
        _, _, found = visits.setdefault(
            visit_id,
            (readable_moment(visited_at).astimezone(zone).date(), device_id, []),
        )
        found.append(VisitRow(
            electrodes=electrodes,
            unit=unit,
            sensory_threshold=float(sensory) if sensory is not None else None,
            motor_threshold=float(motor) if motor is not None else None,
            responses=tuple(responses or ()),
            pulse_width_us=width,
        ))
    return [
        VisitRecord(visited_on=day, rows=tuple(found), device_id=device_id)
        for day, device_id, found in visits.values()
    ]


def analysis_cache_key(patient: Patient) -> str:
    # The Analysis holds sentences (the association's headline and caution) written in the
    # language active when it was computed: the key names the language, so a reader never
    # gets another reader's language.
    return patient.cache_key(
        "insights:analysis", ANALYSIS_SCHEMA, today_for(patient), translation.get_language()
    )


def cached_analysis(patient: Patient) -> Analysis:
    """The full analysis, computed once per data version and language (and per night, as
    'today' moves the elapsed-night counts)."""
    key = analysis_cache_key(patient)
    result = cache.get(key)
    if result is None:
        result = analyse(load_patient_data(patient), Thresholds.from_settings())
        cache.set(key, result)
    return result
