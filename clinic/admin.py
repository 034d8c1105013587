"""Clinician accounts. A clinician is a user with a Clinician row; which patients they see is
each patient's care team, managed here or on the patient's admin page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinician
from diary.models import Patient


class ClinicianForm(forms.ModelForm):
    patients = forms.ModelMultipleChoiceField(
        queryset=Patient.objects.select_related("user"),
        required=False,
        label=_("Patients"),
        widget=admin.widgets.FilteredSelectMultiple(_("patients"), is_stacked=False),
        help_text=_("The patients this clinician may see (their care team membership)."),
    )

    class Meta:
        model = Clinician
        fields = ["user", "title"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["patients"].initial = Patient.objects.filter(care_team=self.instance.user)


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    form = ClinicianForm
    list_display = ["user", "title", "patient_count"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "title"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(n_patients=Count("user__patients_in_care"))

    @admin.display(description=_("Patients"), ordering="n_patients")
    def patient_count(self, clinician: Clinician) -> int:
        return clinician.n_patients

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.user.patients_in_care.set(form.cleaned_data["patients"])
