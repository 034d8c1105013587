"""Forms for the settings history. Times are typed on the patient's wall clock."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.decimals import DecimalCommaField
from diary.validators import check_settings_moment, readable_moment
from programming.models import (
    AMPLITUDE_UNIT_CHOICES,
    COMFORT_CHOICES,
    REASON_CHOICES,
    TRIAL_PARAMETER_CHOICES,
    planned_trial_errors,
    response_choices_for,
    settings_range_errors,
    threshold_range_errors,
)
from programming.plausibility import (
    amplitude_concerns,
    confirmation_token,
    shown,
    unit_change_message,
)

# A record may be a few minutes ahead of the server clock (a slow typist, a skewed tablet),
# never further: settings that have not happened yet would misattribute the nights before.
# Nor before the device's implant date. The rule: diary.validators.check_settings_moment.


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time, left naive: the form makes it aware in the patient's zone, which is
    not the server's and not the browser's."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        try:
            result = parse_datetime(str(value).strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if result is None:
            result = forms.fields.BaseTemporalField.to_python(self, value)
        return result

    def prepare_value(self, value: Any) -> Any:
        return value


def local_now(zone: tzinfo) -> datetime:
    """Now on the zone's wall clock, to the minute, naive: the initial value of a time field."""
    return timezone.now().astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


class SettingsForm(forms.Form):
    effective_at = LocalDateTimeField(
        label=gettext_lazy("In effect from"),
        help_text=gettext_lazy("Local time where the patient lives."),
    )
    amplitude = DecimalCommaField(
        label=gettext_lazy("Amplitude"), max_digits=5, decimal_places=2
    )
    amplitude_unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=AMPLITUDE_UNIT_CHOICES)
    pulse_width_us = forms.IntegerField(label=gettext_lazy("Pulse width (µs)"))
    frequency_hz = DecimalCommaField(
        label=gettext_lazy("Frequency (Hz)"), max_digits=7, decimal_places=1
    )
    electrode_configuration = forms.CharField(
        label=gettext_lazy("Electrode configuration"), max_length=80, required=False,
        # Translators: electrode configurations as a programmer writes them; keep them as is.
        help_text=gettext_lazy("For example '0-3+' or 'bipolar 1-2'."),
    )

    def __init__(
        self, *args: Any, zone: tzinfo | None = None, implanted_on: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.implanted_on = implanted_on

    def zone_for(self, cleaned: dict[str, Any]) -> tzinfo | None:
        return self.zone

    def implanted_on_for(self, cleaned: dict[str, Any]) -> date | None:
        return self.implanted_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for field, message in settings_range_errors(
            amplitude=cleaned.get("amplitude"),
            amplitude_unit=cleaned.get("amplitude_unit"),
            pulse_width_us=cleaned.get("pulse_width_us"),
            frequency_hz=cleaned.get("frequency_hz"),
        ).items():
            self.add_error(field, message)
        moment = cleaned.get("effective_at")
        zone = self.zone_for(cleaned)
        if moment is not None and zone is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
            cleaned["effective_at"] = moment
            try:
                check_settings_moment(moment, implanted_on=self.implanted_on_for(cleaned))
            except ValidationError as error:
                self.add_error("effective_at", error)
        return cleaned


class AmplitudeConfirmMixin:
    """The confirm step for an unusual amplitude: the form comes back with the concern next to
    the amplitude and a 'yes, this is right' box that carries the value it confirms; nothing
    is saved until the box is ticked for that same value."""

    CONFIRM_FIELD = "confirm_amplitude"

    def check_amplitude(
        self,
        *,
        therapy: str | None,
        amplitude: Decimal | None,
        unit: str | None,
        current: Decimal | None,
        current_unit: str | None,
        data: Any,
        before_record: bool = False,
    ) -> None:
        """`current` is the amplitude in effect now, or (`before_record`, a correction) the
        one in effect before the record being corrected."""
        self.amplitude_concerns: list[str] = []
        self.confirmation_value = ""
        if therapy is None or amplitude is None or unit is None:
            return
        concerns = amplitude_concerns(
            therapy=therapy, unit=unit, new=amplitude, current=current,
            current_unit=current_unit, before_record=before_record,
        )
        if not concerns:
            return
        token = confirmation_token(amplitude, unit)
        if data.get(self.CONFIRM_FIELD) == token:
            return
        self.amplitude_concerns = [c.message for c in concerns]
        self.confirmation_value = token
        values = {"amplitude": shown(amplitude, unit)}
        if current is None:
            message = _(
                "Is %(amplitude)s right? Check the number; if it is right, tick 'Yes, this is "
                "right' below and save again."
            ) % values
        elif before_record:
            values["was"] = shown(current, current_unit or unit)
            message = _(
                "Is %(amplitude)s right? The amplitude before this record is %(was)s. Check the "
                "number; if it is right, tick 'Yes, this is right' below and save again."
            ) % values
        else:
            values["was"] = shown(current, current_unit or unit)
            message = _(
                "Is %(amplitude)s right? The amplitude now is %(was)s. Check the number; if it "
                "is right, tick 'Yes, this is right' below and save again."
            ) % values
        self.add_error("amplitude", message)  # type: ignore[attr-defined]


class ProgrammingForm(AmplitudeConfirmMixin, SettingsForm):
    """A new settings record, or a correction of one (`correcting`). `current` is the record
    the change starts from (the one in effect, or the one being corrected), `device_unit` the
    unit the device's history is kept in. A correction's amplitude is compared with the record
    before the one it corrects (`before`; None for a device's first record): the corrected
    value is the mistake, so 0.15 put back to 1.5 is no jump when 1.5 was in effect before."""

    stimulation_on = forms.BooleanField(label=gettext_lazy("Stimulation on"), required=False)
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        choices=[("", gettext_lazy("Choose a reason")), *REASON_CHOICES],
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False,
        help_text=gettext_lazy("What was changed and why, for the next clinician."),
    )

    field_order = [
        "effective_at", "reason", "stimulation_on", "amplitude", "amplitude_unit",
        "pulse_width_us", "frequency_hz", "electrode_configuration", "note",
    ]

    def __init__(
        self,
        *args: Any,
        therapy: str | None = None,
        current: Any = None,
        device_unit: str | None = None,
        correcting: bool = False,
        before: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.therapy = therapy
        self.current = current
        self.before = before
        self.device_unit = device_unit
        self.correcting = correcting
        self.amplitude_concerns = []
        self.confirmation_value = ""
        self.nothing_changed = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        reason, on = cleaned.get("reason"), cleaned.get("stimulation_on")
        if reason == "device_off" and on:
            self.add_error("stimulation_on", _("A device-off record has stimulation off."))
        if reason == "device_on" and not on:
            self.add_error("stimulation_on", _("A device-on record has stimulation on."))
        unit = cleaned.get("amplitude_unit")
        if unit and reason:
            message = unit_change_message(
                previous_unit=self.device_unit, unit=unit, reason=reason
            )
            if message:
                self.add_error("amplitude_unit", message)
        if self.errors:
            return cleaned
        if self.current is not None and self.unchanged(cleaned):
            self.nothing_changed = True
            raise forms.ValidationError(
                _(
                    "Nothing changed: these are the values already recorded. Nothing was "
                    "saved. Change what was changed, or cancel."
                ),
                code="nothing_changed",
            )
        compared = self.before if self.correcting else self.current
        self.check_amplitude(
            therapy=self.therapy,
            amplitude=cleaned.get("amplitude"),
            unit=unit,
            current=compared.amplitude if compared is not None else None,
            current_unit=compared.amplitude_unit if compared is not None else None,
            data=self.data,
            before_record=self.correcting,
        )
        return cleaned

    def unchanged(self, cleaned: dict[str, Any]) -> bool:
        """The same settings as `current`: for a new record the programme (a lead revision
        with the same programme is still an event worth recording); for a correction the
        programme, its time and its reason."""
        current = self.current
        fields = [
            "amplitude", "amplitude_unit", "pulse_width_us", "frequency_hz", "stimulation_on",
            "electrode_configuration",
        ]
        if self.correcting:
            fields += ["effective_at", "reason"]
        elif cleaned.get("reason") == "lead_revision":
            return False
        return all(cleaned.get(name) == getattr(current, name) for name in fields)


def initial_from_record(record: Any, zone: tzinfo, *, keep_time: bool) -> dict[str, Any]:
    """Prefill a form with a record's values; keep_time for a correction, else now."""
    moment = (
        readable_moment(record.effective_at).astimezone(zone).replace(tzinfo=None)
        if keep_time
        else local_now(zone)
    )
    return {
        "effective_at": moment,
        "amplitude": record.amplitude,
        "amplitude_unit": record.amplitude_unit,
        "pulse_width_us": record.pulse_width_us,
        "frequency_hz": record.frequency_hz,
        "stimulation_on": record.stimulation_on,
        "electrode_configuration": record.electrode_configuration,
        "reason": record.reason if keep_time else "",
    }


class PlannedTrialForm(forms.Form):
    """Mark a planned trial: the parameter tried and the nights its periods begin on."""

    parameter = forms.ChoiceField(
        label=gettext_lazy("Parameter tried"),
        choices=[("", gettext_lazy("Choose a parameter")), *TRIAL_PARAMETER_CHOICES],
    )
    first_night = forms.DateField(
        label=gettext_lazy("First night"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "The first night of the trial's first settings (its first planned change)."
        ),
    )
    last_night = forms.DateField(
        label=gettext_lazy("Last night"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The last night of the trial's last settings."),
    )
    order_randomised = forms.BooleanField(
        label=gettext_lazy("The order of the levels was drawn at random"), required=False,
        help_text=gettext_lazy(
            "Leave unticked if the order was fixed in advance but not drawn at random."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False,
        help_text=gettext_lazy("The levels and their order as planned, for the next clinician."),
    )

    def __init__(self, *args: Any, implanted_on: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.implanted_on = implanted_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for field, message in planned_trial_errors(
            first_night=cleaned.get("first_night"),
            last_night=cleaned.get("last_night"),
            implanted_on=self.implanted_on,
        ).items():
            self.add_error(field, message)
        return cleaned


# --- The programming visit (issue 25) ------------------------------------------------------

VISIT_EXTRA_ROWS = 3  # rows shown for a new visit; "Add a row" adds one, without JavaScript
VISIT_MAX_ROWS = 16
NO_ROW = ""


class VisitConfigurationForm(forms.Form):
    """One electrode configuration tried. Only the row left in place needs a full programme;
    any row that is used needs its electrodes."""

    electrodes = forms.CharField(
        label=gettext_lazy("Electrodes"), max_length=80, required=False,
        # Translators: electrode configurations as a programmer writes them; keep them as is.
        help_text=gettext_lazy("For example 0-3+ or 1-2+."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    amplitude = DecimalCommaField(
        label=gettext_lazy("Amplitude"), max_digits=5, decimal_places=2, required=False
    )
    amplitude_unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=AMPLITUDE_UNIT_CHOICES)
    pulse_width_us = forms.IntegerField(label=gettext_lazy("Pulse width (µs)"), required=False)
    frequency_hz = DecimalCommaField(
        label=gettext_lazy("Frequency (Hz)"), max_digits=7, decimal_places=1, required=False
    )
    sensory_threshold = DecimalCommaField(
        label=gettext_lazy("Sensory threshold"), max_digits=5, decimal_places=2, required=False
    )
    motor_threshold = DecimalCommaField(
        label=gettext_lazy("Motor threshold"), max_digits=5, decimal_places=2, required=False
    )
    felt_at = forms.CharField(label=gettext_lazy("Felt where"), max_length=120, required=False)
    responses = forms.MultipleChoiceField(
        label=gettext_lazy("Motor response"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comfort = forms.ChoiceField(
        label=gettext_lazy("Comfort"), required=False, choices=[("", "—"), *COMFORT_CHOICES]
    )

    def __init__(self, *args: Any, therapy: str = "sacral", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responses"].choices = response_choices_for(therapy)
        if therapy != "sacral":
            self.fields["responses"].label = _("Areas covered")
        for name, field in self.fields.items():
            if name == "responses":
                continue
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css
        for name in ("amplitude", "sensory_threshold", "motor_threshold", "frequency_hz"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        self.fields["pulse_width_us"].widget.attrs["inputmode"] = "numeric"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        unit = cleaned.get("amplitude_unit")
        for field, message in settings_range_errors(
            amplitude=cleaned.get("amplitude"),
            amplitude_unit=unit,
            pulse_width_us=cleaned.get("pulse_width_us"),
            frequency_hz=cleaned.get("frequency_hz"),
        ).items():
            self.add_error(field, message)
        for field, message in threshold_range_errors(
            amplitude_unit=unit,
            sensory_threshold=cleaned.get("sensory_threshold"),
            motor_threshold=cleaned.get("motor_threshold"),
        ).items():
            self.add_error(field, message)
        if self.has_changed() and not cleaned.get("electrodes") and not self.has_error(
            "electrodes"
        ):
            self.add_error("electrodes", _("Which electrodes? For example 0-3+."))
        if "none" in (cleaned.get("responses") or []) and len(cleaned["responses"]) > 1:
            self.add_error("responses", _("“None” cannot go with a movement."))
        return cleaned

    def used(self) -> bool:
        return self.has_changed() and bool(getattr(self, "cleaned_data", {}).get("electrodes"))


class BaseVisitConfigurationFormSet(forms.BaseFormSet):
    def __init__(
        self, *args: Any, therapy: str = "sacral", row_initial: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.therapy = therapy
        self.row_initial = row_initial or {}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # The programme in effect prefills each row's unit, pulse width and frequency; a row
        # left as prefilled is unchanged and is not saved.
        kwargs: dict[str, Any] = {"therapy": self.therapy}
        if index is not None:
            kwargs["initial"] = self.row_initial
        return kwargs

    @property
    def empty_form(self) -> forms.Form:
        return self.form(
            auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"),
            empty_permitted=True, use_required_attribute=False, renderer=self.renderer,
            therapy=self.therapy,
        )

    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError(_("Enter at least one configuration tried."), code="no_rows")


VisitConfigurationFormSet = forms.formset_factory(
    VisitConfigurationForm, formset=BaseVisitConfigurationFormSet,
    extra=VISIT_EXTRA_ROWS, max_num=VISIT_MAX_ROWS, absolute_max=VISIT_MAX_ROWS,
    validate_max=True,
)


class VisitForm(forms.Form):
    visited_at = LocalDateTimeField(
        label=gettext_lazy("Visit date and time"),
        help_text=gettext_lazy("Local time where the patient lives."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False,
        help_text=gettext_lazy("For the next clinician."),
    )
    left_in_place = forms.CharField(required=False)  # a row's index, or "" for none

    def __init__(
        self, *args: Any, zone: tzinfo, implanted_on: date | None, device_unit: str | None,
        therapy: str | None = None, current: Any = None, **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.implanted_on = implanted_on
        self.device_unit = device_unit
        self.therapy = therapy
        self.current = current  # the settings record in effect, for the amplitude check
        self.amplitude_concerns: list[str] = []
        self.confirmation_value = ""
        self.fields["visited_at"].widget.attrs["class"] = "form-control"

    def clean_visited_at(self) -> datetime | None:
        moment = self.cleaned_data.get("visited_at")
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        check_settings_moment(moment, implanted_on=self.implanted_on)
        return moment

    def clean_left_in_place(self) -> int | None:
        value = self.cleaned_data.get("left_in_place", "")
        if value in ("", None):
            return None
        try:
            return int(value)
        except ValueError:
            raise ValidationError(_("Choose a row, or none.")) from None

    def check_rows(self, formset: BaseVisitConfigurationFormSet) -> None:
        """The row left in place must be a full programme in the device's unit; the error goes
        next to the row (its fields) and next to the choice."""
        index = self.cleaned_data.get("left_in_place")
        if index is None:
            return
        if not (0 <= index < len(formset.forms)):
            self.add_error("left_in_place", _("Choose a row, or none."))
            return
        row = formset.forms[index]
        if not row.has_changed():
            self.add_error(
                "left_in_place",
                _(
                    "Row %(row)s, the one left in place, is empty. Fill it in or choose "
                    "another row."
                ) % {"row": index + 1},
            )
            return
        if not row.is_valid():
            return
        data = row.cleaned_data
        missing = False
        for name, message in (
            ("amplitude", _("The row left in place needs the amplitude.")),
            ("pulse_width_us", _("The row left in place needs the pulse width.")),
            ("frequency_hz", _("The row left in place needs the frequency.")),
        ):
            if data.get(name) is None:
                row.add_error(name, message)
                missing = True
        if missing:
            self.add_error(
                "left_in_place",
                _("Row %(row)s, the one left in place, is missing part of its programme.")
                % {"row": index + 1},
            )
            return
        message = unit_change_message(
            previous_unit=self.device_unit, unit=data["amplitude_unit"], reason="reprogram"
        )
        if message:
            row.add_error("amplitude_unit", message)
            self.add_error(
                "left_in_place",
                # Translators: a visit's row number, then what is wrong with that row.
                _("Row %(row)s: %(message)s") % {"row": index + 1, "message": message},
            )
            return
        self.check_amplitude(index, row)

    def check_amplitude(self, index: int, row: forms.Form) -> None:
        """The settings form's confirm step for an unusual amplitude (a slipped decimal point),
        on the row left in place: nothing is saved until it is confirmed for that value."""
        if self.therapy is None:
            return
        amplitude, unit = row.cleaned_data["amplitude"], row.cleaned_data["amplitude_unit"]
        current = self.current
        concerns = amplitude_concerns(
            therapy=self.therapy, unit=unit, new=amplitude,
            current=current.amplitude if current is not None else None,
            current_unit=current.amplitude_unit if current is not None else None,
        )
        token = confirmation_token(amplitude, unit)
        if not concerns or self.data.get(AmplitudeConfirmMixin.CONFIRM_FIELD) == token:
            return
        self.amplitude_concerns = [c.message for c in concerns]
        self.confirmation_value = token
        message = _(
            "Is %(amplitude)s right? Check the number; if it is right, tick 'Yes, this is "
            "right' below and save again."
        ) % {"amplitude": shown(amplitude, unit)}
        row.add_error("amplitude", message)
        self.add_error(
            "left_in_place",
            # Translators: a visit's row number, then what is wrong with that row.
            _("Row %(row)s: %(message)s") % {"row": index + 1, "message": message},
        )


class VisitReportForm(forms.Form):
    """The programmer's printed session report: a PDF by its first bytes (never by its name or
    the browser's content type), within settings.VISIT_REPORT_MAX_BYTES. Never parsed."""

    report = forms.FileField(label=gettext_lazy("Session report (PDF)"))

    def clean_report(self) -> Any:
        from django.conf import settings

        report = self.cleaned_data["report"]
        limit = settings.VISIT_REPORT_MAX_BYTES
        if report.size > limit:
            raise ValidationError(
                _(
                    "That file is larger than %(megabytes)s MB. Attach the report as the "
                    "programmer printed it."
                ) % {"megabytes": limit // (1024 * 1024)},
                code="too_large",
            )
        report.seek(0)
        head = report.read(5)
        report.seek(0)
        if head != b"%PDF-":
            raise ValidationError(
                _("That file is not a PDF. Attach the programmer's printed report as a PDF."),
                code="not_pdf",
            )
        return report
