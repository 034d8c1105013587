"""The JSON bundle: one patient's whole diary, devices, settings history and medications.

Lossless: export, import into an empty database, export again gives the same bytes. The
format is documented in docs/bundle-format.md. An import checks the whole file before it
writes anything, with the models' own validators, and reports every bad value with its path.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction

from accounts.usernames import similar_username
from clinic.audit import audit_access
from clinic.models import Clinic, default_clinic
from diary.models import CrampEpisode, DailyOutcome, Medication, Night, Patient
from diary.services import medications_bulk_create, patient_data_changed
from diary.validators import check_moment
from programming.models import (
    Device,
    ProgrammingVisit,
    SettingsRecord,
    VisitConfiguration,
    response_choices_for,
)
from programming.timeline import night_of

FORMAT = "stimdiary-bundle"
VERSION = 1


# --- export -----------------------------------------------------------------------------------


def json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


def local_iso(moment: datetime, zone: Any) -> str:
    """The moment on the wall clock of its zone; a stored time at the very edge of the
    calendar (year 1 or 9999), which no zone can hold, keeps its own offset instead."""
    try:
        return moment.astimezone(zone).isoformat()
    except OverflowError:
        return moment.isoformat()


def bundle_export(patient: Patient) -> dict[str, Any]:
    """The patient's live data. Soft-deleted nights, episodes and medications stay behind:
    a bundle carries the diary as the patient sees it (see docs/bundle-format.md)."""
    zone = patient.tz
    devices = []
    for device in patient.devices.order_by("implanted_on", "id"):
        records = list(device.settings_records.order_by("effective_at", "id"))
        index = {record.pk: i for i, record in enumerate(records)}
        entry: dict[str, Any] = {
            "therapy": device.therapy,
            "phase": device.phase,
            "implanted_on": device.implanted_on.isoformat(),
            "lead_site": device.lead_site,
            "settings": [
                {
                    "effective_at": local_iso(record.effective_at, zone),
                    "amplitude": float(record.amplitude),
                    "amplitude_unit": record.amplitude_unit,
                    "pulse_width_us": record.pulse_width_us,
                    "frequency_hz": json_number(record.frequency_hz),
                    "stimulation_on": record.stimulation_on,
                    "electrode_configuration": record.electrode_configuration,
                    "reason": record.reason,
                    "source": record.source,
                    "note": record.note,
                    "corrects": index.get(record.corrects_id),
                }
                for record in records
            ],
        }
        # Only when there are any: bundles of devices without visits read as they always did.
        visits = visits_export(device, index, zone)
        if visits:
            entry["visits"] = visits
        devices.append(entry)
    medications = [
        {
            "name": m.name,
            "category": m.category,
            "started_on": m.started_on.isoformat(),
            "stopped_on": m.stopped_on.isoformat() if m.stopped_on else None,
        }
        for m in Medication.objects.for_patient(patient).order_by("started_on", "name", "id")
    ]
    episodes_by_night: dict[int, list[dict[str, Any]]] = {}
    for e in CrampEpisode.objects.for_patient(patient).select_related("night").order_by(
        "started_at", "id"
    ):
        episodes_by_night.setdefault(e.night_id, []).append({
            "started_at": local_iso(e.started_at, e.night.zone),
            "duration_min": e.duration_min,
            "severity": e.severity,
            "side": e.side,
            "site": e.site,
            "woke_from_sleep": e.woke_from_sleep,
            "stimulation_felt": e.stimulation_felt,
            "new_movement": e.new_movement,
            "relieved_by": list(e.relieved_by),
            "notes": e.notes,
        })
    nights = [
        {
            "date": n.date.isoformat(),
            "timezone": n.timezone,
            "therapy_benefit": n.therapy_benefit,
            "sleep_quality": n.sleep_quality,
            # Written only when answered (docs/bundle-format.md, "Versions"): a diary that
            # never answered it gives the bytes it always gave, which any version reads.
            **({"sleep_disturbance": n.sleep_disturbance}
               if n.sleep_disturbance is not None else {}),
            "fluids": n.fluids,
            "activity": n.activity,
            "alcohol": n.alcohol,
            "lumbar_support": n.lumbar_support,
            "checked_in_at": local_iso(n.checked_in_at, n.zone) if n.checked_in_at else None,
            "notes": n.notes,
            "episodes": episodes_by_night.get(n.pk, []),
        }
        for n in Night.objects.for_patient(patient).order_by("date")
    ]
    outcomes = [
        {"date": day.isoformat(), **dict(zip(OUTCOME_VALUES, values, strict=True))}
        for day, *values in DailyOutcome.objects.for_patient(patient)
        .order_by("date")
        .values_list("date", *OUTCOME_VALUES)
    ]
    # Written only when they say something (docs/bundle-format.md, "Versions"): a diary with
    # no outcome days and the default indication gives the bytes it always gave.
    about = {"username": patient.user.username, "timezone": patient.timezone}
    if patient.sacral_indication != "bladder":
        about["sacral_indication"] = patient.sacral_indication
    return {
        "format": FORMAT,
        "version": VERSION,
        "patient": about,
        "devices": devices,
        "medications": medications,
        "nights": nights,
        **({"outcomes": outcomes} if outcomes else {}),
    }


def visits_export(device: Device, index: dict[int, int], zone: Any) -> list[dict[str, Any]]:
    """A device's programming visits (issue 25); `settings` is the index, in the device's
    settings list, of the record the visit left in place. Attached reports are not carried."""
    return [
        {
            "visited_at": visit.visited_at.astimezone(zone).isoformat(),
            "settings": index.get(visit.settings_record_id),
            "note": visit.note,
            "configurations": [
                {
                    "electrodes": row.electrodes,
                    "amplitude": json_number(row.amplitude),
                    "amplitude_unit": row.amplitude_unit,
                    "pulse_width_us": row.pulse_width_us,
                    "frequency_hz": json_number(row.frequency_hz),
                    "sensory_threshold": json_number(row.sensory_threshold),
                    "motor_threshold": json_number(row.motor_threshold),
                    "felt_at": row.felt_at,
                    "responses": list(row.responses),
                    "comfort": row.comfort,
                    "left_in_place": row.left_in_place,
                }
                for row in visit.configurations.all()
            ],
        }
        for visit in device.visits.order_by("visited_at", "id")
        .prefetch_related("configurations")
    ]


def bundle_dumps(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"


# --- reading a file -------------------------------------------------------------------------

# The deepest a bundle goes is bundle.nights[i].episodes[j].relieved_by[k]; a little more is
# reported as "not part of the format" by the shape check, much more is refused here.
MAX_DEPTH = 8


def bundle_loads(raw: bytes) -> Any:
    """The JSON in a file's bytes, or BundleInvalid: too large (settings.BUNDLE_MAX_BYTES), not
    UTF-8 JSON, or nested too deeply for the parser. bundle_validate checks the rest."""
    limit = django_settings.BUNDLE_MAX_BYTES
    if len(raw) > limit:
        raise BundleInvalid([f"bundle: the file is larger than {limit:,} bytes (BUNDLE_MAX_BYTES)"])
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BundleInvalid(["bundle: the file is not UTF-8 text"]) from None
    except RecursionError:
        raise BundleInvalid(["bundle: nested too deeply to be a bundle"]) from None
    except ValueError as error:  # JSONDecodeError, and integers too long to read
        raise BundleInvalid([f"bundle: not JSON ({error})"]) from None
    return data


def scan(data: Any) -> list[str]:
    """Values that are JSON but never a bundle's, with their paths, without recursion."""
    problems: list[str] = []
    stack: list[tuple[str, Any, int]] = [("bundle", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            problems.append(f"{path}: nested deeper than the bundle format goes")
            continue
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(f"{path}: must be a finite number (NaN and Infinity are not)")
        elif isinstance(value, str):
            if "\x00" in value:
                problems.append(f"{path}: contains a NUL character")
            elif not is_utf8(value):
                problems.append(f"{path}: contains an unpaired surrogate (\\ud800-\\udfff)")
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append((f"{path}.{key}" if path != "bundle" else key, item, depth + 1))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                stack.append((f"{path}[{i}]", item, depth + 1))
    return sorted(problems)


def is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- the shape of a bundle ------------------------------------------------------------------

STR, INT, NUM, BOOL, LIST, OBJ, NONE = str, int, (int, float), bool, list, dict, type(None)


@dataclass(frozen=True)
class Key:
    types: Any
    required: bool = True
    nullable: bool = False
    default: Any = None


PATIENT_KEYS = {
    "username": Key(STR), "timezone": Key(STR),
    "sacral_indication": Key(STR, required=False, default="bladder"),
}
# The daily outcome (issue 24): every value optional, null when not answered.
OUTCOME_VALUES = (
    "voids", "leaks", "urgency_episodes", "pads", "bowel_incontinence_episodes",
    "bowel_urgency", "pain_worst", "pain_average", "pgic",
)
OUTCOME_KEYS = {
    "date": Key(STR),
    **{name: Key(INT, required=False, nullable=True) for name in OUTCOME_VALUES},
}
DEVICE_KEYS = {
    "therapy": Key(STR), "phase": Key(STR), "implanted_on": Key(STR), "lead_site": Key(STR),
    "settings": Key(LIST),
    "visits": Key(LIST, required=False, default=None),
}
VISIT_KEYS = {
    "visited_at": Key(STR), "configurations": Key(LIST),
    "settings": Key(INT, required=False, nullable=True),
    "note": Key(STR, required=False, default=""),
}
CONFIGURATION_KEYS = {
    "electrodes": Key(STR), "amplitude_unit": Key(STR),
    "amplitude": Key(NUM, required=False, nullable=True),
    "pulse_width_us": Key(INT, required=False, nullable=True),
    "frequency_hz": Key(NUM, required=False, nullable=True),
    "sensory_threshold": Key(NUM, required=False, nullable=True),
    "motor_threshold": Key(NUM, required=False, nullable=True),
    "felt_at": Key(STR, required=False, default=""),
    "responses": Key(LIST, required=False, default=None),
    "comfort": Key(STR, required=False, default=""),
    "left_in_place": Key(BOOL, required=False, default=False),
}
SETTINGS_KEYS = {
    "effective_at": Key(STR), "amplitude": Key(NUM), "amplitude_unit": Key(STR),
    "pulse_width_us": Key(INT), "frequency_hz": Key(NUM), "stimulation_on": Key(BOOL),
    "reason": Key(STR), "source": Key(STR), "note": Key(STR),
    "electrode_configuration": Key(STR, required=False, default=""),
    "corrects": Key(INT, required=False, nullable=True),
}
MEDICATION_KEYS = {
    "name": Key(STR), "category": Key(STR), "started_on": Key(STR),
    "stopped_on": Key(STR, nullable=True),
}
NIGHT_KEYS = {
    "date": Key(STR), "therapy_benefit": Key(INT, nullable=True), "notes": Key(STR),
    "episodes": Key(LIST),
    "timezone": Key(STR, required=False),
    "sleep_quality": Key(INT, required=False, nullable=True),
    "sleep_disturbance": Key(INT, required=False, nullable=True),
    "fluids": Key(STR, required=False, default=""),
    "activity": Key(STR, required=False, default=""),
    "alcohol": Key(BOOL, required=False, nullable=True),
    "lumbar_support": Key(BOOL, required=False, nullable=True),
    "checked_in_at": Key(STR, required=False, nullable=True),
}
EPISODE_KEYS = {
    "started_at": Key(STR), "duration_min": Key(INT, nullable=True), "severity": Key(INT),
    "side": Key(STR), "site": Key(STR), "woke_from_sleep": Key(BOOL, nullable=True),
    "stimulation_felt": Key(STR), "new_movement": Key(STR), "relieved_by": Key(LIST),
    "notes": Key(STR),
}
TYPE_NAMES = {STR: "text", INT: "a whole number", NUM: "a number", BOOL: "true or false",
              LIST: "a list", OBJ: "an object"}


class BundleInvalid(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the bundle")
        self.problems = problems


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")


def read_object(value: Any, path: str, keys: dict[str, Key], problems: Problems) -> dict | None:
    """The object's values by key, JSON types checked; None when it cannot be read at all."""
    if not isinstance(value, dict):
        problems.add(path, "must be an object")
        return None
    out: dict[str, Any] = {}
    for name in value.keys() - keys.keys():
        problems.add(f"{path}.{name}", "is not part of the bundle format")
    for name, key in keys.items():
        if name not in value:
            if key.required:
                problems.add(f"{path}.{name}", "is required")
            else:
                out[name] = key.default
            continue
        item = value[name]
        if item is None and (key.nullable or not key.required):
            out[name] = key.default if not key.nullable else None
            continue
        wrong_bool = isinstance(item, bool) and key.types is not BOOL
        if wrong_bool or not isinstance(item, key.types):
            problems.add(f"{path}.{name}", f"must be {TYPE_NAMES[key.types]}")
            continue
        out[name] = item
    return out


def parse_moment(value: Any, path: str, problems: Problems) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        problems.add(path, "must be an ISO 8601 time, for example 2026-01-02T02:10:00+01:00")
        return None
    if moment.tzinfo is None:
        problems.add(path, "must carry its UTC offset, for example +01:00")
        return None
    return moment


def as_decimal(value: Any) -> Any:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def range_message(model_field: models.Field) -> str | None:
    validators = model_field.validators
    low = next((v.limit_value for v in validators if isinstance(v, MinValueValidator)), None)
    high = next((v.limit_value for v in validators if isinstance(v, MaxValueValidator)), None)
    if low is not None and high is not None:
        return f"must be between {low} and {high}"
    return None


def check_model(instance: models.Model, path: str, exclude: list[str], problems: Problems) -> None:
    """The model's own validators, choices and clean(): the rules live there, not here. A
    TextField's max_length is a form's limit in Django, not the model's: checked here."""
    for model_field in instance._meta.fields:
        value = getattr(instance, model_field.attname, None)
        if (
            isinstance(model_field, models.TextField) and model_field.max_length
            and isinstance(value, str) and len(value) > model_field.max_length
            and model_field.name not in exclude
        ):
            problems.add(
                f"{path}.{model_field.name}",
                f"is longer than {model_field.max_length:,} characters",
            )
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, errors in error.error_dict.items():
            where = path if name == "__all__" else f"{path}.{name}"
            seen = set()
            for item in errors:
                message = None
                if item.code in {"min_value", "max_value"}:
                    message = range_message(instance._meta.get_field(name))
                message = message or " ".join(item.messages)
                if message not in seen:
                    seen.add(message)
                    problems.add(where, message)


def unchecked(model: type[models.Model], fields: dict[str, Any], keys: dict[str, Key]) -> list[str]:
    """Fields to leave out of the model check: those already reported as unreadable."""
    names = {f.name for f in model._meta.get_fields()}
    return [
        name for name in keys
        if name in names and (
            name not in fields or (fields[name] is None and not model._meta.get_field(name).null)
        )
    ]


# --- validation -----------------------------------------------------------------------------


@dataclass
class VisitPlan:
    visit: ProgrammingVisit
    settings: int | None  # index into the device's records: the one left in place
    configurations: list[VisitConfiguration]


@dataclass
class DevicePlan:
    device: Device
    records: list[SettingsRecord]
    corrects: list[int | None]
    visits: list[VisitPlan] = field(default_factory=list)


@dataclass
class ImportPlan:
    username: str
    timezone: str
    devices: list[DevicePlan]
    medications: list[Medication]
    nights: list[tuple[Night, list[CrampEpisode]]]
    outcomes: list[DailyOutcome] = field(default_factory=list)
    sacral_indication: str = "bladder"


def bundle_validate(data: Any) -> ImportPlan:
    """Everything an import would write, as unsaved model instances, or BundleInvalid with
    every problem in the file."""
    scanned = scan(data)
    if scanned:
        raise BundleInvalid(scanned)
    problems = Problems()
    top = read_object(data, "bundle", {
        "format": Key(STR), "version": Key(INT), "patient": Key(OBJ), "devices": Key(LIST),
        "medications": Key(LIST), "nights": Key(LIST),
        "outcomes": Key(LIST, required=False),
    }, problems)
    if top is None:
        raise BundleInvalid(problems.items)
    if top.get("format") is not None and top["format"] != FORMAT:
        problems.add("format", f"must be {FORMAT!r}")
    if top.get("version") is not None and top["version"] != VERSION:
        problems.add("version", f"must be {VERSION}")

    username, zone_name = validate_patient(top.get("patient"), problems)
    indication = validate_indication(top.get("patient"), problems)
    devices = [
        validate_device(item, f"devices[{i}]", problems)
        for i, item in enumerate(top.get("devices") or [])
    ]
    medications = [
        validate_medication(item, f"medications[{i}]", problems)
        for i, item in enumerate(top.get("medications") or [])
    ]
    nights = []
    seen_dates: set[date] = set()
    for i, item in enumerate(top.get("nights") or []):
        night = validate_night(item, f"nights[{i}]", zone_name, problems)
        if night is None:
            continue
        if night[0].date in seen_dates:
            problems.add(f"nights[{i}].date", "a second night on the same date")
        seen_dates.add(night[0].date)
        nights.append(night)
    outcomes = []
    seen_days: set[date] = set()
    for i, item in enumerate(top.get("outcomes") or []):
        outcome = validate_outcome(item, f"outcomes[{i}]", problems)
        if outcome is None:
            continue
        if outcome.date in seen_days:
            problems.add(f"outcomes[{i}].date", "a second outcome on the same day")
        seen_days.add(outcome.date)
        outcomes.append(outcome)
    if problems.items:
        raise BundleInvalid(problems.items)
    return ImportPlan(
        username=username or "", timezone=zone_name or "",
        devices=[d for d in devices if d is not None],
        medications=[m for m in medications if m is not None],
        nights=nights,
        outcomes=outcomes,
        sacral_indication=indication,
    )


def validate_indication(value: Any, problems: Problems) -> str:
    """patient.sacral_indication, read apart from the account checks of validate_patient."""
    if not isinstance(value, dict) or "sacral_indication" not in value:
        return "bladder"
    indication = value["sacral_indication"]
    valid = {code for code, _ in Patient._meta.get_field("sacral_indication").choices}
    if not isinstance(indication, str) or indication not in valid:
        problems.add("patient.sacral_indication", "must be 'bladder' or 'bowel'")
        return "bladder"
    return indication


def validate_outcome(value: Any, path: str, problems: Problems) -> DailyOutcome | None:
    fields = read_object(value, path, OUTCOME_KEYS, problems)
    if fields is None:
        return None
    outcome = DailyOutcome(**fields)
    check_model(outcome, path, ["patient", *unchecked(DailyOutcome, fields, OUTCOME_KEYS)],
                problems)
    return outcome


def validate_patient(value: Any, problems: Problems) -> tuple[str | None, str | None]:
    fields = read_object(value, "patient", PATIENT_KEYS, problems)
    if fields is None:
        return None, None
    fields.pop("sacral_indication", None)  # validate_indication
    username, zone_name = fields.get("username"), fields.get("timezone")
    if username is not None:
        try:
            User._meta.get_field("username").clean(username, None)
        except ValidationError as error:
            problems.add("patient.username", " ".join(error.messages))
            username = None
    if zone_name is not None:
        before = len(problems.items)
        check_model(Patient(timezone=zone_name), "patient", ["user", "clinic"], problems)
        if len(problems.items) > before:
            zone_name = None
    if username:
        similar = similar_username(username)
        if similar is not None:
            problems.add(
                "patient.username",
                f"is the same name as the existing account {similar!r} but for case or "
                "character form; use that name exactly, or another",
            )
        existing = User.objects.filter(username=username).select_related("patient").first()
        if existing is not None:
            patient = getattr(existing, "patient", None)
            if patient is None:
                problems.add("patient.username", "belongs to an account that is not a patient")
            elif has_data(patient):
                problems.add(
                    "patient.username",
                    "this patient already has data here; an import never merges into it",
                )
    return username, zone_name


def has_data(patient: Patient) -> bool:
    return (
        Night.objects.filter(patient=patient).exists()
        or Device.objects.filter(patient=patient).exists()
        or Medication.objects.filter(patient=patient).exists()
        or DailyOutcome.objects.filter(patient=patient).exists()
    )


def validate_device(value: Any, path: str, problems: Problems) -> DevicePlan | None:
    fields = read_object(value, path, DEVICE_KEYS, problems)
    if fields is None:
        return None
    settings = fields.pop("settings", None) or []
    visits = fields.pop("visits", None) or []
    device = Device(**fields)
    check_model(device, path, ["patient", *unchecked(Device, fields, DEVICE_KEYS)], problems)
    records: list[SettingsRecord] = []
    corrects: list[int | None] = []
    for i, item in enumerate(settings):
        where = f"{path}.settings[{i}]"
        record_fields = read_object(item, where, SETTINGS_KEYS, problems)
        if record_fields is None:
            continue
        target = record_fields.pop("corrects", None)
        if target is not None and not (0 <= target < len(settings) and target != i):
            problems.add(f"{where}.corrects", "must be the index of another record of this device")
        if target is not None and target in corrects:
            problems.add(f"{where}.corrects", "that record is already corrected by another")
        corrects.append(target)
        moment = record_fields.get("effective_at")
        if moment is not None:
            record_fields["effective_at"] = parse_moment(moment, f"{where}.effective_at", problems)
        for name in ("amplitude", "frequency_hz"):
            if record_fields.get(name) is not None:
                record_fields[name] = as_decimal(record_fields[name])
        record = SettingsRecord(**record_fields)
        record.device = device  # for the implant-date bound; saved with the device later
        exclude = ["device", "corrects", "recorded_by"]
        exclude += unchecked(SettingsRecord, record_fields, SETTINGS_KEYS)
        check_model(record, where, exclude, problems)
        records.append(record)
    for i in correction_cycle(corrects):
        problems.add(f"{path}.settings[{i}].corrects", "the corrections form a loop")
    plans = [
        validate_visit(item, f"{path}.visits[{i}]", device, len(settings), problems)
        for i, item in enumerate(visits)
    ]
    return DevicePlan(
        device=device, records=records, corrects=corrects,
        visits=[plan for plan in plans if plan is not None],
    )


def validate_visit(
    value: Any, path: str, device: Device, settings_count: int, problems: Problems
) -> VisitPlan | None:
    fields = read_object(value, path, VISIT_KEYS, problems)
    if fields is None:
        return None
    rows = fields.pop("configurations") or []
    target = fields.pop("settings", None)
    if target is not None and not (0 <= target < settings_count):
        problems.add(f"{path}.settings", "must be the index of a record of this device")
    moment = fields.get("visited_at")
    if moment is not None:
        fields["visited_at"] = parse_moment(moment, f"{path}.visited_at", problems)
    visit = ProgrammingVisit(**fields)
    visit.device = device
    if visit.visited_at is not None and not within_bounds(visit.visited_at):
        problems.add(f"{path}.visited_at", "is outside the dates the diary accepts")
    check_model(
        visit, path,
        ["device", "clinician", "settings_record", "report",
         *unchecked(ProgrammingVisit, fields, VISIT_KEYS)],
        problems,
    )
    vocabulary = {code for code, _ in response_choices_for(device.therapy)}
    configurations = []
    for i, item in enumerate(rows):
        where = f"{path}.configurations[{i}]"
        row_fields = read_object(item, where, CONFIGURATION_KEYS, problems)
        if row_fields is None:
            continue
        responses = row_fields.get("responses") or []
        if not all(isinstance(code, str) and code in vocabulary for code in responses):
            problems.add(
                f"{where}.responses", f"must be a list of: {', '.join(sorted(vocabulary))}"
            )
            responses = []
        row_fields["responses"] = list(responses)
        for name in ("amplitude", "frequency_hz", "sensory_threshold", "motor_threshold"):
            if row_fields.get(name) is not None:
                row_fields[name] = as_decimal(row_fields[name])
        row = VisitConfiguration(position=i, **row_fields)
        check_model(
            row, where, ["visit", *unchecked(VisitConfiguration, row_fields, CONFIGURATION_KEYS)],
            problems,
        )
        configurations.append(row)
    if sum(row.left_in_place for row in configurations) > 1:
        problems.add(f"{path}.configurations", "only one configuration can be left in place")
    return VisitPlan(visit=visit, settings=target, configurations=configurations)


def correction_cycle(corrects: list[int | None]) -> list[int]:
    """The records whose chain of corrections comes back to itself (in order), if any."""
    for start in range(len(corrects)):
        seen: list[int] = []
        current: int | None = start
        while current is not None and 0 <= current < len(corrects) and current not in seen:
            seen.append(current)
            current = corrects[current]
        if current == start:
            return seen
    return []


def validate_medication(value: Any, path: str, problems: Problems) -> Medication | None:
    fields = read_object(value, path, MEDICATION_KEYS, problems)
    if fields is None:
        return None
    medication = Medication(**fields)
    exclude = ["patient", "recorded_by", *unchecked(Medication, fields, MEDICATION_KEYS)]
    check_model(medication, path, exclude, problems)
    return medication


def validate_night(
    value: Any, path: str, patient_zone: str | None, problems: Problems
) -> tuple[Night, list[CrampEpisode]] | None:
    fields = read_object(value, path, NIGHT_KEYS, problems)
    if fields is None:
        return None
    episodes = fields.pop("episodes", None) or []
    fields["timezone"] = fields.get("timezone") or patient_zone or "UTC"
    if fields.get("checked_in_at") is not None:
        fields["checked_in_at"] = parse_moment(
            fields["checked_in_at"], f"{path}.checked_in_at", problems
        )
    night = Night(**fields)
    before = len(problems.items)
    check_model(night, path, ["patient", *unchecked(Night, fields, NIGHT_KEYS)], problems)
    night_ok = len(problems.items) == before
    zone = ZoneInfo(night.timezone) if night_ok else None
    out: list[CrampEpisode] = []
    for i, item in enumerate(episodes):
        where = f"{path}.episodes[{i}]"
        episode_fields = read_object(item, where, EPISODE_KEYS, problems)
        if episode_fields is None:
            continue
        started = episode_fields.get("started_at")
        if started is not None:
            episode_fields["started_at"] = parse_moment(started, f"{where}.started_at", problems)
        moment = episode_fields.get("started_at")
        if moment is not None and not within_bounds(moment):
            moment = None  # the model check below names the bound
        if moment is not None and zone is not None and night_of(moment, zone) != night.date:
            problems.add(
                f"{where}.started_at",
                f"belongs to the night of {night_of(moment, zone).isoformat()}, not this one",
            )
        episode = CrampEpisode(**episode_fields)
        exclude = ["night", *unchecked(CrampEpisode, episode_fields, EPISODE_KEYS)]
        check_model(episode, where, exclude, problems)
        out.append(episode)
    return night, out


def within_bounds(moment: datetime) -> bool:
    try:
        check_moment(moment)
    except ValidationError:
        return False
    return True


# --- import ---------------------------------------------------------------------------------


@transaction.atomic
def bundle_import(plan: ImportPlan, *, clinic: Clinic | None = None) -> Patient:
    """Write a validated bundle in bulk, in one transaction. A new patient joins `clinic`
    (the default clinic when none is named); a patient already present stays in theirs."""
    user = User.objects.filter(username=plan.username).first()
    if user is None:
        user = User(username=plan.username)
        user.set_unusable_password()
        user.save()
    patient, _ = Patient.objects.get_or_create(
        user=user, defaults={"timezone": plan.timezone, "clinic": clinic or default_clinic()}
    )
    if (patient.timezone, patient.sacral_indication) != (plan.timezone, plan.sacral_indication):
        patient.timezone = plan.timezone
        patient.sacral_indication = plan.sacral_indication
        patient.save(update_fields=["timezone", "sacral_indication"])

    for item in plan.devices:
        item.device.patient = patient
    Device.objects.bulk_create([item.device for item in plan.devices])
    records = []
    for item in plan.devices:
        for record in item.records:
            record.device = item.device
            records.append(record)
    SettingsRecord.objects.bulk_create(records)
    corrected = []
    for item in plan.devices:
        for record, target in zip(item.records, item.corrects, strict=True):
            if target is not None:
                record.corrects = item.records[target]
                corrected.append(record)
    SettingsRecord.objects.bulk_update(corrected, ["corrects"])
    visits = []
    for item in plan.devices:
        for visit_plan in item.visits:
            visit_plan.visit.device = item.device
            if visit_plan.settings is not None:
                visit_plan.visit.settings_record = item.records[visit_plan.settings]
            visits.append(visit_plan)
    ProgrammingVisit.objects.bulk_create([v.visit for v in visits])
    rows = []
    for visit_plan in visits:
        for row in visit_plan.configurations:
            row.visit = visit_plan.visit
            rows.append(row)
    VisitConfiguration.objects.bulk_create(rows)

    medications_bulk_create(patient=patient, medications=plan.medications)

    nights = [night for night, _ in plan.nights]
    for night in nights:
        night.patient = patient
    Night.objects.bulk_create(nights, batch_size=2000)
    episodes = []
    for night, night_episodes in plan.nights:
        for episode in night_episodes:
            episode.night = night
            episodes.append(episode)
    CrampEpisode.objects.bulk_create(episodes, batch_size=2000)
    for outcome in plan.outcomes:
        outcome.patient = patient
    DailyOutcome.objects.bulk_create(plan.outcomes, batch_size=2000)

    patient_data_changed(patient)
    audit_access(None, patient, "import", kind="bundle")
    return patient


# --- moving a bundle in time (the demo) -------------------------------------------------------


def bundle_shift(bundle: dict[str, Any], days: int) -> dict[str, Any]:
    """A copy with every date and time moved by whole days on the local wall clock, so a
    cramp at 02:10 stays at 02:10 whatever the daylight-saving offset of its new date."""
    shifted = json.loads(json.dumps(bundle))
    patient_zone = ZoneInfo(shifted["patient"]["timezone"])

    def move_day(value: str | None) -> str | None:
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat() if value else None

    def move_moment(value: str | None, zone: ZoneInfo) -> str | None:
        if not value:
            return value
        local = datetime.fromisoformat(value).astimezone(zone).replace(tzinfo=None)
        moved = (local + timedelta(days=days)).replace(tzinfo=zone)
        return moved.astimezone(UTC).astimezone(zone).isoformat()  # out of any DST gap

    for device in shifted["devices"]:
        device["implanted_on"] = move_day(device["implanted_on"])
        for record in device["settings"]:
            record["effective_at"] = move_moment(record["effective_at"], patient_zone)
        for visit in device.get("visits") or []:
            visit["visited_at"] = move_moment(visit["visited_at"], patient_zone)
    for medication in shifted["medications"]:
        medication["started_on"] = move_day(medication["started_on"])
        medication["stopped_on"] = move_day(medication["stopped_on"])
    for night in shifted["nights"]:
        zone = ZoneInfo(night.get("timezone") or shifted["patient"]["timezone"])
        night["date"] = move_day(night["date"])
        night["checked_in_at"] = move_moment(night.get("checked_in_at"), zone)
        for episode in night["episodes"]:
            episode["started_at"] = move_moment(episode["started_at"], zone)
    for outcome in shifted.get("outcomes", []):
        outcome["date"] = move_day(outcome["date"])
    return shifted


def last_night(bundle: dict[str, Any]) -> date | None:
    dates = [date.fromisoformat(n["date"]) for n in bundle["nights"]]
    return max(dates) if dates else None

