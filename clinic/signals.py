"""A care team stays inside its patient's clinic on every path that adds to it: the admin
forms refuse such a link with a message (diary.admin, clinic.admin); this refuses it for any
other code (a service, the demo, a bundle, the shell) the way a database constraint would."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError

from clinic.models import Clinician
from diary.models import Patient


def care_team_stays_in_its_clinic(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """m2m_changed on Patient.care_team, before a link is added from either side."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # clinician_user.patients_in_care.add(...)
        clinic_id = Clinician.objects.filter(user=instance).values_list("clinic_id", flat=True)
        outside = list(
            Patient.objects.filter(pk__in=pk_set).exclude(clinic_id__in=clinic_id)
            .values_list("pk", flat=True)
        )
    else:  # patient.care_team.add(...)
        outside = list(
            User.objects.filter(pk__in=pk_set)
            .exclude(clinician__clinic_id=instance.clinic_id).values_list("pk", flat=True)
        )
    if outside:
        raise IntegrityError(
            f"A care team is its patient's clinic's own: not linked across clinics ({outside})."
        )
