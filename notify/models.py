"""What each user asked to receive, where Web Push may reach them, and one row per message
sent: the row is both the once-only claim and the audit (who, which kind, when; never what)."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CHANNEL_CHOICES = [("email", _("Email")), ("push", _("A notification on my phone"))]

KIND_CHOICES = [
    ("evening", _("Evening reminder")),
    ("nudge", _("Missed-night nudge")),
    ("digest", _("Clinician digest")),
]


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference"
    )
    # Patients: a reminder to log last night, at a time on their own clock.
    evening_enabled = models.BooleanField(_("Remind me to log last night"), default=True)
    evening_time = models.TimeField(pgettext_lazy("time of day", "At"), default=time(21, 0))
    channel = models.CharField(
        pgettext_lazy("how a reminder is sent, email or phone", "By"),
        max_length=8, choices=CHANNEL_CHOICES, default="email",
    )
    nudge_enabled = models.BooleanField(
        _("One gentle message after two nights in a row not logged"), default=True
    )
    # Clinicians: a daily list of patients whose flags are new or carry new evidence.
    digest_enabled = models.BooleanField(_("Send me a daily digest of new flags"), default=True)
    digest_time = models.TimeField(pgettext_lazy("time of day", "At"), default=time(7, 30))

    def __str__(self) -> str:
        return f"notification preferences of {self.user}"


class PushSubscription(models.Model):
    """A browser's Web Push endpoint (the Push API's PushSubscription), one per phone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"push subscription of {self.user}"

    def as_subscription_info(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class Delivery(models.Model):
    """One message to one user. The unique (user, kind, key) row is claimed before anything is
    sent, so two workers running the same schedule send it once (notify.dispatch)."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NOTHING_NEW = "nothing_new", _("Nothing new to send")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    # Evening: the night asked about; nudge: the last logged night before the gap;
    # digest: the clinic's date.
    key = models.CharField(max_length=40)
    channel = models.CharField(max_length=8, choices=CHANNEL_CHOICES, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CLAIMED)
    # Digest only: the active flags' ids and fingerprints it covered (no diary contents).
    covered = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="one_delivery_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user} ({self.key})"
