from __future__ import annotations

from django.db import models

from diary.models import Patient


class PatientSummary(models.Model):
    """What the cohort page shows per patient, kept current as the patient's data changes
    (see insights.summary), so the cohort never re-analyses every patient per request."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="summary")
    ladder_step = models.SmallIntegerField(null=True, blank=True)
    lead_migration = models.BooleanField(default=False)
    flag_codes = models.JSONField(default=list, blank=True)
    cramp_night_rate_14 = models.FloatField(null=True, blank=True)
    data_version = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["lead_migration", "ladder_step"])]

    def __str__(self) -> str:
        return f"summary of {self.patient}"
