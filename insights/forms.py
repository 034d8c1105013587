from __future__ import annotations

from django import forms


class AcknowledgementForm(forms.Form):
    """What the clinician decided about a flag: the acknowledgement is the record of it, so
    it needs words."""

    note = forms.CharField(
        label="Note (what you decided)",
        max_length=2000,
        error_messages={
            "required": "Write what you decided, for example 'Will reduce at Friday's visit'.",
        },
    )
