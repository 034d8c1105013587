from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notify.models import Preference


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        help_text=_("For reminders and for resetting your password. Leave empty for none."),
    )

    def __init__(self, *args: Any, user: Any, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].required = required
        if required:
            self.fields["email"].help_text = gettext(
                "For your digest and for resetting your password."
            )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email and (
            get_user_model()
            .objects.filter(email__iexact=email)
            .exclude(pk=self.user.pk)
            .exists()
        ):
            raise forms.ValidationError(
                gettext("Another account uses this address. Use your own address.")
            )
        return email


PUSH_NOT_SET_UP = _(
    "Phone notifications are not set up on this server; reminders come by email."
)
PUSH_NOT_SET_UP_CHOOSE_EMAIL = _(
    "Phone notifications are not set up on this server; reminders come by email. Choose email."
)


class ChannelRadioSelect(forms.RadioSelect):
    """Radio buttons where some choices are shown but cannot be picked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disabled_values: set[str] = set()

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"] in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class PatientPreferenceForm(forms.ModelForm):
    """`push_available` (notify.dispatch.push_is_set_up()): without it a phone notification
    cannot be chosen, and a patient who chose one earlier is shown email, which is what is
    used (the page says so)."""

    def __init__(self, *args: Any, push_available: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.push_available = push_available
        self.push_chosen_but_unavailable = (
            not push_available and self.instance.channel == "push"
        )
        if not push_available:
            field = self.fields["channel"]
            field.widget.disabled_values = {"push"}
            field.help_text = PUSH_NOT_SET_UP
            if self.push_chosen_but_unavailable:
                self.initial["channel"] = "email"

    def clean_channel(self) -> str:
        channel = self.cleaned_data["channel"]
        if channel == "push" and not self.push_available:
            raise forms.ValidationError(PUSH_NOT_SET_UP_CHOOSE_EMAIL)
        return channel

    class Meta:
        model = Preference
        fields = ["evening_enabled", "evening_time", "channel", "nudge_enabled"]
        widgets = {
            "evening_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "channel": ChannelRadioSelect,
        }
        help_texts = {
            "evening_time": _("On your own clock. Sent only if last night is not logged yet."),
            "nudge_enabled": _("Then nothing more until you log again."),
        }


class ClinicianPreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["digest_enabled", "digest_time"]
        widgets = {"digest_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "digest_time": _(
                "In the clinic's time zone. Sent only when a flag is new or has new evidence."
            ),
        }


class PushSubscriptionForm(forms.Form):
    """The JSON of a browser's PushSubscription, as PushSubscription.toJSON() gives it."""

    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)

    def clean_endpoint(self) -> str:
        endpoint = self.cleaned_data["endpoint"]
        if not endpoint.startswith("https://"):
            raise forms.ValidationError(gettext("A push endpoint must use https."))
        return endpoint
