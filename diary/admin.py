"""Staff views of diary rows. Read-only: the diary is written through diary.services so every
change bumps the patient's data version; free text (notes) is never shown in a list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Field, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from diary.access import clinic_of, clinic_scoped
from diary.models import CrampEpisode, Medication, Night, Patient
from diary.services import patient_data_changed


class ClinicFallbackForm(forms.ModelForm):
    """A form with a clinic field that may be left empty: the row goes into the clinic the
    admin chose for it (ClinicScopedAdmin.get_form)."""

    fallback_clinic: Any = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "clinic" in self.fields and not cleaned.get("clinic") and self.fallback_clinic:
            cleaned["clinic"] = self.fallback_clinic
            self.errors.pop("clinic", None)
        return cleaned


def fallback_clinic(user: Any) -> Any:
    """The clinic an empty clinic field means: the staff user's own, or the installation's
    only clinic. None when there are several to choose from."""
    clinic_field = Patient._meta.get_field("clinic")
    clinics = clinic_field.related_model.objects.all()
    own = clinic_of(user)
    if own is not None:
        return clinics.get(pk=own)
    only = list(clinics[:2])
    return only[0] if len(only) == 1 else None


class ClinicScopedAdmin(admin.ModelAdmin):
    """Staff see and choose only their clinic's rows; superusers every clinic's
    (diary.access.clinic_scoped). `clinic_paths` lead from the model to its clinic. A row of
    another clinic opened by id is "not found", like a row that does not exist."""

    clinic_paths: str | tuple[str, ...] = "patient__clinic"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return clinic_scoped(request.user, super().get_queryset(request), self.clinic_paths)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get("clinic")
        if field is not None and issubclass(form, ClinicFallbackForm):
            form.fallback_clinic = fallback_clinic(request.user)
            if form.fallback_clinic is not None:
                field.required = False
                field.initial = form.fallback_clinic.pk
        return form

    def related_choices(self, db_field: Field, request: HttpRequest) -> QuerySet | None:
        """The choices for a relation: what the related model's own admin lets this user see."""
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related_admin, ClinicScopedAdmin):
            return related_admin.get_queryset(request)
        return None

    def scoped_choices(
        self, db_field: Field, request: HttpRequest, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        """The field's keyword arguments with its choices narrowed to the clinic's rows."""
        if "queryset" not in kwargs:
            choices = self.related_choices(db_field, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return kwargs

    def formfield_for_foreignkey(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        kwargs = self.scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        kwargs = self.scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyAdmin(ClinicScopedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PatientAdminForm(ClinicFallbackForm):
    class Meta:
        model = Patient
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        clinic = cleaned.get("clinic")
        care_team = cleaned.get("care_team")
        if clinic is not None and care_team is not None:
            # A clinician of another clinic would see nothing (diary.access) and must not be
            # listed either: the care team is the clinic's own.
            outside = [
                user.username for user in care_team
                if getattr(getattr(user, "clinician", None), "clinic_id", None) != clinic.pk
            ]
            if outside:
                self.add_error("care_team", _(
                    "These clinicians work in another clinic and cannot care for this "
                    "patient: %(names)s."
                ) % {"names": ", ".join(outside)})
        return cleaned


@admin.register(Patient)
class PatientAdmin(ClinicScopedAdmin):
    """Where staff manage care teams: which clinicians may see a patient."""

    form = PatientAdminForm
    clinic_paths = "clinic"

    list_display = ["user", "display_name", "timezone", "care_team_list", "created_at"]
    list_filter = [
        ("clinic", admin.RelatedOnlyFieldListFilter),
        "timezone",
        ("care_team", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__username", "user__email", "display_name", "record_number"]
    list_select_related = ["user"]
    filter_horizontal = ["care_team"]
    fields = [
        "user", "clinic", "display_name", "record_number", "timezone", "care_team", "data_version",
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
    clinic_paths = "night__patient__clinic"
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
