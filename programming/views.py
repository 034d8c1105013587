"""Clinician pages that add to a patient's settings history: visits, device off and on, lead
revisions, and corrections. Nothing here edits a record; every change is a new one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.access import clinician_required, get_patient_or_404, get_scoped_or_404
from diary.models import Patient
from programming.forms import (
    VISIT_EXTRA_ROWS,
    VISIT_MAX_ROWS,
    BaseVisitConfigurationFormSet,
    PlannedTrialForm,
    ProgrammingForm,
    VisitConfigurationFormSet,
    VisitForm,
    VisitReportForm,
    initial_from_record,
    local_now,
)
from programming.models import (
    Device,
    PlannedTrial,
    ProgrammingVisit,
    SettingsRecord,
    response_labels,
)
from programming.services import (
    current_device,
    planned_trial_create,
    record_before,
    settings_record_create,
    visit_record_create,
    visit_report_attach,
)

# What each entry point records; one form serves them all, prefilled with the current values.
KINDS: dict[str, dict[str, Any]] = {
    "visit": {"title": gettext_lazy("Record a programming visit"), "reason": ""},
    "device_off": {
        "title": gettext_lazy("Record the device turned off"), "reason": "device_off", "on": False,
    },
    "device_on": {
        "title": gettext_lazy("Record the device turned back on"), "reason": "device_on",
        "on": True,
    },
    "lead_revision": {"title": gettext_lazy("Record a lead revision"), "reason": "lead_revision"},
}


def settings_html(settings: SettingsRecord | None) -> str:
    """clinic/_settings.html for one record, to place inside a translated sentence."""
    return render_to_string("clinic/_settings.html", {"s": settings}) if settings else ""


def responses_label(therapy: str) -> str:
    return _("Motor response") if therapy == "sacral" else _("Areas covered")


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
            None, _("This record has been corrected already. Correct the newer record instead.")
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
            messages.success(
                request, _("Settings recorded. The diary reads from them from now on.")
            )
            return redirect("clinic:patient", patient_id=patient.pk)
    else:
        initial = initial_from_record(latest, patient.tz, keep_time=False) if latest else {}
        initial["reason"] = spec["reason"]
        if "on" in spec:
            initial["stimulation_on"] = spec["on"]
        form = ProgrammingForm(initial=initial, zone=patient.tz, **checks)
    return render(request, "programming/settings_form.html", {
        "patient": patient, "device": device, "form": form, "title": spec["title"],
        "latest": latest, "latest_html": settings_html(latest),
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
            _(
                "That record has been corrected already. To change it again, correct the newer "
                "record."
            ),
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
            messages.success(
                request, _("Correction recorded. The original is kept in the history.")
            )
            return redirect("clinic:patient", patient_id=patient.pk)
    else:
        form = ProgrammingForm(
            initial={**initial_from_record(record, patient.tz, keep_time=True), "note": ""},
            zone=patient.tz,
            **checks,
        )
    return render(request, "programming/settings_form.html", {
        "patient": patient, "device": record.device, "form": form, "record": record,
        "before": before, "title": _("Correct a settings record"),
        "record_html": settings_html(record), "before_html": settings_html(before),
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


# --- The programming visit (issue 25) ------------------------------------------------------


def visit_or_404(request: HttpRequest, patient: Patient, visit_id: int) -> ProgrammingVisit:
    """A visit of `patient`, through the access helper: another care team's answers 404."""
    return get_scoped_or_404(
        request.user,
        ProgrammingVisit.objects.for_patient(patient).select_related(
            "device", "clinician", "settings_record"
        ),
        visit_id,
        patient_path="device__patient",
    )


def _with_one_more_row(data: QueryDict) -> QueryDict:
    """'Add a row' without JavaScript: the same form back with one more empty row."""
    data = data.copy()
    key = "rows-TOTAL_FORMS"
    try:
        total = int(data.get(key, VISIT_EXTRA_ROWS))
    except ValueError:
        total = VISIT_EXTRA_ROWS
    data[key] = str(min(total + 1, VISIT_MAX_ROWS))
    return data


@clinician_required
def visit_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    device = current_device(patient)
    if device is None:
        raise Http404("This patient has no device.")
    latest = SettingsRecord.objects.filter(device=device).current().timeline_order().last()
    row_initial = {"amplitude_unit": latest.amplitude_unit if latest else "mA"}
    if latest is not None:
        row_initial |= {
            "pulse_width_us": latest.pulse_width_us, "frequency_hz": latest.frequency_hz,
        }
    visit_kwargs = {
        "zone": patient.tz, "implanted_on": device.implanted_on,
        "device_unit": latest.amplitude_unit if latest else None,
        "therapy": device.therapy, "current": latest,
    }
    rows_kwargs = {"therapy": device.therapy, "row_initial": row_initial, "prefix": "rows"}
    adding = request.method == "POST" and "add_row" in request.POST
    if request.method == "POST":
        data = _with_one_more_row(request.POST) if adding else request.POST
        form = VisitForm(data, **visit_kwargs)
        rows = VisitConfigurationFormSet(data, **rows_kwargs)
        if not adding and form.is_valid() and rows.is_valid():
            form.check_rows(rows)
            if not form.errors and rows.is_valid():
                visit = _save_visit(request, device, form, rows)
                messages.success(request, _("Visit recorded."))
                return redirect("programming:visit", patient_id=patient.pk, visit_id=visit.pk)
    else:
        form = VisitForm(initial={"visited_at": local_now(patient.tz)}, **visit_kwargs)
        rows = VisitConfigurationFormSet(**rows_kwargs)
    chosen = form.data.get("left_in_place", "") if form.is_bound else ""
    return render(request, "programming/visit_form.html", {
        # 'Add a row' only adds one: what is half typed is not judged yet.
        "show_errors": request.method == "POST" and not adding,
        "patient": patient, "device": device, "form": form, "rows": rows, "latest": latest,
        "chosen": chosen, "can_add": rows.total_form_count() < VISIT_MAX_ROWS,
        "responses_label": responses_label(device.therapy), "latest_html": settings_html(latest),
    })


def _save_visit(
    request: HttpRequest, device: Device, form: VisitForm, rows: BaseVisitConfigurationFormSet
) -> ProgrammingVisit:
    chosen = form.cleaned_data["left_in_place"]
    used: list[dict[str, Any]] = []
    left_in_place = None
    for index, row in enumerate(rows.forms):
        if not row.has_changed():
            continue
        if index == chosen:
            left_in_place = len(used)
        used.append(row.cleaned_data)
    return visit_record_create(
        device=device,
        visited_at=form.cleaned_data["visited_at"],
        clinician=request.user,
        configurations=used,
        left_in_place=left_in_place,
        note=form.cleaned_data["note"],
    )


@clinician_required
def visit_detail(request: HttpRequest, patient_id: int, visit_id: int) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    visit = visit_or_404(request, patient, visit_id)
    report_form = VisitReportForm()
    if request.method == "POST":
        report_form = VisitReportForm(request.POST, request.FILES)
        if report_form.is_valid():
            visit_report_attach(visit=visit, report=report_form.cleaned_data["report"])
            messages.success(request, _("Session report attached."))
            return redirect("programming:visit", patient_id=patient.pk, visit_id=visit.pk)
    configurations = list(visit.configurations.all())
    for row in configurations:
        row.response_labels = response_labels(visit.device.therapy, row.responses)
    return render(request, "programming/visit_detail.html", {
        "patient": patient, "visit": visit, "configurations": configurations,
        "report_form": report_form,
        "responses_label": responses_label(visit.device.therapy),
        "left_html": settings_html(visit.settings_record),
    })


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
                request, _(
                    "Planned trial marked. The analysis reads its settings periods as the "
                    "trial's from now on."
                ),
            )
            return redirect("clinic:patient", patient_id=patient.pk)
    else:
        form = PlannedTrialForm(implanted_on=device.implanted_on)
    trials = PlannedTrial.objects.for_patient(patient).order_by("-first_night", "-id")
    return render(request, "programming/planned_trial_form.html", {
        "patient": patient, "device": device, "form": form, "trials": trials,
        "title": _("Mark a planned trial"),
    })
