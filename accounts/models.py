from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class HospitalIdentity(models.Model):
    """The link between an account at the hospital's identity provider (OpenID Connect: the
    issuer and its stable `sub`) and a StimDiary clinician or staff user. Made at the first
    sign-in by the email address (OIDC_LINK_BY_EMAIL), or by staff in the admin; found by
    `sub` from then on, so a changed or reused email address never moves it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hospital_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, help_text=_("The identity provider's `sub` claim."))
    linked_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hospital identity")
        verbose_name_plural = _("hospital identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="hospital_identity_unique_subject"
            ),
            # One identity per user and issuer: a second hospital account cannot join the first.
            models.UniqueConstraint(
                fields=["issuer", "user"], name="hospital_identity_one_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.issuer}"


class LanguagePreference(models.Model):
    """The language a user chose in Settings. Every page they read, and every email or
    notification sent to them, is in it (accounts.language); without a row their browser's
    language is used on pages and English in messages."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="language_preference",
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
