"""Clinician pages that add to a patient's settings history: visits, device off and on, lead
revisions, and corrections. Nothing here edits a record; every change is a new one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from diary.access import clinician_required, get_patient_or_404, get_scoped_or_404
from programming.forms import PlannedTrialForm, ProgrammingForm, initial_from_record
from programming.models import PlannedTrial, SettingsRecord
from programming.services import (
    current_device,
    planned_trial_create,
    record_before,
    settings_record_create,
)

# What each entry point records; one form serves them all, prefilled with the current values.
KINDS: dict[str, dict[str, Any]] = {
    "visit": {"title": "Record a programming visit", "reason": ""},
    "device_off": {"title": "Record the device turned off", "reason": "device_off", "on": False},
    "device_on": {"title": "Record the device turned back on", "reason": "device_on", "on": True},
    "lead_revision": {"title": "Record a lead revision", "reason": "lead_revision"},
}


def _save(form: ProgrammingForm, request: HttpRequest, **extra: Any) -> bool:
    data = form.cleaned_data
    try:
        settings_record_create(
            device=extra.pop("device"),
            effective_at=data["effective_at"],
            amplitude=data["amplitude"],
            amplitude_unit=data["amplitude_unit"],
            pulse_width_us=data["pulse_width_us"],
            frequency_hz=data["frequency_hz"],
            stimulation_on=data["stimulation_on"],
            electrode_configuration=data["electrode_configuration"],
            reason=data["reason"],
            note=data["note"],
            source="clinic",
            recorded_by=request.user,
            **extra,
        )
    except (ValidationError, IntegrityError):
        if "corrects" not in extra:
            raise
        # Another correction of the same record got there first (corrects is one-to-one).
        form.add_error(
            None, "This record has been corrected already. Correct the newer record instead."
        )
        return False
    return True


@clinician_required
def record_settings(request: HttpRequest, patient_id: int, kind: str = "visit") -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    spec = KINDS[kind]
    device = current_device(patient)
    if device is None:
        raise Http404("This patient has no device.")
    latest = SettingsRecord.objects.filter(device=device).current().timeline_order().last()
    checks = {
        "therapy": device.therapy,
        "current": latest,
        "device_unit": latest.amplitude_unit if latest else None,
        "implanted_on": device.implanted_on,
    }
    if request.method == "POST":
        form = ProgrammingForm(request.POST, zone=patient.tz, **checks)
        if form.is_valid() and _save(form, request, device=device):
            messages.success(request, "Settings recorded. The diary reads from them from now on.")
            return redirect("clinic:patient", patient_id=patient.pk)
    else:
        initial = initial_from_record(latest, patient.tz, keep_time=False) if latest else {}
        initial["reason"] = spec["reason"]
        if "on" in spec:
            initial["stimulation_on"] = spec["on"]
        form = ProgrammingForm(initial=initial, zone=patient.tz, **checks)
    return render(request, "programming/settings_form.html", {
        "patient": patient, "device": device, "form": form, "title": spec["title"],
        "latest": latest,
    })


@clinician_required
def correct_record(request: HttpRequest, patient_id: int, record_id: int) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    record = get_scoped_or_404(
        request.user,
        SettingsRecord.objects.for_patient(patient).select_related("device"),
        record_id,
        patient_path="device__patient",
    )
    if SettingsRecord.objects.filter(corrects=record).exists():
        messages.error(
            request,
            "That record has been corrected already. To change it again, correct the newer record.",
        )
        return redirect("clinic:patient", patient_id=patient.pk)
    before = record_before(record)
    checks = {
        "therapy": record.device.therapy,
        "current": record,
        "before": before,
        "device_unit": unit_around(record, before),
        "correcting": True,
        "implanted_on": record.device.implanted_on,
    }
    if request.method == "POST":
        form = ProgrammingForm(request.POST, zone=patient.tz, **checks)
        if form.is_valid() and _save(form, request, device=record.device, corrects=record):
            messages.success(request, "Correction recorded. The original is kept in the history.")
            return redirect("clinic:patient", patient_id=patient.pk)
    else:
        form = ProgrammingForm(
            initial={**initial_from_record(record, patient.tz, keep_time=True), "note": ""},
            zone=patient.tz,
            **checks,
        )
    return render(request, "programming/settings_form.html", {
        "patient": patient, "device": record.device, "form": form, "record": record,
        "before": before, "title": "Correct a settings record",
    })


def unit_around(record: SettingsRecord, before: SettingsRecord | None) -> str | None:
    """The unit a correction of `record` must keep: that of the record before it (`before`),
    else the device's next one; None when it is the device's only record (a wrong unit on
    a first record can be put right). A lead revision may change the unit (the form's rule)."""
    if before is not None:
        return before.amplitude_unit
    others = (
        SettingsRecord.objects.filter(device=record.device).current().exclude(pk=record.pk)
    )
    neighbour = others.timeline_order().first()
    return neighbour.amplitude_unit if neighbour else None


@clinician_required
def planned_trial(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Mark a run of settings changes as a planned trial (N-of-1, order fixed in advance)."""
    patient = get_patient_or_404(request.user, patient_id)
    device = current_device(patient)
    if device is None:
        raise Http404("This patient has no device.")
    if request.method == "POST":
        form = PlannedTrialForm(request.POST, implanted_on=device.implanted_on)
        if form.is_valid():
            data = form.cleaned_data
            planned_trial_create(
                device=device, parameter=data["parameter"], first_night=data["first_night"],
                last_night=data["last_night"], order_randomised=data["order_randomised"],
                note=data["note"], recorded_by=request.user,
            )
            messages.success(
                request, "Planned trial marked. The analysis reads its settings periods as the "
                "trial's from now on."
            )
            return redirect("clinic:patient", patient_id=patient.pk)
    else:
        form = PlannedTrialForm(implanted_on=device.implanted_on)
    trials = PlannedTrial.objects.for_patient(patient).order_by("-first_night", "-id")
    return render(request, "programming/planned_trial_form.html", {
        "patient": patient, "device": device, "form": form, "trials": trials,
        "title": "Mark a planned trial",
    })
