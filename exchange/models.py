"""A patient's request to erase their diary, and the clinic's decision (docs/security.md,
"A patient's data rights"). The row outlives the diary it erased: it is the record that the
erasure was asked for, decided by whom and why, and done."""

from __future__ import annotations

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q

from diary.models import Patient


class ErasureRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the clinic"
        APPROVED = "approved", "Approved: the diary was erased"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn by the patient"

    # Null once the diary is erased; patient_ref keeps which patient it was.
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.SET_NULL, related_name="erasure_requests"
    )
    patient_ref = models.PositiveIntegerField(editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        editable=False,
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(
        blank=True, max_length=2000,
        help_text="Why the clinic approved or refused: the patient reads it.",
    )
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request per patient: a double tap asks once.
            models.UniqueConstraint(
                fields=["patient_ref"], condition=Q(status="pending"),
                name="one_pending_erasure_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"erasure request {self.pk} for patient {self.patient_ref}: {self.status}"

    def get_additional_data(self) -> dict[str, int]:
        return {"patient_id": self.patient_ref}


auditlog.register(ErasureRequest)
