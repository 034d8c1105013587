"""Writes the clinician workspace makes that are not diary or settings rows: onboarding."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from diary.models import Patient
from programming.models import Device
from programming.services import settings_record_create


@transaction.atomic
def patient_onboard(
    *,
    clinician: AbstractBaseUser,
    username: str,
    timezone: str,
    therapy: str,
    phase: str,
    implanted_on: date,
    lead_site: str,
    effective_at: datetime,
    amplitude: Decimal,
    amplitude_unit: str,
    pulse_width_us: int,
    frequency_hz: Decimal,
    electrode_configuration: str = "",
    display_name: str = "",
    record_number: str = "",
    email: str = "",
) -> Patient:
    """A new patient account with no usable password yet, their device and initial settings,
    in the creating clinician's clinic and on their care team. The patient sets a password
    through set_password_path."""
    user = User.objects.create_user(username=username, email=email, password=None)
    patient = Patient.objects.create(
        user=user, timezone=timezone, display_name=display_name, record_number=record_number,
        clinic_id=clinician.clinician.clinic_id,  # the creator's clinic
    )
    patient.care_team.add(clinician)
    device = Device.objects.create(
        patient=patient, therapy=therapy, phase=phase, implanted_on=implanted_on,
        lead_site=lead_site,
    )
    settings_record_create(
        device=device,
        effective_at=effective_at,
        amplitude=amplitude,
        amplitude_unit=amplitude_unit,
        pulse_width_us=pulse_width_us,
        frequency_hz=frequency_hz,
        electrode_configuration=electrode_configuration,
        reason="initial",
        source="clinic",
        recorded_by=clinician,
    )
    return patient


def set_password_path(user: AbstractBaseUser) -> str:
    """A one-time link: the token is made from the password hash, so it stops working once
    the password is set (and after PASSWORD_RESET_TIMEOUT)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("clinic:set-password", args=[uidb64, token])
