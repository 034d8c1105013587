from __future__ import annotations

import zoneinfo
from datetime import date, timedelta, tzinfo
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.usernames import similar_username
from diary.models import MEDICATION_CATEGORY_CHOICES, Medication, Patient, timezone_choices
from diary.validators import check_date, earliest_date, latest_date
from programming.forms import SettingsForm, local_now
from programming.models import PHASE_CHOICES, THERAPY_CHOICES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatientOnboardForm(SettingsForm):
    """Account, device and initial settings of a new patient, in one form."""

    username = forms.CharField(
        label=_("Username"), max_length=150, validators=[User.username_validator],
        help_text=_("What the patient will sign in with. Letters, digits and @ . + - _ only."),
    )
    display_name = forms.CharField(
        label=_("Display name"), max_length=80, required=False,
        help_text=_("Optional. How the care team knows the patient; shown to clinicians only."),
    )
    record_number = forms.CharField(
        label=_("Clinic record number"), max_length=32, required=False,
        # Translators: MRN is a medical record number.
        help_text=_("Optional. Your clinic's record or MRN number, for reports."),
    )
    email = forms.EmailField(
        label=_("Email address"), max_length=254, required=False,
        help_text=_("Optional. For evening reminders and for resetting a forgotten password."),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=timezone_choices,
        help_text=_("Where the patient lives. Starts at the clinic's own zone."),
    )
    therapy = forms.ChoiceField(label=_("Therapy"), choices=THERAPY_CHOICES)
    phase = forms.ChoiceField(label=_("Phase"), choices=PHASE_CHOICES, initial="trial")
    implanted_on = forms.DateField(label=_("Implant date"), widget=DATE_WIDGET)
    lead_site = forms.CharField(
        label=_("Lead site"), max_length=80, required=False,
        # Translators: a sacral root; keep "S3" as it is.
        help_text=_("For example 'left S3'."),
    )

    field_order = [
        "username", "display_name", "record_number", "email", "timezone", "therapy", "phase",
        "implanted_on", "lead_site",
        "effective_at", "amplitude", "amplitude_unit", "pulse_width_us", "frequency_hz",
        "electrode_configuration",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clinic_zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.fields["timezone"].initial = settings.TIME_ZONE
        self.fields["effective_at"].initial = local_now(clinic_zone)
        self.fields["effective_at"].label = gettext("Settings in effect from")

    def zone_for(self, cleaned: dict[str, Any]) -> tzinfo | None:
        name = cleaned.get("timezone")
        return zoneinfo.ZoneInfo(name) if name else None

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        # One rule for "the same name" (accounts.usernames): case and Unicode compatibility form.
        if User.objects.filter(username=username).exists() or similar_username(username):
            raise forms.ValidationError(gettext("That username is taken. Choose another."))
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email and User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(gettext("Another account uses this address."))
        return email

    def clean_display_name(self) -> str:
        return " ".join(self.cleaned_data["display_name"].split())

    def clean_record_number(self) -> str:
        return self.cleaned_data["record_number"].strip()

    def implanted_on_for(self, cleaned: dict[str, Any]) -> date | None:
        return cleaned.get("implanted_on")

    def clean_implanted_on(self) -> date:
        implanted_on = self.cleaned_data["implanted_on"]
        check_date(implanted_on, what="implant date")
        return implanted_on


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name", "category", "started_on", "stopped_on"]
        widgets = {"started_on": DATE_WIDGET, "stopped_on": DATE_WIDGET}
        labels = {
            "name": _("Name"), "category": _("Category"), "started_on": _("Started on"),
            "stopped_on": _("Stopped on (if already stopped)"),
        }

    # The bounds (diary.validators): not before EARLIEST_DIARY_DATE, not in the future.
    def clean_started_on(self) -> date:
        started_on = self.cleaned_data["started_on"]
        check_date(started_on)
        return started_on

    def clean_stopped_on(self) -> date | None:
        stopped_on = self.cleaned_data.get("stopped_on")
        check_date(stopped_on)
        return stopped_on


# A clinician names the kind: "Not sure" is the patient's answer, not the care team's.
KIND_CHOICES = [(code, label) for code, label in MEDICATION_CATEGORY_CHOICES if code != "not_sure"]


class MedicationKindForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Choose a kind")), *KIND_CHOICES],
        help_text=_("'Other' marks the kind as checked: none the ladder's medication rule reads."),
        error_messages={
            "required": _("Choose the kind of this medicine."),
            "invalid_choice": _("Choose one of the kinds in the list."),
        },
    )


class MedicationStopForm(forms.Form):
    stopped_on = forms.DateField(label=_("Stopped on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, medication: Medication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.medication = medication

    def clean_stopped_on(self) -> date:
        stopped_on = self.cleaned_data["stopped_on"]
        if stopped_on < self.medication.started_on:
            raise forms.ValidationError(gettext("The stop date is before the start date."))
        check_date(stopped_on)
        return stopped_on




class OutcomeSettingsForm(forms.ModelForm):
    """What a sacral device is for (it decides the patient's daily outcome), and the bladder
    diary's days: from a start day, a few consecutive days (before a visit or after a change)."""

    class Meta:
        model = Patient
        fields = ["sacral_indication", "outcome_diary_start", "outcome_diary_days"]
        labels = {
            "sacral_indication": _("Sacral stimulation for"),
            "outcome_diary_start": _("Bladder diary: first day"),
            "outcome_diary_days": _("Bladder diary: number of days"),
        }
        help_texts = {
            "outcome_diary_start": _(
                "Leave empty for no diary. Usually the 3 days before a visit or after a "
                "settings change."
            ),
        }
        widgets = {"outcome_diary_start": DATE_WIDGET}

    def clean_outcome_diary_start(self) -> date | None:
        day = self.cleaned_data.get("outcome_diary_start")
        if day is not None and not (earliest_date() <= day <= latest_date() + timedelta(366)):
            raise forms.ValidationError(gettext("Choose a first day within the diary's dates."))
        return day
