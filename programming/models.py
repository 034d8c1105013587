from __future__ import annotations

import os
import uuid
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from diary import words
from diary.models import Patient, field_errors
from diary.validators import check_date, check_settings_moment, earliest_date, latest_date

THERAPY_CHOICES = [
    ("sacral", _("Sacral nerve stimulation")),
    ("spinal_cord", _("Spinal cord stimulation")),
    ("drg", _("Dorsal root ganglion stimulation")),
    ("peripheral", _("Peripheral nerve stimulation")),
    ("other", pgettext_lazy("therapy", "Other")),
]
# Translators: the phase of a stimulator: a trial (temporary lead) or the permanent implant.
PHASE_CHOICES = [("trial", pgettext_lazy("device phase", "Trial")), ("permanent", _("Permanent"))]
AMPLITUDE_UNIT_CHOICES = [("mA", "mA"), ("V", "V")]
SOURCE_CHOICES = [
    ("clinic", _("Clinic")), ("patient_remote", _("Patient remote")), ("import", _("Import")),
]
REASON_CHOICES = [
    ("initial", _("Initial settings")),
    ("reduce_amplitude", _("Reduce amplitude")),
    ("increase_amplitude", _("Increase amplitude")),
    ("reprogram", _("Reprogram pulse width or frequency")),
    ("device_off", _("Device turned off")),
    ("device_on", _("Device turned back on")),
    # Translators: "lead" is the stimulator's electrode lead; a revision is surgery to move or
    # replace it.
    ("lead_revision", _("Lead revision")),
    ("other", pgettext_lazy("reason for a settings change", "Other")),
]

# Physical ranges of current devices.
AMPLITUDE_MAX = {"mA": Decimal("25.5"), "V": Decimal("10.5")}
PULSE_WIDTH_RANGE = (10, 1000)
FREQUENCY_RANGE = (Decimal("1"), Decimal("10000"))


def therapy_benefit_label(therapy: str) -> str:
    """What 'the therapy worked' means for this device, in the patient's words."""
    # Translators: what the therapy is for, as a noun phrase inside a question or a chart
    # label ("How was your bladder or bowel control yesterday?").
    if therapy == "sacral":
        return gettext("bladder or bowel control")
    if therapy in {"spinal_cord", "drg"}:
        return gettext("pain relief")
    return gettext("how well the therapy worked")


class Device(models.Model):
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="devices", verbose_name=_("patient")
    )
    therapy = models.CharField(_("therapy"), max_length=12, choices=THERAPY_CHOICES)
    phase = models.CharField(
        _("phase"), max_length=10, choices=PHASE_CHOICES, default="permanent"
    )
    implanted_on = models.DateField(_("implanted on"))
    lead_site = models.CharField(
        _("lead site"), max_length=80, blank=True,
        # Translators: a sacral root; keep "S3" as it is.
        help_text=_("For example 'left S3'."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-implanted_on", "-id"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self) -> str:
        return f"{self.get_therapy_display()} ({self.get_phase_display().lower()})"

    @property
    def benefit_label(self) -> str:
        return therapy_benefit_label(self.therapy)

    def get_additional_data(self) -> dict[str, int]:
        return {"patient_id": self.patient_id}

    def clean(self) -> None:
        field_errors(self, implanted_on=lambda: check_date(self.implanted_on, what="implant date"))


class SettingsRecordQuerySet(models.QuerySet["SettingsRecord"]):
    def for_patient(self, patient: Patient) -> SettingsRecordQuerySet:
        return self.filter(device__patient=patient)

    def current(self) -> SettingsRecordQuerySet:
        """Records not replaced by a correction: the timeline the diary is read against."""
        return self.filter(correction__isnull=True)

    def timeline_order(self) -> SettingsRecordQuerySet:
        return self.order_by("effective_at", "id")


class SettingsRecord(models.Model):
    """One step of a device's settings history. Append-only: a mistake is fixed by a new
    record whose `corrects` points at it, and the corrected record drops out of the timeline."""

    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="settings_records",
        verbose_name=_("device"),
    )
    effective_at = models.DateTimeField(_("in effect from"))
    amplitude = models.DecimalField(_("amplitude"), max_digits=5, decimal_places=2)
    amplitude_unit = models.CharField(
        _("amplitude unit"), max_length=2, choices=AMPLITUDE_UNIT_CHOICES, default="mA"
    )
    pulse_width_us = models.PositiveIntegerField(_("pulse width (µs)"))
    frequency_hz = models.DecimalField(_("frequency (Hz)"), max_digits=7, decimal_places=1)
    stimulation_on = models.BooleanField(_("stimulation on"), default=True)
    electrode_configuration = models.CharField(
        _("electrode configuration"), max_length=80, blank=True
    )
    source = models.CharField(
        _("source"), max_length=16, choices=SOURCE_CHOICES, default="clinic"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=REASON_CHOICES, default="other")
    note = models.TextField(_("note"), blank=True, max_length=2000)
    corrects = models.OneToOneField(
        to="self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction",
        verbose_name=_("corrects"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = SettingsRecordQuerySet.as_manager()

    class Meta:
        ordering = ["effective_at", "id"]
        verbose_name = _("settings record")
        verbose_name_plural = _("settings records")
        indexes = [models.Index(fields=["device", "effective_at"])]

    def __str__(self) -> str:
        state = "on" if self.stimulation_on else "off"
        return (
            f"{self.amplitude} {self.amplitude_unit}, {self.pulse_width_us} µs, "
            f"{self.frequency_hz} Hz, {state}"
        )

    def get_additional_data(self) -> dict[str, int]:
        return {"patient_id": self.device.patient_id}

    def device_implanted_on(self) -> date | None:
        device = getattr(self, "device", None)  # absent while a bundle is being checked
        implanted_on = getattr(device, "implanted_on", None)
        return implanted_on if isinstance(implanted_on, date) else None

    def device_zone(self) -> tzinfo | None:
        device = getattr(self, "device", None)
        return device.patient.tz if device is not None and device.patient_id else None

    def clean(self) -> None:
        errors = settings_range_errors(
            amplitude=self.amplitude,
            amplitude_unit=self.amplitude_unit,
            pulse_width_us=self.pulse_width_us,
            frequency_hz=self.frequency_hz,
        )
        if self._state.adding and isinstance(self.effective_at, datetime):
            try:
                check_settings_moment(
                    self.effective_at, implanted_on=self.device_implanted_on(),
                    zone=self.device_zone(),
                )
            except ValidationError as error:
                errors["effective_at"] = " ".join(error.messages)
        if errors:
            raise ValidationError(errors)


def settings_range_errors(
    *,
    amplitude: Decimal | None,
    amplitude_unit: str | None,
    pulse_width_us: int | None,
    frequency_hz: Decimal | None,
) -> dict[str, str]:
    """Messages for values outside what a stimulator can deliver, keyed by field."""
    errors: dict[str, str] = {}
    if amplitude is not None and amplitude_unit in AMPLITUDE_MAX:
        top = AMPLITUDE_MAX[amplitude_unit]
        if not (0 <= amplitude <= top):
            errors["amplitude"] = gettext(
                "Amplitude must be between 0 and %(top)s %(unit)s."
            ) % {"top": number_format(top), "unit": amplitude_unit}
    if pulse_width_us is not None:
        low, high = PULSE_WIDTH_RANGE
        if not (low <= pulse_width_us <= high):
            errors["pulse_width_us"] = gettext(
                "Pulse width must be between %(low)s and %(high)s µs."
            ) % {"low": low, "high": high}
    if frequency_hz is not None:
        low, high = FREQUENCY_RANGE
        if not (low <= frequency_hz <= high):
            errors["frequency_hz"] = gettext(
                "Frequency must be between %(low)s and %(high)s Hz."
            ) % {"low": number_format(low), "high": number_format(high, force_grouping=True)}
    return errors


TRIAL_PARAMETER_CHOICES = [
    ("amplitude", _("Amplitude")),
    ("pulse_width_us", _("Pulse width")),
    ("frequency_hz", _("Frequency")),
]
# A trial is marked before it begins (its order fixed in advance), so its nights may lie ahead,
# but not further than this.
TRIAL_DAYS_AHEAD = 366


class PlannedTrialQuerySet(models.QuerySet["PlannedTrial"]):
    def for_patient(self, patient: Patient) -> PlannedTrialQuerySet:
        return self.filter(device__patient=patient)


class PlannedTrial(models.Model):
    """A run of settings changes a clinician planned in advance: an N-of-1 design that
    alternates the levels of one parameter (ABAB, or three levels in turn) in an order fixed
    before it began. The analysis reads the settings periods that begin on a night from
    `first_night` to `last_night` as the trial's (insights.analysis.PlannedTrial): no clinic
    change among them counts as made because of cramps, and the association of `parameter`
    is measured over them alone. The settings themselves stay in the settings history."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="planned_trials", verbose_name=_("device")
    )
    parameter = models.CharField(
        _("parameter tried"), max_length=16, choices=TRIAL_PARAMETER_CHOICES
    )
    first_night = models.DateField(
        _("first night"),
        help_text=_("The first night of the trial's first settings (its first planned change)."),
    )
    last_night = models.DateField(
        _("last night"), help_text=_("The last night of the trial's last settings.")
    )
    order_randomised = models.BooleanField(
        _("order drawn at random"), default=False,
        help_text=_("Tick only if the order of the levels was drawn at random before the trial."),
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = PlannedTrialQuerySet.as_manager()

    class Meta:
        ordering = ["first_night", "id"]
        verbose_name = _("planned trial")
        verbose_name_plural = _("planned trials")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_night__gte=models.F("first_night")),
                name="planned_trial_ends_after_it_begins",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_parameter_display()} trial, {self.first_night} to {self.last_night}"

    def get_additional_data(self) -> dict[str, int]:
        return {"patient_id": self.device.patient_id}

    def clean(self) -> None:
        device = getattr(self, "device", None) if self.device_id else None
        errors = planned_trial_errors(
            first_night=self.first_night, last_night=self.last_night,
            implanted_on=device.implanted_on if device is not None else None,
        )
        if errors:
            raise ValidationError(errors)


def planned_trial_errors(
    *, first_night: date | None, last_night: date | None, implanted_on: date | None
) -> dict[str, str]:
    """Messages for a trial's nights, keyed by field: not before the diary's earliest date or
    the implant, at most TRIAL_DAYS_AHEAD ahead, the last night not before the first."""
    errors: dict[str, str] = {}
    earliest = max(earliest_date(), implanted_on) if implanted_on else earliest_date()
    latest = latest_date() + timedelta(days=TRIAL_DAYS_AHEAD)
    for name, day in (("first_night", first_night), ("last_night", last_night)):
        if not isinstance(day, date):
            continue
        if day < earliest:
            values = {"date": words.day(earliest, "j F Y")}
            if implanted_on and earliest == implanted_on:
                errors[name] = gettext("That night is before %(date)s, the implant date.") % values
            else:
                errors[name] = gettext(
                    "That night is before %(date)s, the earliest the diary accepts."
                ) % values
        elif day > latest:
            errors[name] = gettext(
                "That night is more than a year ahead. Mark a trial you have planned."
            )
    if (
        isinstance(first_night, date) and isinstance(last_night, date)
        and last_night < first_night and "last_night" not in errors
    ):
        errors["last_night"] = gettext("The last night is before the first night.")
    return errors


# Every settings record and device change goes to the audit trail (django-auditlog).
auditlog.register(Device)
auditlog.register(PlannedTrial, mask_fields=["note"], mask_callable="accounts.audit.redact_text")
auditlog.register(SettingsRecord, mask_fields=["note"], mask_callable="accounts.audit.redact_text")


# --- The programming visit (issue 25) ------------------------------------------------------
# What moves when a sacral lead is tested, per root: S3 is bellows and great-toe flexion, S4
# bellows only, S2 a calf or whole-foot movement or a rotation of the leg (Axonics PNE lead
# manual, table 2, "Motor and sensory responses to sacral nerve stimulation"; the same map as
# ../shared/seeds/README.md). A response that moves from the first two to the last two is the
# clinic's own sign that the lead has moved toward S2 (insights.visits).
SACRAL_RESPONSE_CHOICES = [
    # Translators: the "bellows" response to sacral nerve stimulation: a contraction of the
    # pelvic floor (anal sphincter), the sign of the S3 or S4 root.
    ("bellows", _("Bellows")),
    ("great_toe", _("Great toe")),
    ("foot_calf", _("Whole foot / calf")),
    ("leg_rotation", _("Leg rotation")),
    ("none", pgettext_lazy("no motor response", "None")),
]
SACRAL_S3_RESPONSES = frozenset({"bellows", "great_toe"})
SACRAL_LEG_RESPONSES = frozenset({"foot_calf", "leg_rotation"})
# Spinal cord and DRG stimulation: where the paresthesia covers.
COVERAGE_CHOICES = [
    ("low_back", _("Low back")),
    ("buttocks", _("Buttocks")),
    ("left_leg", _("Left leg")),
    ("right_leg", _("Right leg")),
    ("left_foot", _("Left foot")),
    ("right_foot", _("Right foot")),
    ("groin", _("Groin")),
    ("other", _("Elsewhere")),
]
COMFORT_CHOICES = [
    ("comfortable", _("Comfortable")),
    ("tolerable", _("Tolerable")),
    ("uncomfortable", _("Uncomfortable")),
]


def response_choices_for(therapy: str) -> list[tuple[str, str]]:
    """The motor responses (sacral) or the areas covered (the rest) a visit's rows offer."""
    return SACRAL_RESPONSE_CHOICES if therapy == "sacral" else COVERAGE_CHOICES


def response_labels(therapy: str, codes: list[str] | tuple[str, ...]) -> list[str]:
    labels = dict(SACRAL_RESPONSE_CHOICES) | dict(COVERAGE_CHOICES)
    return [str(labels.get(code, code)) for code in codes]


def threshold_range_errors(
    *, amplitude_unit: str | None, sensory_threshold: Decimal | None,
    motor_threshold: Decimal | None,
) -> dict[str, str]:
    """Messages for thresholds a stimulator cannot reach (negative, or above AMPLITUDE_MAX
    in the row's unit), keyed by field: the visit form's and the bundle's one rule."""
    errors: dict[str, str] = {}
    top = AMPLITUDE_MAX.get(amplitude_unit or "")
    messages = {
        "sensory_threshold": gettext(
            "A sensory threshold is between 0 and %(top)s %(unit)s, the most the device can "
            "deliver."
        ),
        "motor_threshold": gettext(
            "A motor threshold is between 0 and %(top)s %(unit)s, the most the device can "
            "deliver."
        ),
    }
    for name, value in (
        ("sensory_threshold", sensory_threshold), ("motor_threshold", motor_threshold),
    ):
        if value is not None and top is not None and not (0 <= value <= top):
            errors[name] = messages[name] % {"top": number_format(top), "unit": amplitude_unit}
    return errors


class PrivateStorage(FileSystemStorage):
    """Files only the care team may read: kept under settings.PRIVATE_MEDIA_ROOT, outside
    STATIC_ROOT and MEDIA_ROOT, with no URL; programming.views.visit_report serves them after
    the access check. The location is read on each use, so a test can move it."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property  # type: ignore[override]
    def base_url(self) -> None:
        return None


private_storage = PrivateStorage()


def visit_report_path(instance: ProgrammingVisit, filename: str) -> str:
    # Never the uploaded name: a random one, under the patient's folder.
    return f"visit-reports/{instance.device.patient_id}/{uuid.uuid4().hex}.pdf"


class ProgrammingVisitQuerySet(models.QuerySet["ProgrammingVisit"]):
    def for_patient(self, patient: Patient) -> ProgrammingVisitQuerySet:
        return self.filter(device__patient=patient)


class ProgrammingVisit(models.Model):
    """One programming session: the lead tested configuration by configuration. The one left
    in place is also a SettingsRecord (programming.services.visit_record), so the timeline and
    the visit never disagree."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="visits")
    visited_at = models.DateTimeField()
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(blank=True, max_length=2000)
    settings_record = models.OneToOneField(
        SettingsRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="visit"
    )
    report = models.FileField(
        storage=private_storage, upload_to=visit_report_path, blank=True, max_length=200
    )
    report_uploaded_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammingVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("programming visit")
        verbose_name_plural = _("programming visits")

    def __str__(self) -> str:
        return f"Programming visit of {self.visited_at:%Y-%m-%d}"

    def get_additional_data(self) -> dict[str, int]:
        return {"patient_id": self.device.patient_id}


class VisitConfiguration(models.Model):
    """One electrode configuration tried at a visit, with what the patient felt and what moved.
    Thresholds are in the row's amplitude unit."""

    visit = models.ForeignKey(
        ProgrammingVisit, on_delete=models.CASCADE, related_name="configurations"
    )
    position = models.PositiveSmallIntegerField()
    electrodes = models.CharField(max_length=80)
    amplitude = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amplitude_unit = models.CharField(max_length=2, choices=AMPLITUDE_UNIT_CHOICES, default="mA")
    pulse_width_us = models.PositiveIntegerField(_("pulse width (µs)"), null=True, blank=True)
    frequency_hz = models.DecimalField(
        _("frequency (Hz)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    sensory_threshold = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    motor_threshold = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    felt_at = models.CharField(_("felt where"), max_length=120, blank=True)
    # Motor responses (sacral) or areas covered (spinal cord, DRG): codes of
    # response_choices_for(the device's therapy).
    responses = models.JSONField(default=list, blank=True)
    comfort = models.CharField(max_length=14, choices=COMFORT_CHOICES, blank=True)
    left_in_place = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("configuration tried")
        verbose_name_plural = _("configurations tried")
        constraints = [
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(left_in_place=True),
                name="one_configuration_left_in_place",
            ),
        ]

    def __str__(self) -> str:
        return self.electrodes

    def get_additional_data(self) -> dict[str, int]:
        # Filed under the patient, as every audited row is (the staff's filter reads it).
        return {"patient_id": self.visit.device.patient_id, "visit_id": self.visit_id}

    def clean(self) -> None:
        errors = settings_range_errors(
            amplitude=self.amplitude, amplitude_unit=self.amplitude_unit,
            pulse_width_us=self.pulse_width_us, frequency_hz=self.frequency_hz,
        ) | threshold_range_errors(
            amplitude_unit=self.amplitude_unit, sensory_threshold=self.sensory_threshold,
            motor_threshold=self.motor_threshold,
        )
        if not isinstance(self.responses, list) or not all(
            isinstance(code, str) for code in self.responses
        ):
            errors["responses"] = gettext("Must be a list of response codes.")
        if errors:
            raise ValidationError(errors)


auditlog.register(
    ProgrammingVisit, mask_fields=["note"], mask_callable="accounts.audit.redact_text"
)
auditlog.register(VisitConfiguration)
