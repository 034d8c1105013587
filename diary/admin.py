"""Staff views of diary rows. Read-only: the diary is written through diary.services so every
change bumps the patient's data version; free text (notes) is never shown in a list."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from diary.models import CrampEpisode, Medication, Night, Patient
from diary.services import patient_data_changed


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    """Where staff manage care teams: which clinicians may see a patient."""

    list_display = ["user", "display_name", "timezone", "care_team_list", "created_at"]
    list_filter = ["timezone", "care_team"]
    search_fields = ["user__username", "user__email", "display_name", "record_number"]
    list_select_related = ["user"]
    filter_horizontal = ["care_team"]
    fields = [
        "user", "display_name", "record_number", "timezone", "care_team", "data_version",
        "created_at",
    ]
    readonly_fields = ["data_version", "created_at"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("care_team")

    def save_model(self, request: HttpRequest, obj: Patient, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "timezone" in form.changed_data:
            # Pages show times in the patient's zone and cache them per data version.
            patient_data_changed(obj)

    @admin.display(description=_("Care team"))
    def care_team_list(self, patient: Patient) -> str:
        return ", ".join(user.username for user in patient.care_team.all()) or "—"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Night)
class NightAdmin(ReadOnlyAdmin):
    list_display = ["patient", "date", "timezone", "checked_in_at", "deleted_at"]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter), "date"]
    search_fields = ["patient__user__username"]
    list_select_related = ["patient__user"]
    date_hierarchy = "date"


@admin.register(CrampEpisode)
class CrampEpisodeAdmin(ReadOnlyAdmin):
    list_display = ["night_patient", "started_at", "severity", "side", "site", "deleted_at"]
    list_filter = ["severity", "side", "site", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["night__patient__user__username"]
    list_select_related = ["night__patient__user"]
    exclude = ["client_token"]

    @admin.display(description=_("Patient"), ordering="night__patient__user__username")
    def night_patient(self, episode: CrampEpisode) -> str:
        return episode.night.patient.user.username


@admin.register(Medication)
class MedicationAdmin(ReadOnlyAdmin):
    list_display = ["patient", "name", "category", "started_on", "stopped_on", "deleted_at"]
    list_filter = ["category", ("stopped_on", admin.EmptyFieldListFilter)]
    search_fields = ["patient__user__username", "name"]
    list_select_related = ["patient__user"]
