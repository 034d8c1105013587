"""A patient's request to erase their diary, and the clinic's decision (docs/security.md,
"A patient's data rights"). The row outlives the diary it erased: it is the record that the
erasure was asked for, decided by whom and why, and done."""

from __future__ import annotations

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diary.models import Patient


class ErasureRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the clinic")
        APPROVED = "approved", _("Approved: the diary was erased")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn by the patient")

    # Null once the diary is erased; patient_ref keeps which patient it was.
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.SET_NULL, related_name="erasure_requests",
        verbose_name=_("patient"),
    )
    patient_ref = models.PositiveIntegerField(_("patient number"), editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        editable=False, verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(
        _("reason"), blank=True, max_length=2000,
        help_text=_("Why the clinic approved or refused: the patient reads it."),
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
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
