from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_CLINIC_NAME = "Default clinic"
DEFAULT_CLINIC_SLUG = "default"


class Clinic(models.Model):
    """A team that sees only its own patients (urology, pain, colorectal) on one installation.
    Every patient, clinician and staff account belongs to one; superusers to none
    (docs/security.md, "Clinics as tenants")."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")

    def __str__(self) -> str:
        return self.name


def default_clinic() -> Clinic:
    """The clinic of a single-clinic installation (and of rows made before there were clinics)."""
    clinic, _ = Clinic.objects.get_or_create(
        slug=DEFAULT_CLINIC_SLUG, defaults={"name": DEFAULT_CLINIC_NAME}
    )
    return clinic


class Clinician(models.Model):
    """Marks a user as a clinician. Which patients they see is Patient.care_team, within
    their clinic (diary.access.visible_patients)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician",
        verbose_name=_("user"),
    )
    title = models.CharField(
        _("title"), max_length=80, blank=True, help_text=_("For example 'Pain nurse'.")
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="clinicians", verbose_name=_("clinic")
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("clinician")
        verbose_name_plural = _("clinicians")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username


class StaffMembership(models.Model):
    """The clinic a staff (non-superuser) account administers: the admin lists only its rows.
    A staff account without one sees no patient data; superusers need none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_membership"
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="staff", verbose_name=_("clinic")
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")

    def __str__(self) -> str:
        return f"{self.user} ({self.clinic})"
