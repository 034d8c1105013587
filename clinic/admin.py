"""Clinics, and clinician and staff accounts. A clinician is a user with a Clinician row in a
clinic; which patients they see is each patient's care team within that clinic, managed here
or on the patient's admin page. Staff of a clinic see its rows only (diary.admin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic, Clinician, StaffMembership
from diary.admin import ClinicFallbackForm, ClinicScopedAdmin
from diary.models import Patient


class ClinicianForm(ClinicFallbackForm):
    patients = forms.ModelMultipleChoiceField(
        queryset=Patient.objects.select_related("user"),
        required=False,
        label=_("Patients"),
        widget=admin.widgets.FilteredSelectMultiple(_("patients"), is_stacked=False),
        help_text=_("The patients this clinician may see (their care team membership)."),
    )

    class Meta:
        model = Clinician
        fields = ["user", "clinic", "title"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["patients"].initial = Patient.objects.filter(care_team=self.instance.user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        clinic = cleaned.get("clinic")
        patients = cleaned.get("patients")
        if clinic is not None and patients:
            outside = [p.user.username for p in patients if p.clinic_id != clinic.pk]
            if outside:
                self.add_error("patients", _(
                    "These patients belong to another clinic and cannot be in this "
                    "clinician's care: %(names)s."
                ) % {"names": ", ".join(outside)})
        return cleaned


@admin.register(Clinician)
class ClinicianAdmin(ClinicScopedAdmin):
    form = ClinicianForm
    clinic_paths = "clinic"
    list_display = ["user", "clinic", "title", "patient_count"]
    list_filter = [("clinic", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "title"]
    list_select_related = ["user", "clinic"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(n_patients=Count("user__patients_in_care"))

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        # The choices are the patients this staff user may see: their clinic's.
        patients = self.admin_site._registry[Patient].get_queryset(request)
        form.base_fields["patients"].queryset = patients.select_related("user")
        return form

    @admin.display(description=_("Patients"), ordering="n_patients")
    def patient_count(self, clinician: Clinician) -> int:
        return clinician.n_patients

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.user.patients_in_care.set(form.cleaned_data["patients"])


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    """Superusers make clinics; a clinic's staff see their own."""

    clinic_paths = "pk"
    list_display = ["name", "slug", "created"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(StaffMembership)
class StaffMembershipAdmin(ClinicScopedAdmin):
    """Which clinic a staff account administers. Superusers need none."""

    form = ClinicFallbackForm
    clinic_paths = "clinic"
    list_display = ["user", "clinic"]
    list_select_related = ["user", "clinic"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username"]

