from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AcknowledgementForm(forms.Form):
    """What the clinician decided about a flag: the acknowledgement is the record of it, so
    it needs words."""

    note = forms.CharField(
        label=_("Note (what you decided)"),
        max_length=2000,
        error_messages={
            "required": _(
                "Write what you decided, for example 'Will reduce at Friday's visit'."
            ),
        },
    )
