from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diary.models import Patient


class PatientSummary(models.Model):
    """What the cohort page shows per patient, kept current as the patient's data changes
    (see insights.summary), so the cohort never re-analyses every patient per request."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="summary")
    ladder_step = models.SmallIntegerField(null=True, blank=True)
    lead_migration = models.BooleanField(default=False)
    flag_codes = models.JSONField(default=list, blank=True)
    cramp_night_rate_14 = models.FloatField(null=True, blank=True)
    # Active cramps (insights.ladder): the patient's home shows the safe self-help while true.
    active_cramps = models.BooleanField(default=False)
    # The therapy's own outcome under the current settings (insights.outcomes.STATUS_LABELS)
    # and its rank for the cohort's sort (STATUS_RANK: the worse, the lower; None unjudged).
    outcome_status = models.CharField(max_length=24, blank=True, default="")
    outcome_rank = models.SmallIntegerField(null=True, blank=True)
    data_version = models.PositiveIntegerField(default=0)
    # Until when the state holds with no new data: the patient's next NIGHT_END_HOUR, when
    # another night is over and the ladder's windows move (insights.summary.stale).
    fresh_until = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["lead_migration", "ladder_step"])]

    def __str__(self) -> str:
        return f"summary of {self.patient}"


class FlagQuerySet(models.QuerySet["Flag"]):
    def active(self) -> FlagQuerySet:
        return self.filter(resolved_at__isnull=True)

    def for_patient(self, patient: Patient) -> FlagQuerySet:
        return self.filter(patient=patient)


class Flag(models.Model):
    """One spell of a management-ladder flag: raised when its rule starts to hold, resolved
    (never deleted) when it stops, so the history stays. The rules live in insights.ladder."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="flags")
    code = models.CharField(max_length=32)
    step = models.SmallIntegerField(null=True, blank=True, help_text=_("Empty for information."))
    title = models.CharField(max_length=120)
    explanation = models.TextField()
    evidence = models.JSONField(default=dict)
    # Changes when new evidence arrives (insights.ladder.Flag.fingerprint_parts).
    fingerprint = models.CharField(max_length=64)
    since = models.DateField(null=True, blank=True)
    raised_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "code"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_active_flag_per_patient_and_code",
            ),
        ]
        indexes = [models.Index(fields=["patient", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.code} for {self.patient}"

    def as_json(self) -> dict[str, Any]:
        """The stored flag as insights.ladder.Flag.as_json gives it (`analyze --json`)."""
        return {
            "code": self.code,
            "step": self.step,
            "title": self.title,
            "explanation": self.explanation,
            "evidence": self.evidence,
            "since": self.since.isoformat() if self.since else None,
            "fingerprint": self.fingerprint,
        }

    @property
    def is_active(self) -> bool:
        return self.resolved_at is None

    @property
    def latest_acknowledgement(self) -> FlagAcknowledgement | None:
        # Uses the prefetched list when there is one (patient panel), else one query.
        acknowledgements = list(self.acknowledgements.all())
        return max(acknowledgements, key=lambda a: (a.acknowledged_at, a.pk), default=None)

    @property
    def alerting(self) -> bool:
        """Active and not acknowledged for the evidence it now rests on."""
        latest = self.latest_acknowledgement
        return self.is_active and (latest is None or latest.fingerprint != self.fingerprint)


class FlagAcknowledgement(models.Model):
    """A clinician saw a flag and noted what they decided. Kept for good."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="acknowledgements")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField()
    note = models.TextField(max_length=2000, blank=True)
    # The evidence the clinician saw: the flag alerts again only when its fingerprint moves on.
    fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-acknowledged_at", "-id"]

    def __str__(self) -> str:
        return f"acknowledgement of {self.flag}"
