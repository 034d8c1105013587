from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.recovery import recovery_code_digest


def _normalise(raw: str) -> str:
    return "".join(raw.replace("-", " ").split()).lower()


def too_many_tries(until: datetime) -> str:
    """The message while django-otp makes the user wait, with the wait in seconds or minutes."""
    seconds = max(math.ceil((until - timezone.now()).total_seconds()), 1)
    if seconds <= 120:
        return ngettext(
            "Too many tries: wait %(count)s second, then enter the code again.",
            "Too many tries: wait %(count)s seconds, then enter the code again.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many tries: wait %(count)s minute, then enter the code again.",
        "Too many tries: wait %(count)s minutes, then enter the code again.",
        minutes,
    ) % {"count": minutes}


class TokenForm(forms.Form):
    """A code from the authenticator app (six digits), or, where `devices` holds the user's
    recovery codes (a StaticDevice), one of those (letters only, so the two never mix)."""

    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, devices: Sequence[Device], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.devices = list(devices)
        self.device: Device | None = None
        self.accepts_recovery = any(isinstance(d, StaticDevice) for d in self.devices)
        if self.accepts_recovery:
            self.fields["token"].label = gettext(
                "Code from your authenticator app, or a recovery code"
            )
            self.fields["token"].widget.attrs["inputmode"] = "text"

    def clean_token(self) -> str:
        token = _normalise(self.cleaned_data["token"])
        if token.isdigit():
            candidates = [d for d in self.devices if not isinstance(d, StaticDevice)]
            to_check = token
            wrong = gettext(
                "That code did not match. Check your phone's clock and use the newest code."
            )
        elif self.accepts_recovery and token.isalpha():
            candidates = [d for d in self.devices if isinstance(d, StaticDevice)]
            to_check = recovery_code_digest(token)
            wrong = gettext(
                "That recovery code is not right, or it was used already. Each works once."
            )
        elif self.accepts_recovery:
            raise forms.ValidationError(
                gettext("Enter the six digits your app shows, or a recovery code (letters only).")
            )
        else:
            raise forms.ValidationError(gettext("The code is the six digits your app shows."))
        # django-otp throttles each device after a wrong code (1 s, then 2, 4, ...): during
        # the wait verify_token says False even for the right code, so ask first and say so.
        waits: list[datetime] = []
        for device in candidates:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                waits.append((details or {}).get("locked_until") or timezone.now())
                continue
            if device.verify_token(to_check):
                self.device = device
                return token
        if candidates and len(waits) == len(candidates):
            raise forms.ValidationError(too_many_tries(min(waits)))
        raise forms.ValidationError(wrong)


class LanguageForm(forms.Form):
    # Each language named in itself (settings.LANGUAGES), so a reader finds their own.
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
