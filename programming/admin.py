"""Staff views of devices and the settings history. The history is append-only: staff may add
a record (it goes through settings_record_create) but never edit or delete one; a mistake is
fixed with a correction from the clinician's patient page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from diary.admin import ClinicScopedAdmin
from diary.models import Patient
from diary.services import patient_data_changed
from diary.validators import check_date
from programming.models import (
    Device,
    PlannedTrial,
    ProgrammingVisit,
    SettingsRecord,
    VisitConfiguration,
)
from programming.services import settings_record_create


class DeviceAdminForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = "__all__"

    def clean_implanted_on(self) -> date:
        # The model checks a new device; a changed implant date is entered here too.
        implanted_on = self.cleaned_data["implanted_on"]
        if "implanted_on" in self.changed_data:
            check_date(implanted_on, what="implant date")
        return implanted_on


@admin.register(Device)
class DeviceAdmin(ClinicScopedAdmin):
    form = DeviceAdminForm
    list_display = ["patient", "therapy", "phase", "implanted_on", "lead_site"]
    list_filter = ["therapy", "phase"]
    search_fields = ["patient__user__username", "lead_site"]
    list_select_related = ["patient__user"]
    autocomplete_fields = ["patient"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Device, form: Any, change: bool) -> None:
        # The patient page caches the device line per data version (clinic.views.patient_record).
        previous = form.initial.get("patient") if change else None
        super().save_model(request, obj, form, change)
        patient_data_changed(obj.patient)
        if previous is not None and previous != obj.patient_id:
            moved_from = Patient.objects.filter(pk=previous).first()
            if moved_from is not None:
                patient_data_changed(moved_from)


@admin.register(SettingsRecord)
class SettingsRecordAdmin(ClinicScopedAdmin):
    clinic_paths = "device__patient__clinic"
    list_display = [
        "device_patient", "effective_at", "amplitude", "amplitude_unit", "pulse_width_us",
        "frequency_hz", "stimulation_on", "reason", "source", "corrects",
    ]
    list_filter = ["reason", "source", "stimulation_on", "device__therapy"]
    search_fields = ["device__patient__user__username"]
    list_select_related = ["device__patient__user", "corrects"]
    date_hierarchy = "effective_at"
    autocomplete_fields = ["device"]
    raw_id_fields = ["corrects"]
    exclude = ["recorded_by"]

    @admin.display(description=_("Patient"), ordering="device__patient__user__username")
    def device_patient(self, record: SettingsRecord) -> str:
        return record.device.patient.user.username

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Existing records are shown read-only; only the add form can be submitted.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: SettingsRecord, form: Any, change: bool
    ) -> None:
        if change:
            return
        created = settings_record_create(
            device=obj.device,
            effective_at=obj.effective_at,
            amplitude=obj.amplitude,
            amplitude_unit=obj.amplitude_unit,
            pulse_width_us=obj.pulse_width_us,
            frequency_hz=obj.frequency_hz,
            stimulation_on=obj.stimulation_on,
            electrode_configuration=obj.electrode_configuration,
            source=obj.source,
            reason=obj.reason,
            note=obj.note,
            corrects=obj.corrects,
            recorded_by=request.user,
        )
        obj.pk = created.pk


@admin.register(PlannedTrial)
class PlannedTrialAdmin(ClinicScopedAdmin):
    clinic_paths = "device__patient__clinic"
    list_display = [
        "device_patient", "parameter", "first_night", "last_night", "order_randomised",
        "recorded_at",
    ]
    list_filter = ["parameter", "order_randomised"]
    search_fields = ["device__patient__user__username"]
    list_select_related = ["device__patient__user"]
    autocomplete_fields = ["device"]
    exclude = ["recorded_by"]

    @admin.display(description=_("Patient"), ordering="device__patient__user__username")
    def device_patient(self, trial: PlannedTrial) -> str:
        return trial.device.patient.user.username

    def save_model(self, request: HttpRequest, obj: PlannedTrial, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        # The analysis reads trials per data version (insights.data.cached_analysis).
        patient_data_changed(obj.device.patient)

    def delete_model(self, request: HttpRequest, obj: PlannedTrial) -> None:
        patient = obj.device.patient
        super().delete_model(request, obj)
        patient_data_changed(patient)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        patients = {trial.device.patient for trial in queryset.select_related("device__patient")}
        super().delete_queryset(request, queryset)
        for patient in patients:
            patient_data_changed(patient)


class VisitConfigurationInline(admin.TabularInline):
    model = VisitConfiguration
    extra = 0
    can_delete = False
    fields = [
        "position", "electrodes", "amplitude", "amplitude_unit", "pulse_width_us",
        "frequency_hz", "sensory_threshold", "motor_threshold", "felt_at", "responses",
        "comfort", "left_in_place",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProgrammingVisit)
class ProgrammingVisitAdmin(ClinicScopedAdmin):
    """Staff read the programming visits; clinicians record them on the patient page (the
    visit and its settings record are written together, never here). No report link: a
    report goes to the care team only, through clinic:visit-report."""

    clinic_paths = "device__patient__clinic"

    list_display = ["device_patient", "visited_at", "clinician", "settings_record"]
    search_fields = ["device__patient__user__username"]
    list_select_related = ["device__patient__user", "clinician", "settings_record"]
    fields = ["device", "visited_at", "clinician", "settings_record", "recorded_at"]
    readonly_fields = fields
    inlines = [VisitConfigurationInline]

    @admin.display(description=_("patient"))
    def device_patient(self, obj: ProgrammingVisit) -> str:
        return obj.device.patient.user.username

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
