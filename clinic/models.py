from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Clinician(models.Model):
    """Marks a user as a clinician. Which patients they see is Patient.care_team."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician",
        verbose_name=_("user"),
    )
    title = models.CharField(
        _("title"), max_length=80, blank=True, help_text=_("For example 'Pain nurse'.")
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("clinician")
        verbose_name_plural = _("clinicians")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username
