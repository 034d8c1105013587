from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from diary.validators import check_date
from exchange.csv_reports import DateRange


class DateRangeForm(forms.Form):
    """The optional from/to of an export, as nights' dates (the evening each night began)."""

    start = forms.DateField(
        required=False, label=_("From"), input_formats=["%Y-%m-%d"]
    )
    end = forms.DateField(required=False, label=_("To"), input_formats=["%Y-%m-%d"])

    def __init__(self, data: object = None, **kwargs: object) -> None:
        # The query string says from= and to=; "from" is a Python keyword, hence the mapping.
        if data is not None:
            data = {"start": data.get("from", ""), "end": data.get("to", "")}  # type: ignore[attr-defined]
        super().__init__(data, **kwargs)

    def clean_start(self) -> date | None:
        check_date(self.cleaned_data.get("start"))
        return self.cleaned_data.get("start")

    def clean_end(self) -> date | None:
        check_date(self.cleaned_data.get("end"))
        return self.cleaned_data.get("end")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(gettext("The first date is after the last one."))
        return cleaned

    def date_range(self) -> DateRange:
        return DateRange(self.cleaned_data.get("start"), self.cleaned_data.get("end"))


class ErasureRequestForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that, once my clinic approves, my whole diary is erased and cannot "
            "be brought back, and I can no longer sign in."
        ),
        error_messages={
            "required": _("Tick the box to say you understand, or leave this page."),
        },
    )


class ErasureDecisionForm(forms.ModelForm):
    """Staff decide a pending request in the admin: approve or refuse, always with a reason
    the patient reads."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Choose")), ("approve", _("Approve: erase the diary now")),
                 ("refuse", _("Refuse"))],
        error_messages={"required": _("Choose approve or refuse."),
                        "invalid_choice": _("Choose approve or refuse.")},
    )

    class Meta:
        from exchange.models import ErasureRequest

        model = ErasureRequest
        fields = ["decision", "reason"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = gettext(
            "Give the reason: the patient reads it (for a refusal, the rule that keeps the record)."
        )
