"""The FHIR R4 export: one patient's diary, settings history, medications and active flags as
one Bundle of type collection, validated with fhir.resources' R4B models.

The mapping and every code system are written down in docs/fhir.md. `fhir_source` reads what
the clinician may see in a fixed number of queries; the `*_resource` functions are pure (model
instances in, plain dicts out, no queries) and `fhir_bundle` puts them together and validates
the whole bundle once, so a five-year diary exports in seconds.
"""

from __future__ import annotations

import contextlib
import html
import json
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db.models import Count, Prefetch
from django.utils import timezone, translation
from fhir.resources.R4B.bundle import Bundle

from diary.models import (
    LEVEL_CHOICES,
    MEDICATION_CATEGORY_CHOICES,
    NEW_MOVEMENT_CHOICES,
    RELIEF_CHOICES,
    SITE_CHOICES,
    STIMULATION_FELT_CHOICES,
    CrampEpisode,
    DailyOutcome,
    Medication,
    Night,
    Patient,
)
from exchange.csv_reports import DateRange
from exchange.csv_reports import filename as csv_filename
from insights.burden import night_minutes, night_woken, night_worst_severity
from insights.evidence import evidence_in_words
from insights.ladder import DECISION_SUPPORT
from insights.models import Flag
from insights.summary import ensure_fresh
from programming.models import (
    COMFORT_CHOICES,
    PHASE_CHOICES,
    REASON_CHOICES,
    SOURCE_CHOICES,
    THERAPY_CHOICES,
    Device,
    ProgrammingVisit,
    SettingsRecord,
    VisitConfiguration,
    response_choices_for,
)
from programming.services import settings_from_record
from programming.timeline import Timeline

# --- code systems and extensions (docs/fhir.md says why each one) -----------------------------

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
MEDICAL_RECORD_NUMBER = (IDENTIFIER_TYPE, "MR", "Medical record number")

BASE = "https://stimdiary.org/fhir"
CS = f"{BASE}/CodeSystem"
EXT = f"{BASE}/StructureDefinition"
CS_OBSERVATION = f"{CS}/observation"
CS_SYMPTOM = f"{CS}/symptom"
CS_THERAPY = f"{CS}/therapy"
CS_DEVICE_PROPERTY = f"{CS}/device-property"
CS_PHASE = f"{CS}/device-phase"
CS_SOURCE = f"{CS}/settings-source"
CS_REASON = f"{CS}/settings-change-reason"
CS_SITE = f"{CS}/cramp-site"
CS_FELT = f"{CS}/stimulation-felt"
CS_MOVEMENT = f"{CS}/new-movement"
CS_RELIEF = f"{CS}/relief"
CS_LEVEL = f"{CS}/intake-level"
CS_MEDICATION_CATEGORY = f"{CS}/medication-category"
CS_LADDER_FLAG = f"{CS}/ladder-flag"
CS_PROCEDURE = f"{CS}/procedure"
CS_MOTOR_RESPONSE = f"{CS}/motor-response"
CS_AREA_COVERED = f"{CS}/area-covered"
CS_COMFORT = f"{CS}/comfort"
PROGRAMMING_VISIT = (CS_PROCEDURE, "programming-visit", "Neurostimulator programming visit")

# HL7 FHIR Symptoms IG (R4): a reported symptom is LOINC 75325-1 "Symptom" with the symptom as
# its value; its absence is LOINC 111551-8 "Symptom absent" with the same value.
SYMPTOM = (LOINC, "75325-1", "Symptom")
SYMPTOM_ABSENT = (LOINC, "111551-8", "Symptom absent")
NIGHT_CRAMP = (CS_SYMPTOM, "night-leg-cramp", "Night-time leg cramp")
# FHIR's bodysite-laterality value set (SNOMED CT).
LATERALITY = {
    "left": (SNOMED, "419161000", "Unilateral left"),
    "right": (SNOMED, "419465000", "Unilateral right"),
    "both": (SNOMED, "51440002", "Bilateral"),
}
UCUM_UNITS = {
    "mA": ("mA", "mA"), "V": ("V", "V"), "us": ("us", "µs"), "Hz": ("Hz", "Hz"),
    "min": ("min", "min"),
}

OBSERVATION_CODES = {
    "stimulation-settings": "Stimulation settings",
    "amplitude": "Stimulation amplitude",
    "pulse-width": "Pulse width",
    "frequency": "Stimulation frequency",
    "stimulation-on": "Stimulation on",
    "electrode-configuration": "Electrode configuration",
    "settings-source": "Where the settings change was made",
    "settings-change-reason": "Reason for the settings change",
    "cramp-episode": "Cramp episode",
    "therapy-benefit": "Therapy benefit (0-10)",
    "sleep-quality": "Sleep quality (0-10)",
    "fluids": "Fluids that day",
    "activity": "Activity that day",
    "alcohol": "Alcohol that evening",
    "lumbar-support": "Lumbar support used in bed",
    "sleep-disturbance": "Sleep disturbance from cramps (0-10)",
    "cramp-count": "Cramps that night",
    "cramp-minutes": "Minutes of cramps that night",
    "worst-severity": "Worst cramp severity that night (0-10)",
    "woken-by-cramp": "Woken by a cramp that night",
    "lead-test": "Test of one electrode configuration at a programming visit",
    "sensory-threshold": "Sensory threshold",
    "motor-threshold": "Motor threshold",
    "felt-at": "Where the stimulation was felt",
    "motor-response": "Motor response",
    "area-covered": "Area covered by paresthesia",
    "comfort": "Comfort",
    "left-in-place": "Left in place",
    # The therapy's own outcome by the day (issue 24, docs/fhir.md).
    "voids": "Voids that day",
    "urine-leaks": "Urine leaks that day",
    "urgency-episodes": "Urinary urgency episodes that day",
    "pads": "Pads used that day",
    "bowel-incontinence-episodes": "Bowel incontinence episodes that day",
    "bowel-urgency": "Bowel urgency episodes that day",
    "pain-average": "Average pain that day (0-10)",
    "pain-worst": "Worst pain that day (0-10)",
    "pgic": "Patient Global Impression of Change (1 very much improved - 7 very much worse)",
}
# The outcome fields (diary.models.DailyOutcome) and their local codes; pain_average also
# carries LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported". No
# LOINC code was verified for the others: they keep the local code alone (docs/fhir.md).
OUTCOME_CODES = {
    "voids": "voids", "leaks": "urine-leaks", "urgency_episodes": "urgency-episodes",
    "pads": "pads", "bowel_incontinence_episodes": "bowel-incontinence-episodes",
    "bowel_urgency": "bowel-urgency", "pain_average": "pain-average", "pain_worst": "pain-worst",
    "pgic": "pgic",
}
PAIN_SEVERITY_NRS = (
    LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
)
DEVICE_PROPERTIES = {"phase": "Therapy phase", "lead-site": "Lead site"}

Coding = tuple[str, str, str]


def coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def concept(*codings: Coding, text: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"coding": [coding(*c) for c in codings]}
    if text:
        value["text"] = text
    return value


def local(system: str, choices: Iterable[tuple[str, str]], code: str) -> dict[str, Any]:
    """A code from one of the app's choice lists, in its local code system. The display is
    the vocabulary's own English, whatever the reader's language (the labels are lazy)."""
    with translation.override("en"):
        display = str(dict(choices).get(code, code))
    return concept((system, code, display), text=display)


def observation_code(code: str) -> dict[str, Any]:
    display = OBSERVATION_CODES[code]
    return concept((CS_OBSERVATION, code, display), text=display)


def category(code: str, display: str) -> list[dict[str, Any]]:
    return [concept((OBSERVATION_CATEGORY, code, display))]


def quantity(value: Decimal | float | int, unit: str) -> dict[str, Any]:
    number = float(value)
    result: dict[str, Any] = {"value": int(number) if number.is_integer() else number}
    if unit in UCUM_UNITS:
        code, label = UCUM_UNITS[unit]
        result.update(unit=label, system=UCUM, code=code)
    elif label := text(unit):  # not a unit the app offers: kept as written, without a code
        result["unit"] = label
    return result


def extension(name: str, **value: Any) -> dict[str, Any]:
    return {"url": f"{EXT}/{name}", **value}


# Characters FHIR strings and XHTML cannot carry: C0 controls other than tab, LF and CR, and DEL.
CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


def text(value: str | None) -> str | None:
    """Free text as FHIR can carry it, or None when nothing printable is left (FHIR strings
    are never empty). A stored value never makes the export fail."""
    cleaned = (value or "").translate(CONTROL)
    return cleaned if cleaned.strip() else None


def zone_named(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, zoneinfo.ZoneInfoNotFoundError):
        return UTC


def instant(moment: datetime) -> str:
    try:
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    except OverflowError:  # a time at the very edge of the calendar: keep its own offset
        return moment.isoformat(timespec="seconds")


def local_time(moment: datetime, zone: tzinfo) -> str:
    try:
        return wall_clock(moment.astimezone(zone))
    except OverflowError:
        return instant(moment)


def narrative(*lines: str | None) -> dict[str, str]:
    items = "".join(f"<p>{html.escape(line)}</p>" for line in map(text, lines) if line)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{items}</div>'}


# --- identity ----------------------------------------------------------------------------------


class Ids:
    """Stable resource ids: the same row gets the same id in every export of this installation,
    and a patient created later with a reused database id gets different ones."""

    def __init__(self, patient: Patient) -> None:
        stamp = int(patient.created_at.timestamp() * 1_000_000) if patient.created_at else 0
        self._namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"{BASE}/patient/{patient.pk}/{stamp}")

    def __call__(self, kind: str, pk: Any) -> str:
        return str(uuid.uuid5(self._namespace, f"{kind}/{pk}"))

    def reference(self, kind: str, pk: Any) -> dict[str, str]:
        return {"reference": f"urn:uuid:{self(kind, pk)}"}


# --- what the export reads ---------------------------------------------------------------------


@dataclass
class FhirSource:
    patient: Patient
    devices: list[Device]
    records: list[SettingsRecord]  # corrected ones included, each with `replaced` (0 or 1)
    nights: list[Night]  # each with `live_episodes`
    medications: list[Medication]
    flags: list[Flag]
    today: date
    visits: list[ProgrammingVisit] = field(default_factory=list)  # each with `rows`
    outcomes: list[DailyOutcome] = field(default_factory=list)


def fhir_source(patient: Patient) -> FhirSource:
    """Everything the bundle carries, in the same queries for one night and for five years
    (a test pins it). The flags are read after a stale summary is refreshed, so they agree
    with the diary exported beside them."""
    ensure_fresh([patient])
    devices = list(patient.devices.order_by("implanted_on", "id"))
    records = list(
        SettingsRecord.objects.for_patient(patient)
        .annotate(replaced=Count("correction"))
        .order_by("effective_at", "id")
    )
    nights = list(
        Night.objects.for_patient(patient)
        .order_by("date")
        .prefetch_related(
            Prefetch(
                "episodes",
                queryset=CrampEpisode.objects.filter(deleted_at__isnull=True).order_by(
                    "started_at", "id"
                ),
                to_attr="live_episodes",
            )
        )
    )
    medications = list(Medication.objects.for_patient(patient).order_by("started_on", "name", "id"))
    flags = list(Flag.objects.for_patient(patient).active().order_by("-step", "code"))
    # Two queries whether or not there are visits (a prefetch skips its query when there are
    # none, and the count must not depend on the diary).
    visits = list(
        ProgrammingVisit.objects.for_patient(patient).select_related("clinician")
        .order_by("visited_at", "id")
    )
    rows: dict[int, list[VisitConfiguration]] = {}
    for row in VisitConfiguration.objects.filter(visit__device__patient=patient).order_by(
        "position", "id"
    ):
        rows.setdefault(row.visit_id, []).append(row)
    for visit in visits:
        visit.rows = rows.get(visit.pk, [])
    outcomes = list(DailyOutcome.objects.for_patient(patient).order_by("date"))
    return FhirSource(
        patient=patient, devices=devices, records=records, nights=nights,
        medications=medications, flags=flags, visits=visits, outcomes=outcomes,
        today=timezone.now().astimezone(zone_named(patient.timezone)).date(),
    )


# --- resources (pure) --------------------------------------------------------------------------


def patient_resource(patient: Patient, ids: Ids) -> dict[str, Any]:
    """The identifiers the clinic set: its record number (MRN) when it gave one, and the
    username it chose at onboarding; the display name the care team knows the patient by."""
    identifiers: list[dict[str, Any]] = []
    if record_number := text(patient.record_number):
        identifiers.append({
            "use": "official",
            "type": concept(MEDICAL_RECORD_NUMBER, text="Clinic record number"),
            "system": django_settings.FHIR_RECORD_NUMBER_SYSTEM,
            "value": record_number,
        })
    identifiers.append({
        "use": "usual",
        "system": django_settings.FHIR_IDENTIFIER_SYSTEM,
        "value": patient.user.username,
    })
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": ids("patient", patient.pk),
        "identifier": identifiers,
        "active": patient.user.is_active,
    }
    if name := text(patient.display_name):
        resource["name"] = [{"text": name}]
    return resource


def device_resource(
    device: Device, ids: Ids, patient_ref: dict[str, str], *, current: bool
) -> dict[str, Any]:
    therapy = local(CS_THERAPY, THERAPY_CHOICES, device.therapy)
    properties: list[dict[str, Any]] = [{
        "type": concept((CS_DEVICE_PROPERTY, "phase", DEVICE_PROPERTIES["phase"])),
        "valueCode": [local(CS_PHASE, PHASE_CHOICES, device.phase)],
    }]
    if lead_site := text(device.lead_site):
        properties.append({
            "type": concept((CS_DEVICE_PROPERTY, "lead-site", DEVICE_PROPERTIES["lead-site"])),
            "valueCode": [{"text": lead_site}],
        })
    return {
        "resourceType": "Device",
        "id": ids("device", device.pk),
        "extension": [extension("implant-date", valueDate=device.implanted_on.isoformat())],
        "status": "active" if current else "inactive",
        "type": {**therapy, "text": f"Implanted neurostimulator: {therapy['text']}"},
        "property": properties,
        "patient": patient_ref,
    }


def settings_resource(
    record: SettingsRecord, ids: Ids, patient_ref: dict[str, str], zone: tzinfo
) -> dict[str, Any]:
    components: list[dict[str, Any]] = [
        {"code": observation_code("amplitude"),
         "valueQuantity": quantity(record.amplitude, record.amplitude_unit)},
        {"code": observation_code("pulse-width"),
         "valueQuantity": quantity(record.pulse_width_us, "us")},
        {"code": observation_code("frequency"),
         "valueQuantity": quantity(record.frequency_hz, "Hz")},
        {"code": observation_code("stimulation-on"), "valueBoolean": record.stimulation_on},
    ]
    if electrodes := text(record.electrode_configuration):
        components.append({
            "code": observation_code("electrode-configuration"), "valueString": electrodes
        })
    components += [
        {"code": observation_code("settings-source"),
         "valueCodeableConcept": local(CS_SOURCE, SOURCE_CHOICES, record.source)},
        {"code": observation_code("settings-change-reason"),
         "valueCodeableConcept": local(CS_REASON, REASON_CHOICES, record.reason)},
    ]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": ids("settings", record.pk),
        # A record replaced by a correction stays in the history, marked as a mistake.
        "status": "entered-in-error" if getattr(record, "replaced", 0) else "final",
        "category": category("therapy", "Therapy"),
        "code": observation_code("stimulation-settings"),
        "subject": patient_ref,
        "effectiveDateTime": local_time(record.effective_at, zone),
        "device": ids.reference("device", record.device_id),
        "component": components,
    }
    if record.recorded_at:
        resource["issued"] = instant(record.recorded_at)
    if record.corrects_id:
        resource["extension"] = [
            extension("corrects", valueReference=ids.reference("settings", record.corrects_id))
        ]
    if note := text(record.note):
        resource["note"] = [{"text": note}]
    return resource


def visit_resources(
    visit: ProgrammingVisit, ids: Ids, patient_ref: dict[str, str], zone: tzinfo,
    therapy: str,
) -> list[dict[str, Any]]:
    """A programming visit (issue 25) as a Procedure on the device, and one Observation per
    electrode configuration tested, each `partOf` the Procedure."""
    when = local_time(visit.visited_at, zone)
    procedure: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": ids("visit", visit.pk),
        "status": "completed",
        "code": concept(PROGRAMMING_VISIT, text=PROGRAMMING_VISIT[2]),
        "subject": patient_ref,
        "performedDateTime": when,
        "focalDevice": [{"manipulated": ids.reference("device", visit.device_id)}],
    }
    if visit.clinician is not None:
        procedure["performer"] = [{"actor": {"display": visit.clinician.username}}]
    if note := text(visit.note):
        procedure["note"] = [{"text": note}]
    sacral = therapy == "sacral"
    resources = [procedure]
    for row in visit.rows:
        components: list[dict[str, Any]] = []
        if electrodes := text(row.electrodes):
            components.append(
                {"code": observation_code("electrode-configuration"), "valueString": electrodes}
            )
        for code, value, unit in (
            ("amplitude", row.amplitude, row.amplitude_unit),
            ("pulse-width", row.pulse_width_us, "us"),
            ("frequency", row.frequency_hz, "Hz"),
            ("sensory-threshold", row.sensory_threshold, row.amplitude_unit),
            ("motor-threshold", row.motor_threshold, row.amplitude_unit),
        ):
            if value is not None:
                components.append(
                    {"code": observation_code(code), "valueQuantity": quantity(value, unit)}
                )
        if felt := text(row.felt_at):
            components.append({"code": observation_code("felt-at"), "valueString": felt})
        for response in row.responses or []:
            components.append({
                "code": observation_code("motor-response" if sacral else "area-covered"),
                "valueCodeableConcept": local(
                    CS_MOTOR_RESPONSE if sacral else CS_AREA_COVERED,
                    response_choices_for(therapy), str(response),
                ),
            })
        if row.comfort:
            components.append({
                "code": observation_code("comfort"),
                "valueCodeableConcept": local(CS_COMFORT, COMFORT_CHOICES, row.comfort),
            })
        components.append(
            {"code": observation_code("left-in-place"), "valueBoolean": row.left_in_place}
        )
        resources.append({
            "resourceType": "Observation",
            "id": ids("visit-configuration", row.pk),
            "status": "final",
            "category": category("procedure", "Procedure"),
            "code": observation_code("lead-test"),
            "subject": patient_ref,
            "partOf": [ids.reference("visit", visit.pk)],
            "effectiveDateTime": when,
            "device": ids.reference("device", visit.device_id),
            "component": components,
        })
    return resources


def night_period(night: Night) -> dict[str, str]:
    """The stretch of time the diary files under this night: from NIGHT_BOUNDARY_HOUR on its
    date to the same hour the next day, on the clock of the zone it was lived in."""
    zone = zone_named(night.timezone)
    hour = time(hour=django_settings.NIGHT_BOUNDARY_HOUR)
    period = {"start": wall_clock(datetime.combine(night.date, hour, tzinfo=zone))}
    if night.date < date.max:  # the last date of the calendar has no next day
        end = datetime.combine(night.date + timedelta(days=1), hour, tzinfo=zone)
        period["end"] = wall_clock(end)
    return period


def wall_clock(moment: datetime) -> str:
    """A local time with its offset; in UTC when the offset has seconds (a zone's local mean
    time before standard time, only for old dates), which FHIR's dateTime cannot carry."""
    offset = moment.utcoffset()
    if offset is not None and offset.seconds % 60:
        return instant(moment)
    return moment.isoformat(timespec="seconds")


def episode_component(episode: CrampEpisode, zone: tzinfo) -> dict[str, Any]:
    period = {"start": local_time(episode.started_at, zone)}
    if episode.duration_min is not None:
        with contextlib.suppress(OverflowError):
            end = episode.started_at + timedelta(minutes=episode.duration_min)
            period["end"] = local_time(end, zone)
    details: list[dict[str, Any]] = [extension("episode-severity", valueInteger=episode.severity)]
    if episode.site:
        details.append(extension(
            "episode-site", valueCodeableConcept=local(CS_SITE, SITE_CHOICES, episode.site)
        ))
    if episode.side in LATERALITY:
        details.append(extension(
            "episode-laterality", valueCodeableConcept=concept(LATERALITY[episode.side])
        ))
    if episode.woke_from_sleep is not None:
        details.append(extension("episode-woke-from-sleep", valueBoolean=episode.woke_from_sleep))
    if episode.stimulation_felt:
        details.append(extension(
            "episode-stimulation-felt",
            valueCodeableConcept=local(CS_FELT, STIMULATION_FELT_CHOICES, episode.stimulation_felt),
        ))
    if episode.new_movement:
        details.append(extension(
            "episode-new-movement",
            valueCodeableConcept=local(CS_MOVEMENT, NEW_MOVEMENT_CHOICES, episode.new_movement),
        ))
    for relief in episode.relieved_by or []:
        details.append(extension(
            "episode-relieved-by", valueCodeableConcept=local(CS_RELIEF, RELIEF_CHOICES, relief)
        ))
    if note := text(episode.notes):
        details.append(extension("episode-note", valueString=note))
    return {"extension": details, "code": observation_code("cramp-episode"), "valuePeriod": period}


def night_components(night: Night) -> list[dict[str, Any]]:
    """What the patient said about the day besides the cramps (left out when not answered)."""
    components: list[dict[str, Any]] = []
    if night.sleep_quality is not None:
        components.append(
            {"code": observation_code("sleep-quality"), "valueInteger": night.sleep_quality}
        )
    for name in ("fluids", "activity"):
        value = getattr(night, name)
        if value:
            components.append({
                "code": observation_code(name),
                "valueCodeableConcept": local(CS_LEVEL, LEVEL_CHOICES, value),
            })
    if night.alcohol is not None:
        components.append({"code": observation_code("alcohol"), "valueBoolean": night.alcohol})
    if night.lumbar_support is not None:
        components.append(
            {"code": observation_code("lumbar-support"), "valueBoolean": night.lumbar_support}
        )
    return components


def burden_components(episodes: list[CrampEpisode]) -> list[dict[str, Any]]:
    """The night's cramp burden, by insights.burden's rules, for a night with cramps: the
    count, the minutes added up and whether one woke the patient (each left out when it is
    not known), the worst severity."""
    components: list[dict[str, Any]] = [
        {"code": observation_code("cramp-count"), "valueInteger": len(episodes)},
    ]
    minutes = night_minutes([e.duration_min for e in episodes])
    if minutes is not None:
        components.append(
            {"code": observation_code("cramp-minutes"), "valueQuantity": quantity(minutes, "min")}
        )
    worst = night_worst_severity([e.severity for e in episodes])
    if worst is not None:
        components.append({"code": observation_code("worst-severity"), "valueInteger": worst})
    woken = night_woken([e.woke_from_sleep for e in episodes])
    if woken is not None:
        components.append({"code": observation_code("woken-by-cramp"), "valueBoolean": woken})
    return components


def night_resource(night: Night, ids: Ids, patient_ref: dict[str, str]) -> dict[str, Any]:
    """A logged night: cramps present (one component per episode) or, for a night logged
    without cramps, cramps absent. A night not logged has no resource at all."""
    zone = zone_named(night.timezone)
    episodes = list(night.live_episodes)  # type: ignore[attr-defined]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": ids("night", night.pk),
        "status": "final",
        "category": category("survey", "Survey"),
        "code": concept(SYMPTOM if episodes else SYMPTOM_ABSENT),
        "subject": patient_ref,
        "effectivePeriod": night_period(night),
        "issued": instant(night.checked_in_at or night.created_at),
        "performer": [patient_ref],
        "valueCodeableConcept": concept(NIGHT_CRAMP, text=NIGHT_CRAMP[2]),
        "component": [episode_component(e, zone) for e in episodes] + night_components(night)
        + (burden_components(episodes) if episodes else []),
    }
    if not resource["component"]:
        del resource["component"]
    if note := text(night.notes):
        resource["note"] = [{"text": note}]
    return resource


def benefit_resource(
    night: Night, ids: Ids, patient_ref: dict[str, str], device: Device | None
) -> dict[str, Any]:
    code = observation_code("therapy-benefit")
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": ids("benefit", night.pk),
        "status": "final",
        "category": category("survey", "Survey"),
        "code": code,
        "subject": patient_ref,
        "effectivePeriod": night_period(night),
        "issued": instant(night.checked_in_at or night.created_at),
        "performer": [patient_ref],
        "valueInteger": night.therapy_benefit,
    }
    if device is not None:
        resource["code"] = {**code, "text": f"{code['text']}: {device.benefit_label}"}
        resource["device"] = ids.reference("device", device.pk)
    return resource


def sleep_disturbance_resource(
    night: Night, ids: Ids, patient_ref: dict[str, str]
) -> dict[str, Any]:
    """The morning check-in's "How much did cramps disturb your sleep?", 0-10: its own
    Observation, like therapy benefit, so a record system can chart it over nights."""
    return {
        "resourceType": "Observation",
        "id": ids("sleep-disturbance", night.pk),
        "status": "final",
        "category": category("survey", "Survey"),
        "code": observation_code("sleep-disturbance"),
        "subject": patient_ref,
        "effectivePeriod": night_period(night),
        "issued": instant(night.checked_in_at or night.created_at),
        "performer": [patient_ref],
        "valueInteger": night.sleep_disturbance,
    }


def outcome_resources(
    outcome: DailyOutcome, ids: Ids, patient_ref: dict[str, str]
) -> list[dict[str, Any]]:
    """One Observation per answered value of the day's outcome (issue 24), dated by the day:
    an unanswered value has none, never a 0."""
    out = []
    for name, local_code in OUTCOME_CODES.items():
        value = getattr(outcome, name)
        if value is None:
            continue
        code = observation_code(local_code)
        if name == "pain_average":
            code = concept(PAIN_SEVERITY_NRS, (CS_OBSERVATION, local_code,
                                              OBSERVATION_CODES[local_code]),
                           text=OBSERVATION_CODES[local_code])
        out.append({
            "resourceType": "Observation",
            "id": ids(f"outcome-{local_code}", outcome.pk),
            "status": "final",
            "category": category("survey", "Survey"),
            "code": code,
            "subject": patient_ref,
            "effectiveDateTime": outcome.date.isoformat(),
            "issued": instant(outcome.updated_at),
            "performer": [patient_ref],
            "valueInteger": value,
        })
    return out


def medication_status(medication: Medication, today: date) -> str:
    if medication.started_on > today:
        return "intended"
    if medication.stopped_on is not None and medication.stopped_on < today:
        return "completed"
    return "active"


def medication_resource(
    medication: Medication, ids: Ids, patient_ref: dict[str, str], today: date
) -> dict[str, Any]:
    period = {"start": medication.started_on.isoformat()}
    if medication.stopped_on:
        period["end"] = medication.stopped_on.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": ids("medication", medication.pk),
        "status": medication_status(medication, today),
        "category": local(CS_MEDICATION_CATEGORY, MEDICATION_CATEGORY_CHOICES, medication.category),
        "medicationCodeableConcept": {"text": text(medication.name) or "Unnamed medicine"},
        "subject": patient_ref,
        "effectivePeriod": period,
    }
    if medication.created_at:
        resource["dateAsserted"] = instant(medication.created_at)
    return resource


def flag_resource(flag: Flag, ids: Ids, patient_ref: dict[str, str]) -> dict[str, Any]:
    """Any ladder flag, whatever its code: the code, title and step come from the row."""
    # The evidence as the patient page and the visit summary word it (one function for all).
    evidence = evidence_in_words(flag.evidence if isinstance(flag.evidence, dict) else None)
    title = text(flag.title) or flag.code
    start = flag.since.isoformat() if flag.since else instant(flag.raised_at)
    extensions = [
        extension("decision-support", valueString=DECISION_SUPPORT),
    ]
    if explanation := text(flag.explanation):
        extensions.insert(0, extension("flag-explanation", valueString=explanation))
    if flag.step is not None:
        extensions.insert(0, extension("ladder-step", valueInteger=flag.step))
    if evidence_text := text("\n".join(evidence)):
        extensions.insert(-1, extension("flag-evidence", valueString=evidence_text))
    return {
        "resourceType": "Flag",
        "id": ids("flag", flag.pk),
        "text": narrative(flag.title, flag.explanation, *evidence, DECISION_SUPPORT),
        "extension": extensions,
        "status": "active",
        "category": [concept((FLAG_CATEGORY, "clinical", "Clinical"))],
        "code": concept((CS_LADDER_FLAG, flag.code, title), text=title),
        "subject": patient_ref,
        "period": {"start": start},
        "author": {"display": "StimDiary management ladder (decision support)"},
    }


# --- the bundle --------------------------------------------------------------------------------


def bundle_resources(source: FhirSource) -> list[dict[str, Any]]:
    patient = source.patient
    ids = Ids(patient)
    zone = zone_named(patient.timezone)
    patient_ref = ids.reference("patient", patient.pk)
    resources = [patient_resource(patient, ids)]
    latest = source.devices[-1] if source.devices else None
    resources += [
        device_resource(d, ids, patient_ref, current=d is latest) for d in source.devices
    ]
    resources += [settings_resource(r, ids, patient_ref, zone) for r in source.records]
    devices = {d.pk: d for d in source.devices}
    for visit in source.visits:
        therapy = devices[visit.device_id].therapy if visit.device_id in devices else "other"
        resources += visit_resources(visit, ids, patient_ref, zone, therapy)
    timeline = Timeline(settings_from_record(r) for r in source.records if not r.replaced)
    for night in source.nights:
        resources.append(night_resource(night, ids, patient_ref))
        if night.therapy_benefit is not None:
            in_effect = timeline.for_night(night.date, zone_named(night.timezone))
            device = devices.get(in_effect.device_id) if in_effect else None
            resources.append(benefit_resource(night, ids, patient_ref, device or latest))
        if night.sleep_disturbance is not None:
            resources.append(sleep_disturbance_resource(night, ids, patient_ref))
    for outcome in source.outcomes:
        resources += outcome_resources(outcome, ids, patient_ref)
    resources += [
        medication_resource(m, ids, patient_ref, source.today) for m in source.medications
    ]
    resources += [flag_resource(f, ids, patient_ref) for f in source.flags]
    return resources


def fhir_bundle(source: FhirSource, *, now: datetime | None = None) -> dict[str, Any]:
    """The bundle as plain JSON data, validated with the R4B models first: a mapping mistake
    raises here, never in a clinic's importer. The data (not the model) is what gets written:
    the models' own serialiser costs more than the validation and adds nothing to it.
    The displays and narrative are English whatever the reader's language: the code systems'
    displays are a contract (docs/fhir.md), and the choices' labels are translatable."""
    with translation.override("en"):
        resources = bundle_resources(source)
    data = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": instant(now or timezone.now()),
        "entry": [
            {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            for resource in resources
        ],
    }
    Bundle.model_validate(data)
    return data


def fhir_json(patient: Patient) -> str:
    return json.dumps(fhir_bundle(fhir_source(patient)), ensure_ascii=False)


def filename(patient: Patient) -> str:
    """The CSV downloads' naming rule, with .json: stimdiary-alice-fhir-start-to-latest.json."""
    return csv_filename(patient.user.username, "fhir", DateRange()).removesuffix(".csv") + ".json"
