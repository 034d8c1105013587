"""Log-in lock-outs (django-axes keeps the failed attempts): what a locked visitor is told,
which addresses hold a user locked, and the audited unlock a clinician or staff member does."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.addresses import client_address


def _cool_off() -> timedelta:
    return get_cool_off() or timedelta(0)


def locked_addresses(username: str) -> dict[str, datetime]:
    """Each client address that has this user name locked now, with when the lock ends. The
    same sum axes takes: failures for the pair within the cool-off, against the limit."""
    cool_off = _cool_off()
    rows = (
        AccessAttempt.objects.filter(
            username=username, attempt_time__gte=timezone.now() - cool_off
        )
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["ip_address"] or "": row["last"] + cool_off for row in rows}


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page a locked visitor gets, 429 with when to try again.
    It never names the account: the visitor may not be its owner."""
    username = get_client_username(request, credentials) or ""
    address = getattr(request, "axes_ip_address", None) or client_address(request) or ""
    until = locked_addresses(username).get(address) if username else None
    if until is None:
        until = timezone.now() + _cool_off()
    seconds = max(int((until - timezone.now()).total_seconds()), 1)
    response = render(
        request,
        "registration/locked_out.html",
        {"retry_minutes": math.ceil(seconds / 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def login_unlock(*, user: Any, request: HttpRequest) -> int:
    """Clear every failed log-in held against this user name, from every address, and record
    who did it in the audit trail. Returns how many attempt records were cleared."""
    patient = getattr(user, "patient", None)
    actor = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        cleared = reset(username=user.get_username())
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(user),
            object_pk=str(user.pk),
            object_id=user.pk,
            object_repr=user.get_username(),
            action=LogEntry.Action.UPDATE,
            changes={"log-in lock": ["locked" if cleared else "not locked", "unlocked"]},
            actor=actor,
            remote_addr=client_address(request),
            additional_data={
                "what": "login_unlock",
                "cleared_attempts": cleared,
                **({"patient_id": patient.pk} if patient is not None else {}),
            },
        )
    return cleared
