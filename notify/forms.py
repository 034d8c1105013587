from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from notify.models import Preference


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        help_text="For reminders and for resetting your password. Leave empty for none.",
    )

    def __init__(self, *args: Any, user: Any, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].required = required
        if required:
            self.fields["email"].help_text = "For your digest and for resetting your password."

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email and (
            get_user_model()
            .objects.filter(email__iexact=email)
            .exclude(pk=self.user.pk)
            .exists()
        ):
            raise forms.ValidationError("Another account uses this address. Use your own address.")
        return email


class PatientPreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["evening_enabled", "evening_time", "channel", "nudge_enabled"]
        widgets = {
            "evening_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "channel": forms.RadioSelect,
        }
        help_texts = {
            "evening_time": "On your own clock. Sent only if last night is not logged yet.",
            "nudge_enabled": "Then nothing more until you log again.",
        }


class ClinicianPreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["digest_enabled", "digest_time"]
        widgets = {"digest_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "digest_time": "In the clinic's time zone. Sent only when a flag is new or has new "
            "evidence.",
        }


class PushSubscriptionForm(forms.Form):
    """The JSON of a browser's PushSubscription, as PushSubscription.toJSON() gives it."""

    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)

    def clean_endpoint(self) -> str:
        endpoint = self.cleaned_data["endpoint"]
        if not endpoint.startswith("https://"):
            raise forms.ValidationError("A push endpoint must use https.")
        return endpoint
