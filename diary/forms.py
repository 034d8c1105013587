"""Patient forms. Messages are written for someone half awake at 3 a.m."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from diary import words
from diary.decimals import DecimalCommaField
from diary.models import (
    LEVEL_CHOICES,
    MEDICATION_CATEGORY_CHOICES,
    NEW_MOVEMENT_CHOICES,
    OUTCOME_FIELDS,
    OUTCOME_LIMITS,
    PGIC_CHOICES,
    RELIEF_CHOICES,
    SIDE_CHOICES,
    SITE_CHOICES,
    STIMULATION_FELT_CHOICES,
    Night,
    Patient,
)
from diary.validators import check_date, check_moment, check_settings_moment, local_moment
from programming.forms import AmplitudeConfirmMixin
from programming.models import Device, settings_range_errors
from programming.timeline import night_of

StrOrPromise = str | Promise

SEVERITY_CHOICES = [(n, str(n)) for n in range(0, 11)]
YES_NO_CHOICES = [("", _("Not sure")), ("yes", _("Yes")), ("no", _("No"))]
YES_NO_VALUES = {"yes": True, "no": False}


def yes_no_field(label: StrOrPromise) -> forms.TypedChoiceField:
    """Yes / No / Not sure as large buttons; "Not sure" is stored as unknown (None)."""
    return forms.TypedChoiceField(
        choices=YES_NO_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        coerce=YES_NO_VALUES.get,
        empty_value=None,
        label=label,
    )


def yes_no_initial(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def local_input(moment: datetime, patient: Patient) -> str:
    return local_moment(moment, patient.tz).strftime("%Y-%m-%dT%H:%M")


class PatientLocalDateTimeField(forms.DateTimeField):
    """A wall-clock time typed on the phone, read in the patient's own time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        )
        super().__init__(*args, **kwargs)
        self.patient: Patient | None = None

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value
        naive = value if isinstance(value, datetime) else None
        if naive is None:
            for fmt in self.input_formats:
                try:
                    naive = datetime.strptime(value, fmt)
                    break
                except (TypeError, ValueError):
                    continue
        if naive is None:
            raise forms.ValidationError(
                gettext("Enter a date and time, for example 2026-03-01 02:30.")
            )
        zone = self.patient.tz if self.patient else timezone.get_current_timezone()
        return naive.replace(tzinfo=zone)

    def has_changed(self, initial: Any, data: Any) -> bool:
        # The initial value is the wall-clock text shown (local_input), not a datetime.
        try:
            return self.to_python(initial) != self.to_python(data)
        except forms.ValidationError:
            return True


class PatientFormMixin:
    """Gives datetime fields the patient's zone."""

    def bind_patient(self, patient: Patient) -> None:
        self.patient = patient
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, PatientLocalDateTimeField):
                field.patient = patient


# A cramp added to a past night starts at this hour of the patient's clock, within the night;
# the patient can change it.
PAST_NIGHT_DEFAULT_HOUR = 3


def night_words(night_date: date) -> str:
    """The night's date as its sentences name it ("Sunday 6 December 2026"), in the reader's
    language."""
    return words.day(night_date, "l j F Y")


def past_night_placeholder(night_date: date, patient: Patient) -> datetime:
    """PAST_NIGHT_DEFAULT_HOUR on the morning after the night's evening, on the patient's
    clock: the time a back-filled cramp is given when the patient gives none."""
    return datetime.combine(
        night_date + timedelta(days=1), time(PAST_NIGHT_DEFAULT_HOUR), tzinfo=patient.tz
    )


def past_night_default_time(night_date: date, patient: Patient) -> datetime:
    """A plausible time within a night: the placeholder above, or now for the night still
    going on."""
    return min(past_night_placeholder(night_date, patient), timezone.now())


class LogCrampForm(PatientFormMixin, forms.Form):
    """The two-tap log: severity is the second tap; the time defaults to now, or, for a cramp
    added to a past night (`night`), to a time within that night."""

    severity = forms.TypedChoiceField(
        choices=SEVERITY_CHOICES,
        coerce=int,
        label=_("How bad is it? (0 = barely, 10 = worst)"),
        error_messages={"invalid_choice": _("Choose a severity between 0 and 10.")},
    )
    started_at = PatientLocalDateTimeField(label=_("When did it start?"), required=False)
    night = forms.DateField(widget=forms.HiddenInput, required=False)
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bind_patient(patient)
        if not self.is_bound:
            night_date = self.initial.get("night")
            moment = (
                past_night_default_time(night_date, patient) if night_date else timezone.now()
            )
            self.initial.setdefault("started_at", local_input(moment, patient))
            self.initial.setdefault("client_token", uuid.uuid4())

    def clean_night(self) -> date | None:
        night_date = self.cleaned_data.get("night")
        if night_date is not None and night_date > night_of(timezone.now(), self.patient.tz):
            raise forms.ValidationError(
                gettext("That night has not begun yet. Choose an earlier night.")
            )
        check_date(night_date, what="night")  # the earliest bound (diary.validators)
        return night_date

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        night_date = cleaned.get("night")
        if "started_at" not in cleaned:
            return cleaned  # the field's own message stands
        started_at = cleaned["started_at"]
        if started_at is None:
            started_at = (
                past_night_default_time(night_date, self.patient) if night_date
                else timezone.now()
            )
        else:
            try:
                check_moment(started_at)
            except forms.ValidationError as error:
                self.add_error("started_at", error)
                return cleaned
        if night_date is not None and night_of(started_at, self.patient.tz) != night_date:
            self.add_error("started_at", night_bounds_message(night_date))
        cleaned["started_at"] = started_at
        # A past night's cramp left at the time the form showed (or sent with none, as the
        # phone's outbox may) has no time of its own: the placeholder is marked as such. The
        # form tells the patient to leave the time if they do not remember it; one who truly
        # means 03:00 enters it on the cramp's own page, where an estimated time shows blank.
        cleaned["time_estimated"] = night_date is not None and started_at == (
            past_night_placeholder(night_date, self.patient)
        )
        return cleaned


def night_bounds_message(night_date: date) -> str:
    # Translators: %(night)s is a date ("Sunday 6 December 2026"), %(noon)s a time of day
    # ("12:00"), %(evening)s and %(morning)s are dates ("Sunday 6 December").
    return gettext(
        "That time is not in the night of %(night)s. Choose a time between %(noon)s on "
        "%(evening)s and %(noon)s on %(morning)s."
    ) % {
        "night": night_words(night_date),
        "noon": time_format(time(settings.NIGHT_BOUNDARY_HOUR), "H:i"),
        "evening": words.day(night_date, "l j F"),
        "morning": words.day(night_date + timedelta(days=1), "l j F"),
    }


class EpisodeForm(PatientFormMixin, forms.Form):
    """All the detail of one cramp, every field but severity and time optional."""

    started_at = PatientLocalDateTimeField(label=_("When did it start?"))
    severity = forms.TypedChoiceField(
        choices=SEVERITY_CHOICES,
        coerce=int,
        label=_("How bad was it? (0-10)"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a severity between 0 and 10.")},
    )
    duration_min = forms.IntegerField(
        label=_("How long did it last? (minutes)"),
        required=False,
        min_value=0,
        max_value=240,
        error_messages={
            "min_value": _("Duration must be between 0 and 240 minutes."),
            "max_value": _("Duration must be between 0 and 240 minutes."),
            "invalid": _("Enter the duration as a whole number of minutes."),
        },
    )
    side = forms.ChoiceField(
        choices=SIDE_CHOICES, required=False, widget=forms.RadioSelect, label=_("Which side?")
    )
    site = forms.ChoiceField(
        choices=SITE_CHOICES, required=False, widget=forms.RadioSelect, label=_("Where?")
    )
    woke_from_sleep = yes_no_field(_("Did it wake you up?"))
    stimulation_felt = forms.ChoiceField(
        choices=STIMULATION_FELT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        label=_("Where did you feel the stimulation?"),
    )
    new_movement = forms.ChoiceField(
        choices=NEW_MOVEMENT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        label=_("Did you feel a new muscle movement?"),
    )
    relieved_by = forms.MultipleChoiceField(
        choices=RELIEF_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("What helped?"),
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000,
        label=_("Notes"),
    )

    def __init__(
        self, *args: Any, patient: Patient, time_estimated: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.bind_patient(patient)
        if time_estimated:
            # No time was given when it was logged: the field starts blank, and stays unknown
            # (the night's placeholder time is kept) unless the patient enters one.
            self.fields["started_at"].required = False
            self.fields["started_at"].help_text = gettext(
                "Not given when you logged it. Enter it if you remember; leave it blank if not."
            )

    def clean_started_at(self) -> datetime | None:
        started_at = self.cleaned_data["started_at"]
        if started_at is not None:
            check_moment(started_at)
        return started_at

    @staticmethod
    def initial_for(episode: Any, patient: Patient) -> dict[str, Any]:
        woke = yes_no_initial(episode.woke_from_sleep)
        return {
            "started_at": (
                "" if episode.time_estimated else local_input(episode.started_at, patient)
            ),
            "severity": episode.severity,
            "duration_min": episode.duration_min,
            "side": episode.side,
            "site": episode.site,
            "woke_from_sleep": woke,
            "stimulation_felt": episode.stimulation_felt,
            "new_movement": episode.new_movement,
            "relieved_by": episode.relieved_by,
            "notes": episode.notes,
        }


SLEEP_DISTURBANCE_LABEL = _(
    "How much did cramps disturb your sleep? (0 = not at all, 10 = could not sleep)"
)
SLEEP_DISTURBANCE_REQUIRED = _(
    "Choose a number from 0 to 10 for how much cramps disturbed your sleep."
)
SLEEP_DISTURBANCE_INVALID_OR_SKIP = _(
    "Choose a number from 0 to 10 for how much cramps disturbed your sleep, or Skip."
)
# The answer that leaves a question unanswered.
SKIP_CHOICE = ("", _("Skip"))


def sleep_disturbance_field(*, skippable: bool) -> forms.TypedChoiceField:
    """The sleep question, the same on the morning entry (with Skip) and as the home page's
    one tap (an answer, or no post at all)."""
    return forms.TypedChoiceField(
        choices=([SKIP_CHOICE] if skippable else []) + SEVERITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=not skippable,
        widget=forms.RadioSelect,
        label=SLEEP_DISTURBANCE_LABEL,
        error_messages={
            "required": SLEEP_DISTURBANCE_REQUIRED,
            "invalid_choice": (
                SLEEP_DISTURBANCE_INVALID_OR_SKIP if skippable else SLEEP_DISTURBANCE_REQUIRED
            ),
        },
    )


class SleepDisturbanceForm(forms.Form):
    """The sleep question alone, answered with one tap on the home page."""

    sleep_disturbance = sleep_disturbance_field(skippable=False)


class NightForm(forms.ModelForm):
    """How the night and the day went: the therapy's own benefit and the confounders."""

    therapy_benefit = forms.TypedChoiceField(
        choices=[SKIP_CHOICE] + SEVERITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    sleep_quality = forms.TypedChoiceField(
        choices=[SKIP_CHOICE] + SEVERITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label=_("How well did you sleep? (0 = not at all, 10 = very well)"),
    )
    sleep_disturbance = sleep_disturbance_field(skippable=True)
    fluids = forms.ChoiceField(
        choices=[SKIP_CHOICE] + LEVEL_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        label=_("How much did you drink yesterday?"),
    )
    activity = forms.ChoiceField(
        choices=[SKIP_CHOICE] + LEVEL_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        label=_("How active were you yesterday?"),
    )
    alcohol = yes_no_field(_("Any alcohol yesterday evening?"))
    lumbar_support = yes_no_field(_("Did you use lumbar support in bed?"))

    class Meta:
        model = Night
        fields = [
            "therapy_benefit",
            "sleep_quality",
            "sleep_disturbance",
            "fluids",
            "activity",
            "alcohol",
            "lumbar_support",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        labels = {"notes": _("Notes")}

    def __init__(self, *args: Any, therapy: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["therapy_benefit"].label = therapy_benefit_question(therapy)
        if self.instance.pk:
            for name in ("alcohol", "lumbar_support"):
                value = getattr(self.instance, name)
                self.initial[name] = yes_no_initial(value)


def therapy_benefit_question(therapy: str | None) -> str:
    """The morning question about the therapy's own benefit, in the words of the device's
    therapy (programming.models.therapy_benefit_label), one whole sentence each."""
    if therapy == "sacral":
        return gettext(
            "How was your bladder or bowel control yesterday? (0 = none, 10 = excellent)"
        )
    if therapy in {"spinal_cord", "drg"}:
        return gettext("How was your pain relief yesterday? (0 = none, 10 = excellent)")
    return gettext("How well did the therapy work yesterday? (0 = not at all, 10 = excellent)")


class PastNightForm(forms.Form):
    """Log a night after the fact: a cramp-free night, or open it to add its cramps."""

    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("Which night? (the evening it began)"),
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.existing: Night | None = None

    def clean_date(self) -> date:
        night_date = self.cleaned_data["date"]
        check_date(night_date, what="night")
        if night_date > self.patient.last_completed_night():
            raise forms.ValidationError(
                gettext("That night has not ended yet. Choose an earlier evening.")
            )
        self.existing = Night.objects.for_patient(self.patient).filter(date=night_date).first()
        if self.existing is not None:
            raise forms.ValidationError(
                gettext("You already logged that night."), code="exists"
            )
        return night_date


class RemoteChangeForm(AmplitudeConfirmMixin, PatientFormMixin, forms.Form):
    """'I changed my amplitude with my remote.' Values start as the current settings; an
    unusual amplitude is saved once the patient confirms it (programming.plausibility)."""

    stimulation_on = forms.TypedChoiceField(
        choices=[
            ("on", pgettext_lazy("stimulator", "On")), ("off", pgettext_lazy("stimulator", "Off"))
        ],
        coerce=lambda v: v == "on",
        widget=forms.RadioSelect,
        label=_("Is your stimulator on now?"),
    )
    amplitude = DecimalCommaField(
        max_digits=5, decimal_places=2, label=_("Amplitude now"), min_value=Decimal("0")
    )
    effective_at = PatientLocalDateTimeField(label=_("When did you change it?"))
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Anything to add? (optional)"),
    )

    def __init__(
        self,
        *args: Any,
        patient: Patient,
        unit: str,
        therapy: str | None = None,
        current_amplitude: Decimal | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.bind_patient(patient)
        self.unit = unit
        self.therapy = therapy
        self.current_amplitude = current_amplitude
        self.amplitude_concerns = []
        self.confirmation_value = ""
        # Translators: %(unit)s is the amplitude's unit symbol, mA or V.
        self.fields["amplitude"].label = gettext("Amplitude now (%(unit)s)") % {"unit": unit}
        self.fields["amplitude"].error_messages["min_value"] = gettext(
            "Amplitude cannot be negative."
        )
        if not self.is_bound:
            self.initial.setdefault("effective_at", local_input(timezone.now(), patient))

    def clean_effective_at(self) -> datetime:
        moment = self.cleaned_data["effective_at"]
        implanted_on = (
            Device.objects.filter(patient=self.patient)
            .order_by("-implanted_on", "-id")
            .values_list("implanted_on", flat=True)
            .first()
        )
        check_settings_moment(moment, implanted_on=implanted_on)
        return moment

    def clean_amplitude(self) -> Decimal:
        amplitude = self.cleaned_data["amplitude"]
        errors = settings_range_errors(
            amplitude=amplitude, amplitude_unit=self.unit, pulse_width_us=None, frequency_hz=None
        )
        if errors:
            raise forms.ValidationError(errors["amplitude"])
        return amplitude

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and cleaned.get("stimulation_on"):
            self.check_amplitude(
                therapy=self.therapy,
                amplitude=cleaned.get("amplitude"),
                unit=self.unit,
                current=self.current_amplitude,
                current_unit=self.unit,
                data=self.data,
            )
        return cleaned


class MedicationForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Medicine"))
    # No default: a kind picked for the patient would be a guess recorded as a fact.
    category = forms.ChoiceField(
        choices=[("", _("Choose a kind")), *MEDICATION_CATEGORY_CHOICES],
        label=pgettext_lazy("kind of medicine", "Kind"),
        error_messages={"required": _("Choose what kind of medicine it is, or 'Not sure'.")},
    )
    started_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label=_("Started on")
    )

    def clean_started_on(self) -> date:
        started_on = self.cleaned_data["started_on"]
        check_date(started_on)
        return started_on


class MedicationStopForm(forms.Form):
    stopped_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label=_("Stopped on")
    )

    def __init__(self, *args: Any, started_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.started_on = started_on

    def clean_stopped_on(self) -> date:
        stopped_on = self.cleaned_data["stopped_on"]
        if stopped_on < self.started_on:
            raise forms.ValidationError(gettext("The stop date is before the start date."))
        check_date(stopped_on)
        return stopped_on


# How each outcome is asked, in the patient's words: (label, hint, the message for an answer
# out of range). Translators: %(top)s is the largest number allowed, for example 50.
OUTCOME_QUESTIONS = {
    "leaks": (
        _("Leaks"), _("Times urine leaked today"),
        _("Enter a whole number from 0 to %(top)s for how many times urine leaked, or leave it "
          "empty."),
    ),
    "urgency_episodes": (
        _("Sudden urges"), _("Strong, sudden urges to pass urine"),
        _("Enter a whole number from 0 to %(top)s for how many sudden urges you had, or leave "
          "it empty."),
    ),
    "voids": (
        _("Toilet visits"), _("Times you passed urine today"),
        _("Enter a whole number from 0 to %(top)s for how many times you passed urine, or "
          "leave it empty."),
    ),
    "pads": (
        _("Pads"), _("Pads you used today"),
        _("Enter a whole number from 0 to %(top)s for how many pads you used, or leave it "
          "empty."),
    ),
    "bowel_incontinence_episodes": (
        _("Bowel accidents"), _("Times you could not hold your bowels today"),
        _("Enter a whole number from 0 to %(top)s for how many bowel accidents, or leave it "
          "empty."),
    ),
    "bowel_urgency": (
        _("Sudden bowel urges"), _("Urges you had to rush for"),
        _("Enter a whole number from 0 to %(top)s for how many sudden bowel urges, or leave it "
          "empty."),
    ),
    # Translators: the 0-10 pain score (NRS); keep the anchors' usual wording in your language.
    "pain_average": (
        _("Average pain today (0 = no pain, 10 = worst pain imaginable)"), "",
        _("Choose a number from 0 to 10 for your average pain, or skip it."),
    ),
    "pain_worst": (
        _("Worst pain today (0 = no pain, 10 = worst pain imaginable)"), "",
        _("Choose a number from 0 to 10 for your worst pain, or skip it."),
    ),
}
DAY_CHOICES = [("today", _("Today")), ("yesterday", _("Yesterday"))]
# PGIC is asked at most this often: it is an impression of change over weeks, not of a day.
PGIC_INTERVAL_DAYS = 28


def _count_field(name: str) -> forms.IntegerField:
    label, hint, message = OUTCOME_QUESTIONS[name]
    top = OUTCOME_LIMITS[name]
    message = message % {"top": top}
    return forms.IntegerField(
        label=label, help_text=hint, required=False, min_value=0, max_value=top,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*",
                                        "class": "form-control form-control-lg"}),
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


def _score_field(name: str) -> forms.TypedChoiceField:
    label, _hint, message = OUTCOME_QUESTIONS[name]
    return forms.TypedChoiceField(
        label=label, choices=[SKIP_CHOICE] + SEVERITY_CHOICES, coerce=int,
        empty_value=None, required=False, widget=forms.RadioSelect,
        error_messages={"invalid_choice": message},
    )


class DailyOutcomeForm(forms.Form):
    """The therapy's own outcome for one day: the fields of the patient's kind
    (diary.models.OUTCOME_FIELDS), the day (today or yesterday), and PGIC when it is due."""

    day = forms.ChoiceField(
        choices=DAY_CHOICES, widget=forms.RadioSelect, label=_("Which day?"),
        error_messages={"required": _("Choose today or yesterday."),
                        "invalid_choice": _("Choose today or yesterday.")},
    )

    def __init__(self, *args: Any, kind: str, today: date, ask_pgic: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.today = today
        self.outcome_fields = OUTCOME_FIELDS[kind]
        for name in self.outcome_fields:
            self.fields[name] = (
                _score_field(name) if name.startswith("pain_") else _count_field(name)
            )
        if ask_pgic:
            self.fields["pgic"] = forms.TypedChoiceField(
                # Translators: the PGIC question; use its published translation if there is one.
                label=gettext(
                    "Since your stimulator was first switched on, how would you describe the "
                    "change in your condition?"
                ),
                choices=[SKIP_CHOICE] + PGIC_CHOICES, coerce=int, empty_value=None,
                required=False, widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": gettext("Choose one of the seven answers, or skip it.")
                },
            )

    @property
    def count_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.outcome_fields if not n.startswith("pain_")]

    @property
    def score_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.outcome_fields if n.startswith("pain_")]

    def clean_day(self) -> date:
        return self.today if self.cleaned_data["day"] == "today" else self.today - timedelta(1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        asked = [*self.outcome_fields, *(("pgic",) if "pgic" in self.fields else ())]
        if not self.errors and all(cleaned.get(n) is None for n in asked):
            raise forms.ValidationError(gettext("Fill in at least one answer, or go back."))
        return cleaned

    def values(self) -> dict[str, int | None]:
        """The answers posted: an emptied box or "Skip" clears an answer, a question not sent
        at all (the home page's one-tap pain score sends one) keeps the stored one."""
        out = {n: self.cleaned_data.get(n) for n in self.outcome_fields if n in self.data}
        if self.cleaned_data.get("pgic") is not None:
            out["pgic"] = self.cleaned_data["pgic"]
        return out
