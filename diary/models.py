from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from diary.medicines import kind_unknown
from diary.validators import check_date, check_moment


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Choose a time zone from the list, for example Europe/Amsterdam."))


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def last_completed_night(zone: zoneinfo.ZoneInfo, at: datetime | None = None) -> date:
    """The latest night that is over in this zone (see settings.NIGHT_END_HOUR), now or `at`."""
    now = (at or timezone.now()).astimezone(zone)
    days_back = 2 if now.hour < settings.NIGHT_END_HOUR else 1
    return now.date() - timedelta(days=days_back)


def next_night_end(zone: zoneinfo.ZoneInfo, at: datetime | None = None) -> datetime:
    """The next moment after `at` (now) at which last_completed_night() moves on a night:
    NIGHT_END_HOUR o'clock in this zone, today or tomorrow."""
    now = (at or timezone.now()).astimezone(zone)
    day = now.date() if now.hour < settings.NIGHT_END_HOUR else now.date() + timedelta(days=1)
    return datetime.combine(day, time(settings.NIGHT_END_HOUR), tzinfo=zone)


SACRAL_INDICATION_CHOICES = [("bladder", _("Bladder control")), ("bowel", _("Bowel control"))]


def clinic_time_zone() -> str:
    """A new patient lives where the clinic is until someone says otherwise."""
    return settings.TIME_ZONE


class Patient(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient"
    )
    # The tenant: the patient's data is seen only within this clinic (diary.access, and on
    # PostgreSQL row-level security keyed on it; docs/security.md).
    clinic = models.ForeignKey("clinic.Clinic", on_delete=models.PROTECT, related_name="patients")
    timezone = models.CharField(
        max_length=64, default=clinic_time_zone, validators=[validate_timezone]
    )
    # Shown to clinicians beside the username; the username stays the sign-in name.
    display_name = models.CharField(
        max_length=80, blank=True,
        help_text=_("How the care team knows the patient, for example 'A. Jansen'. Optional."),
    )
    record_number = models.CharField(
        _("clinic record number"), max_length=32, blank=True,
        help_text=_("The clinic's own record or MRN number, if you use one. Optional."),
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="patients_in_care",
        blank=True,
        limit_choices_to={"clinician__isnull": False},
        help_text=_("Clinicians who may see this patient."),
    )
    # Bumped on every write to the patient's diary, settings or medications: charts and
    # summaries are cached under it, so a new entry changes them and a repeat view does not.
    data_version = models.PositiveIntegerField(default=0)
    # For a sacral stimulator: what the clinic implanted it for, which decides the daily
    # outcome the patient logs (DailyOutcome). Ignored for other therapies.
    sacral_indication = models.CharField(
        max_length=8, choices=SACRAL_INDICATION_CHOICES, default="bladder",
        help_text=_("Sacral stimulation only: bladder or bowel control."),
    )
    # A bladder diary the clinic asked for: `outcome_diary_days` consecutive days from this
    # day (before a visit, or after a settings change). None: no diary asked for.
    outcome_diary_start = models.DateField(null=True, blank=True)
    outcome_diary_days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.user.username

    @property
    def label(self) -> str:
        """The name clinicians read: the display name with the username, or the username."""
        name = self.user.username
        return f"{self.display_name} ({name})" if self.display_name else name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_now(self) -> datetime:
        return timezone.now().astimezone(self.tz)

    def last_completed_night(self, at: datetime | None = None) -> date:
        return last_completed_night(self.tz, at)

    def joined_night(self) -> date:
        """The night the patient joined in (see insights.analysis.diary_start)."""
        from programming.timeline import night_of  # late import: programming builds on diary

        return night_of(self.created_at, self.tz)

    def outcome_diary_day(self, today: date) -> tuple[int, int] | None:
        """(day, of days) of the diary the clinic asked for, when `today` is one of its days."""
        if self.outcome_diary_start is None:
            return None
        day = (today - self.outcome_diary_start).days + 1
        return (day, self.outcome_diary_days) if 1 <= day <= self.outcome_diary_days else None

    def get_additional_data(self) -> dict[str, int]:
        """Files this row's audit-log entries under the patient (see accounts.admin)."""
        return {"patient_id": self.pk}

    def cache_key(self, kind: str, *parts: object) -> str:
        """The key of anything cached from this patient's data: who (the id and the moment
        the patient was created, so a database rebuilt under a shared cache, which reuses ids
        and data versions, never reaches another patient's entries) and which version."""
        created = int(self.created_at.timestamp() * 1_000_000)
        return ":".join(str(p) for p in (kind, self.pk, created, self.data_version, *parts))


def field_errors(instance: models.Model, **checks: Any) -> None:
    """Run each field's bounds check (diary.validators) on a new row and raise the messages
    together, keyed by field. A row already stored is not re-judged here: a form that edits
    one of its dates checks that date itself (an old row may predate the bounds, and its other
    fields must stay editable)."""
    if not instance._state.adding:
        return
    errors: dict[str, list[ValidationError]] = {}
    for name, check in checks.items():
        value = getattr(instance, name, None)
        if not isinstance(value, date):
            continue
        try:
            check()
        except ValidationError as error:
            errors[name] = [error]
    if errors:
        raise ValidationError(errors)


class NightQuerySet(models.QuerySet["Night"]):
    def alive(self) -> NightQuerySet:
        return self.filter(deleted_at__isnull=True)

    def for_patient(self, patient: Patient) -> NightQuerySet:
        return self.filter(patient=patient).alive()

    def between(self, start: date | None, end: date | None) -> NightQuerySet:
        qs = self
        if start:
            qs = qs.filter(date__gte=start)
        if end:
            qs = qs.filter(date__lte=end)
        return qs


LEVEL_CHOICES = [
    ("low", _("Less than usual")), ("usual", _("Usual")), ("high", _("More than usual"))
]


class Night(models.Model):
    """One logged night. A night with no episodes is a cramp-free night; a date with no
    Night at all is missing, never zero."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="nights")
    date = models.DateField(help_text=_("The evening the night began."))
    # The zone the night was lived in, kept so a patient who moves keeps every night in place.
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    therapy_benefit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("How well the therapy itself worked that day, 0-10."),
    )
    sleep_quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    # Asked once a night at the morning check-in, as cramp trials' daily diaries do: how much
    # the night's cramps disturbed sleep, 0 (not at all) to 10. Unanswered is None, never 0.
    sleep_disturbance = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("How much cramps disturbed sleep that night, 0-10."),
    )
    fluids = models.CharField(max_length=8, choices=LEVEL_CHOICES, blank=True)
    activity = models.CharField(max_length=8, choices=LEVEL_CHOICES, blank=True)
    alcohol = models.BooleanField(null=True, blank=True)
    lumbar_support = models.BooleanField(
        null=True, blank=True, help_text=_("Lumbar support used in bed.")
    )
    notes = models.TextField(blank=True, max_length=2000)
    # When the patient answered "How was last night?"; null for a night created by logging
    # a cramp during it.
    checked_in_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = NightQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "date"],
                condition=Q(deleted_at__isnull=True),
                name="one_live_night_per_patient_and_date",
            ),
        ]
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return f"night of {self.date.isoformat()}"

    def get_additional_data(self) -> dict[str, int]:
        return {"patient_id": self.patient_id}

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def clean(self) -> None:
        field_errors(self, date=lambda: check_date(self.date, what="night"),
                     checked_in_at=lambda: check_moment(self.checked_in_at))


# Which leg the cramp was in.
SIDE_CHOICES = [
    ("left", pgettext_lazy("leg", "Left")),
    ("right", pgettext_lazy("leg", "Right")),
    ("both", pgettext_lazy("legs", "Both")),
]
# Where in the leg (a body site).
SITE_CHOICES = [
    ("calf", pgettext_lazy("body site", "Calf")),
    ("foot", pgettext_lazy("body site", "Foot")),
    ("thigh", pgettext_lazy("body site", "Thigh")),
    ("hamstring", pgettext_lazy("body site", "Hamstring")),
    ("groin", pgettext_lazy("body site", "Groin")),
    ("other", pgettext_lazy("body site", "Other")),
]
# Where a cramp was felt, said as one phrase: in many languages the word for "left" agrees
# with the body site ("linke Wade", "linker Fuß"), or follows it ("mollet gauche").
WHERE_FELT = {
    ("left", "calf"): pgettext_lazy("where a cramp was felt", "left calf"),
    ("left", "foot"): pgettext_lazy("where a cramp was felt", "left foot"),
    ("left", "thigh"): pgettext_lazy("where a cramp was felt", "left thigh"),
    ("left", "hamstring"): pgettext_lazy("where a cramp was felt", "left hamstring"),
    ("left", "groin"): pgettext_lazy("where a cramp was felt", "left groin"),
    ("left", "other"): pgettext_lazy("where a cramp was felt", "left leg, elsewhere"),
    ("left", ""): pgettext_lazy("where a cramp was felt", "left leg"),
    ("right", "calf"): pgettext_lazy("where a cramp was felt", "right calf"),
    ("right", "foot"): pgettext_lazy("where a cramp was felt", "right foot"),
    ("right", "thigh"): pgettext_lazy("where a cramp was felt", "right thigh"),
    ("right", "hamstring"): pgettext_lazy("where a cramp was felt", "right hamstring"),
    ("right", "groin"): pgettext_lazy("where a cramp was felt", "right groin"),
    ("right", "other"): pgettext_lazy("where a cramp was felt", "right leg, elsewhere"),
    ("right", ""): pgettext_lazy("where a cramp was felt", "right leg"),
    ("both", "calf"): pgettext_lazy("where a cramp was felt", "both calves"),
    ("both", "foot"): pgettext_lazy("where a cramp was felt", "both feet"),
    ("both", "thigh"): pgettext_lazy("where a cramp was felt", "both thighs"),
    ("both", "hamstring"): pgettext_lazy("where a cramp was felt", "both hamstrings"),
    ("both", "groin"): pgettext_lazy("where a cramp was felt", "both sides of the groin"),
    ("both", "other"): pgettext_lazy("where a cramp was felt", "both legs, elsewhere"),
    ("both", ""): pgettext_lazy("where a cramp was felt", "both legs"),
    ("", "calf"): pgettext_lazy("where a cramp was felt", "calf"),
    ("", "foot"): pgettext_lazy("where a cramp was felt", "foot"),
    ("", "thigh"): pgettext_lazy("where a cramp was felt", "thigh"),
    ("", "hamstring"): pgettext_lazy("where a cramp was felt", "hamstring"),
    ("", "groin"): pgettext_lazy("where a cramp was felt", "groin"),
    ("", "other"): pgettext_lazy("where a cramp was felt", "elsewhere in the leg"),
}


STIMULATION_FELT_CHOICES = [
    ("usual", _("In the usual place")),
    ("different_location", _("In a different place")),
    ("not_felt", _("Not felt")),
]
# A new muscle movement felt with the stimulation (a sign a lead may have moved).
NEW_MOVEMENT_CHOICES = [
    ("none", pgettext_lazy("new muscle movement", "None")),
    ("toes", pgettext_lazy("new muscle movement", "Toes")),
    ("calf", pgettext_lazy("new muscle movement", "Calf")),
    ("thigh_or_hip", pgettext_lazy("new muscle movement", "Thigh or hip")),
]
RELIEF_CHOICES = [
    ("stretching", _("Stretching")),
    ("walking", _("Walking")),
    ("device_off", _("Turning the device off")),
    ("amplitude_lowered", _("Lowering the amplitude with the remote")),
    ("massage", _("Massage")),
    ("heat", _("Heat")),
    ("nothing", _("Nothing helped")),
    ("other", _("Something else")),
]
RELIEF_CODES = frozenset(code for code, _label in RELIEF_CHOICES)


def validate_relief_list(value: object) -> None:
    if not isinstance(value, list) or any(
        not isinstance(item, str) or item not in RELIEF_CODES for item in value
    ):
        raise ValidationError(_("Choose what helped from the list."))


class EpisodeQuerySet(models.QuerySet["CrampEpisode"]):
    def alive(self) -> EpisodeQuerySet:
        return self.filter(deleted_at__isnull=True, night__deleted_at__isnull=True)

    def for_patient(self, patient: Patient) -> EpisodeQuerySet:
        return self.filter(night__patient=patient).alive()


class CrampEpisode(models.Model):
    night = models.ForeignKey(Night, on_delete=models.CASCADE, related_name="episodes")
    started_at = models.DateTimeField()
    # True when the patient gave no time (a cramp added to a past night keeps the night's
    # default, PAST_NIGHT_DEFAULT_HOUR): the time is a placeholder, not an observation, and
    # readers that use the time of night (charts, exports) must not take it as one.
    time_estimated = models.BooleanField(default=False)
    duration_min = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(240)]
    )
    severity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    side = models.CharField(max_length=8, choices=SIDE_CHOICES, blank=True)
    site = models.CharField(max_length=12, choices=SITE_CHOICES, blank=True)
    woke_from_sleep = models.BooleanField(null=True, blank=True)
    stimulation_felt = models.CharField(max_length=20, choices=STIMULATION_FELT_CHOICES, blank=True)
    new_movement = models.CharField(max_length=16, choices=NEW_MOVEMENT_CHOICES, blank=True)
    relieved_by = models.JSONField(default=list, blank=True, validators=[validate_relief_list])
    notes = models.TextField(blank=True, max_length=2000)
    # Sent with the form that created the episode: a double submission, a retried request or
    # an offline entry replayed later all carry the same token and create one episode.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["night", "started_at"])]

    @property
    def where_felt(self) -> str:
        """The side and body site as one phrase ("left calf"), or "" when neither is known."""
        return str(WHERE_FELT.get((self.side, self.site), ""))

    def __str__(self) -> str:
        return f"cramp at {self.started_at.isoformat()}"

    def get_additional_data(self) -> dict[str, int]:
        return {"patient_id": self.night.patient_id}

    def clean(self) -> None:
        field_errors(self, started_at=lambda: check_moment(self.started_at))


MEDICATION_CATEGORY_CHOICES = [
    ("steroid", pgettext_lazy("kind of medicine", "Steroid")),
    ("diuretic", pgettext_lazy("kind of medicine", "Diuretic")),
    ("statin", pgettext_lazy("kind of medicine", "Statin")),
    ("opioid", pgettext_lazy("kind of medicine", "Opioid")),
    ("other", pgettext_lazy("kind of medicine", "Other")),
    ("not_sure", pgettext_lazy("kind of medicine", "Not sure")),
]
# The kinds the ladder's medication rule reads: steroids (../shared/seeds/001, "Pain Medication
# Side-Effects and Leg Cramps"), diuretics and, weakly, statins (Garrison 2012; the sources are
# in diary/medicines.py and docs/management-ladder.md).
CRAMP_ASSOCIATED_CATEGORIES = frozenset({"steroid", "diuretic", "statin"})


class MedicationQuerySet(models.QuerySet["Medication"]):
    def for_patient(self, patient: Patient) -> MedicationQuerySet:
        return self.filter(patient=patient, deleted_at__isnull=True)


class Medication(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(max_length=120)
    # The kind as the clinic reads it: the patient's answer, or the kind of a listed name
    # when the answer was "Other" or "Not sure" (diary.medicines.stored_kind), or a clinician's.
    category = models.CharField(max_length=12, choices=MEDICATION_CATEGORY_CHOICES)
    kind_confirmed = models.BooleanField(
        default=False, help_text=_("A clinician set or confirmed the kind.")
    )
    started_on = models.DateField()
    stopped_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = MedicationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "name"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, int]:
        return {"patient_id": self.patient_id}

    @property
    def kind_unknown(self) -> bool:
        return kind_unknown(self.category, self.kind_confirmed)

    def clean(self) -> None:
        field_errors(self, started_on=lambda: check_date(self.started_on),
                     stopped_on=lambda: check_date(self.stopped_on))
        if self.stopped_on and self.started_on and self.stopped_on < self.started_on:
            raise ValidationError({"stopped_on": _("The stop date is before the start date.")})


# The daily outcome in the clinic's own units (issue 24). Each count's upper bound is far
# beyond any real day and only keeps typing slips and hostile values out of the analysis.
OUTCOME_LIMITS = {
    "voids": 60,
    "leaks": 50,
    "urgency_episodes": 50,
    "pads": 30,
    "bowel_incontinence_episodes": 30,
    "bowel_urgency": 30,
    "pain_worst": 10,
    "pain_average": 10,
}
# Translators: the seven answers of the Patient Global Impression of Change (PGIC), a
# validated questionnaire: use the wording of its published translation where there is one.
PGIC_CHOICES = [
    (1, pgettext_lazy("PGIC answer", "Very much improved")),
    (2, pgettext_lazy("PGIC answer", "Much improved")),
    (3, pgettext_lazy("PGIC answer", "Minimally improved")),
    (4, pgettext_lazy("PGIC answer", "No change")),
    (5, pgettext_lazy("PGIC answer", "Minimally worse")),
    (6, pgettext_lazy("PGIC answer", "Much worse")),
    (7, pgettext_lazy("PGIC answer", "Very much worse")),
]


# Which outcome a patient logs, by therapy (and, for sacral stimulation, what the clinic set
# it for), and the fields of DailyOutcome each kind fills in, in the order they are asked.
OUTCOME_FIELDS = {
    "bladder": ("leaks", "urgency_episodes", "voids", "pads"),
    "bowel": ("bowel_incontinence_episodes", "bowel_urgency"),
    "pain": ("pain_average", "pain_worst"),
}
OUTCOME_KIND_LABELS = {
    "bladder": _("Bladder diary"), "bowel": _("Bowel diary"), "pain": _("Pain diary")
}


def outcome_kind(therapy: str | None, sacral_indication: str = "bladder") -> str | None:
    """"bladder", "bowel", "pain", or None for a therapy with no outcome of its own here."""
    if therapy == "sacral":
        return "bowel" if sacral_indication == "bowel" else "bladder"
    if therapy in {"spinal_cord", "drg"}:
        return "pain"
    return None


def _count(limit: int, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(limit)],
        help_text=help_text,
    )


class DailyOutcomeQuerySet(models.QuerySet["DailyOutcome"]):
    def for_patient(self, patient: Patient) -> DailyOutcomeQuerySet:
        return self.filter(patient=patient)


class DailyOutcome(models.Model):
    """One patient-day of the therapy's own outcome, in the units clinics judge it by: a
    voiding diary (sacral, bladder), incontinence episodes (sacral, bowel), a 0-10 pain score
    (SCS, DRG), and now and then the Patient Global Impression of Change. Every field may be
    blank: a question not answered is None, never 0."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="outcomes")
    date = models.DateField(help_text=_("The day (not the night) the outcome describes."))
    voids = _count(OUTCOME_LIMITS["voids"], _("Times the patient passed urine that day."))
    leaks = _count(OUTCOME_LIMITS["leaks"], _("Urine leaks that day."))
    urgency_episodes = _count(OUTCOME_LIMITS["urgency_episodes"], _("Sudden urges that day."))
    pads = _count(OUTCOME_LIMITS["pads"], _("Pads used that day."))
    bowel_incontinence_episodes = _count(
        OUTCOME_LIMITS["bowel_incontinence_episodes"], _("Bowel accidents that day.")
    )
    bowel_urgency = _count(OUTCOME_LIMITS["bowel_urgency"], _("Sudden bowel urges that day."))
    pain_worst = _count(10, _("Worst pain that day, 0-10 (NRS)."))
    pain_average = _count(10, _("Average pain that day, 0-10 (NRS)."))
    pgic = models.PositiveSmallIntegerField(
        # Translators: the Patient Global Impression of Change; keep the acronym your
        # language's clinicians use.
        _("PGIC"), null=True, blank=True, choices=PGIC_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text=_("Patient Global Impression of Change since the therapy began, 1-7."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DailyOutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="one_outcome_per_patient_day"),
        ]

    def __str__(self) -> str:
        return f"outcome of {self.date.isoformat()}"

    def get_additional_data(self) -> dict[str, int]:
        return {"patient_id": self.patient_id}

    def clean(self) -> None:
        field_errors(self, date=lambda: check_date(self.date, what="day"))


# The audit trail of every change to a patient's diary (django-auditlog; who and from where
# come from AuditlogMiddleware). Free text is recorded as changed, never copied.
auditlog.register(Patient, m2m_fields={"care_team"})
auditlog.register(Night, mask_fields=["notes"], mask_callable="accounts.audit.redact_text")
auditlog.register(CrampEpisode, mask_fields=["notes"], mask_callable="accounts.audit.redact_text")
auditlog.register(Medication)
auditlog.register(DailyOutcome)
