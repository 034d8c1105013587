from __future__ import annotations

from django.conf import settings
from django.db import models


class SessionEpoch(models.Model):
    """Moved on by every change to how the user proves who they are (a new password,
    two-factor turned on or off). A session begun under an earlier epoch ends at its next
    request: a stolen session does not outlive the change its owner makes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="session_epoch",
    )
    epoch = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.epoch}"
