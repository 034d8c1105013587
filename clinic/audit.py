"""The audit trail's one entry point for reads: views of a patient's record and exports.

Changes to diary, settings and medication rows are recorded by django-auditlog (registered in
each app's models); reads have no row change, so they are written here as auditlog ACCESS
entries against the patient, with what was read in additional_data. Never put diary contents
in `details`: ids, kinds and date ranges only.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest

from accounts.addresses import client_address
from diary.models import Patient


def audit_access(
    request: HttpRequest | None, patient: Patient, what: str, **details: Any
) -> LogEntry:
    user = getattr(request, "user", None) if request is not None else None
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Patient),
        object_pk=str(patient.pk),
        object_id=patient.pk,
        object_repr=str(patient.user.username),
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=user if user is not None and user.is_authenticated else None,
        remote_addr=client_address(request) if request is not None else None,
        additional_data={"patient_id": patient.pk, "what": what, **details},
    )
