from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from diary.models import Patient, field_errors
from diary.validators import check_date, check_settings_moment

THERAPY_CHOICES = [
    ("sacral", "Sacral nerve stimulation"),
    ("spinal_cord", "Spinal cord stimulation"),
    ("drg", "Dorsal root ganglion stimulation"),
    ("peripheral", "Peripheral nerve stimulation"),
    ("other", "Other"),
]
PHASE_CHOICES = [("trial", "Trial"), ("permanent", "Permanent")]
AMPLITUDE_UNIT_CHOICES = [("mA", "mA"), ("V", "V")]
SOURCE_CHOICES = [("clinic", "Clinic"), ("patient_remote", "Patient remote"), ("import", "Import")]
REASON_CHOICES = [
    ("initial", "Initial settings"),
    ("reduce_amplitude", "Reduce amplitude"),
    ("increase_amplitude", "Increase amplitude"),
    ("reprogram", "Reprogram pulse width or frequency"),
    ("device_off", "Device turned off"),
    ("device_on", "Device turned back on"),
    ("lead_revision", "Lead revision"),
    ("other", "Other"),
]

# Physical ranges of current devices.
AMPLITUDE_MAX = {"mA": Decimal("25.5"), "V": Decimal("10.5")}
PULSE_WIDTH_RANGE = (10, 1000)
FREQUENCY_RANGE = (Decimal("1"), Decimal("10000"))


def therapy_benefit_label(therapy: str) -> str:
    """What 'the therapy worked' means for this device, in the patient's words."""
    if therapy == "sacral":
        return "bladder or bowel control"
    if therapy in {"spinal_cord", "drg"}:
        return "pain relief"
    return "how well the therapy worked"


class Device(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="devices")
    therapy = models.CharField(max_length=12, choices=THERAPY_CHOICES)
    phase = models.CharField(max_length=10, choices=PHASE_CHOICES, default="permanent")
    implanted_on = models.DateField()
    lead_site = models.CharField(max_length=80, blank=True, help_text="For example 'left S3'.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-implanted_on", "-id"]

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

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="settings_records")
    effective_at = models.DateTimeField()
    amplitude = models.DecimalField(max_digits=5, decimal_places=2)
    amplitude_unit = models.CharField(max_length=2, choices=AMPLITUDE_UNIT_CHOICES, default="mA")
    pulse_width_us = models.PositiveIntegerField("pulse width (µs)")
    frequency_hz = models.DecimalField("frequency (Hz)", max_digits=7, decimal_places=1)
    stimulation_on = models.BooleanField(default=True)
    electrode_configuration = models.CharField(max_length=80, blank=True)
    source = models.CharField(max_length=16, choices=SOURCE_CHOICES, default="clinic")
    reason = models.CharField(max_length=20, choices=REASON_CHOICES, default="other")
    note = models.TextField(blank=True, max_length=2000)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = SettingsRecordQuerySet.as_manager()

    class Meta:
        ordering = ["effective_at", "id"]
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
            errors["amplitude"] = f"Amplitude must be between 0 and {top} {amplitude_unit}."
    if pulse_width_us is not None:
        low, high = PULSE_WIDTH_RANGE
        if not (low <= pulse_width_us <= high):
            errors["pulse_width_us"] = f"Pulse width must be between {low} and {high} µs."
    if frequency_hz is not None:
        low, high = FREQUENCY_RANGE
        if not (low <= frequency_hz <= high):
            errors["frequency_hz"] = f"Frequency must be between {low} and {high:,} Hz."
    return errors


# Every settings record and device change goes to the audit trail (django-auditlog).
auditlog.register(Device)
auditlog.register(SettingsRecord, mask_fields=["note"], mask_callable="accounts.audit.redact_text")
