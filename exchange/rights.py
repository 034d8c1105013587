"""A patient's data rights (issue 26): everything they logged, downloadable by them, and the
erasure of their diary when the clinic approves their request (docs/security.md).

Erasure removes the diary and the account's means of signing in; it keeps what the audit
trail must keep (who did what to which record, and when) and drops what it must not (the
values of the erased rows, which auditlog kept as each row's changes)."""

from __future__ import annotations

import secrets
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from diary.models import Patient
from exchange.models import ErasureRequest
from programming.models import ProgrammingVisit, SettingsRecord

ERASED_REPR = "erased"


class ErasureError(Exception):
    """A decision that cannot be taken (the request is no longer pending)."""


def erasure_request_open(patient: Patient) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(
        patient_ref=patient.pk, status=ErasureRequest.Status.PENDING
    ).first()


def erasure_request_create(*, patient: Patient, user: Any) -> tuple[ErasureRequest, bool]:
    """The patient's request; a second one while the first is open is the first (a double tap
    asks once, the constraint holding under a race)."""
    existing = erasure_request_open(patient)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return ErasureRequest.objects.create(
                patient=patient, patient_ref=patient.pk, requested_by=user
            ), True
    except IntegrityError:
        return erasure_request_open(patient), False  # type: ignore[return-value]


@transaction.atomic
def erasure_request_withdraw(*, erasure: ErasureRequest) -> None:
    updated = ErasureRequest.objects.filter(
        pk=erasure.pk, status=ErasureRequest.Status.PENDING
    ).update(status=ErasureRequest.Status.WITHDRAWN, decided_at=timezone.now())
    if updated:
        erasure.refresh_from_db()
        _audit_decision(erasure, "erasure_withdrawn", erasure.requested_by)


@transaction.atomic
def erasure_decide(*, erasure: ErasureRequest, approve: bool, reason: str, by: Any) -> None:
    """Staff approve (the diary is erased now) or refuse, with the reason the patient reads.
    The row is claimed with a conditional update: two staff deciding at once decide once."""
    status = ErasureRequest.Status.APPROVED if approve else ErasureRequest.Status.REFUSED
    now = timezone.now()
    claimed = ErasureRequest.objects.filter(
        pk=erasure.pk, status=ErasureRequest.Status.PENDING
    ).update(status=status, decided_by=by, decided_at=now, reason=reason)
    if not claimed:
        raise ErasureError(gettext("This request was already decided or withdrawn."))
    erasure.refresh_from_db()
    _audit_decision(erasure, f"erasure_{status}", by)
    if approve and erasure.patient_id is not None:
        patient_erase(patient=Patient.objects.select_related("user").get(pk=erasure.patient_id))
        ErasureRequest.objects.filter(pk=erasure.pk).update(erased_at=timezone.now())
    erasure.refresh_from_db()


def patient_erase(*, patient: Patient) -> None:
    """Delete the diary (nights, cramps, medicines, devices and their settings, the ladder's
    state and flags), end the account's sessions and turn it into a tombstone that cannot sign
    in, and strip the values from the audit trail's entries about them. Inside the caller's
    transaction: all of it, or none."""
    patient_id, user = patient.pk, patient.user
    with disable_auditlog():  # the deletions' own entries would copy every value once more
        # Programming visits protect their device and the settings record they left in place,
        # and may hold a session report on disk: the files go once the transaction commits.
        visits = ProgrammingVisit.objects.filter(device__patient=patient)
        reports = [name for name in visits.exclude(report="").values_list("report", flat=True)]
        visits.delete()
        if reports:
            storage = ProgrammingVisit._meta.get_field("report").storage
            transaction.on_commit(lambda: [storage.delete(name) for name in reports])
        # Settings records protect their device and the records they correct: unlink, then
        # delete them before the cascade reaches the devices.
        records = SettingsRecord.objects.filter(device__patient=patient)
        records.exclude(corrects=None).update(corrects=None)
        records.delete()
        patient.delete()
        user.push_subscriptions.all().delete()
        user.deliveries.all().delete()
        for relation in ("notify_preference",):
            related = getattr(user, relation, None)
            if related is not None:
                related.delete()
        user.username = f"erased-{patient_id}-{secrets.token_hex(4)}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    _sessions_end(user)
    _audit_redact(patient_id=patient_id, user=user)
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Patient),
        object_pk=str(patient_id),
        object_id=patient_id,
        object_repr=ERASED_REPR,
        action=LogEntry.Action.DELETE,
        changes={},
        additional_data={"patient_id": patient_id, "what": "erasure"},
    )


def _audit_decision(erasure: ErasureRequest, what: str, actor: Any) -> None:
    """The decision's own entry (a conditional update sends no signal for auditlog to see)."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(ErasureRequest),
        object_pk=str(erasure.pk),
        object_id=erasure.pk,
        object_repr=str(erasure),
        action=LogEntry.Action.UPDATE,
        changes={"status": ["pending", erasure.status]},
        actor=actor if actor is not None and actor.is_authenticated else None,
        additional_data={"patient_id": erasure.patient_ref, "what": what},
    )


def _sessions_end(user: User) -> None:
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def _audit_redact(*, patient_id: int, user: User) -> None:
    """Every entry about the patient's rows keeps its who, when, what kind of action and which
    row; the values it recorded (changes, the row's text) go."""
    # The erasure request's own entries stay whole: they are the record of the erasure.
    about_patient = LogEntry.objects.filter(additional_data__patient_id=patient_id).exclude(
        content_type=ContentType.objects.get_for_model(ErasureRequest)
    )
    about_user = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_pk=str(user.pk)
    )
    for entries in (about_patient, about_user):
        entries.update(
            changes={}, changes_text="", serialized_data=None, object_repr=ERASED_REPR
        )
