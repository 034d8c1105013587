"""Two-factor recovery codes: single-use codes for a day the phone is lost, kept by
django-otp's static plugin (one StaticDevice per user, a StaticToken per code).

The plugin stores a token as typed; we store a keyed digest instead (HMAC with SECRET_KEY,
16 hex characters, the token column's width), so a copy of the database alone does not
hand out working codes. A code is shown once, when the set is made; making a new set
deletes the old one. Changing SECRET_KEY makes the set stop working: make a new one."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.audit import audit_account_event

RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# Letters only, and none that read like a digit (i, l, o): a recovery code never looks like
# an app code, so the form can tell which was typed. 10 of 23 letters: about 45 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODE_LENGTH = 10
LOW_WARNING_AT = 3


def recovery_code_digest(code: str) -> str:
    return salted_hmac("stimdiary.recovery-code", code).hexdigest()[:16]


def _new_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def show_code(code: str) -> str:
    half = RECOVERY_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def recovery_device(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def recovery_codes_left(user: Any) -> int | None:
    """How many unused codes the user has; None when no set was ever made."""
    device = recovery_device(user)
    return None if device is None else device.token_set.count()


def recovery_codes_create(*, user: Any, request: HttpRequest | None) -> list[str]:
    """A new set of codes for the user, replacing any old set; returns them for showing once."""
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, created = StaticDevice.objects.select_for_update().get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        replaced = 0 if created else device.token_set.all().delete()[0]
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
        )
        device.throttle_reset()
        audit_account_event(
            user=user,
            request=request,
            what="recovery_codes_made",
            change=("recovery codes", f"{replaced} unused" if not created else "none",
                    f"{len(codes)} new"),
            replaced_unused=replaced,
        )
    return [show_code(code) for code in codes]


def recovery_code_used(*, user: Any, request: HttpRequest) -> int:
    """Record that a code opened a session (the plugin already deleted it); returns how many
    are left."""
    left = recovery_codes_left(user) or 0
    audit_account_event(
        user=user,
        request=request,
        what="recovery_code_used",
        change=("recovery codes", f"{left + 1} unused", f"{left} unused"),
        codes_left=left,
    )
    return left


def recovery_codes_delete(*, user: Any, request: HttpRequest) -> None:
    deleted = StaticToken.objects.filter(device__user=user).count()
    if StaticDevice.objects.filter(user=user).delete()[0]:
        audit_account_event(
            user=user,
            request=request,
            what="recovery_codes_removed",
            change=("recovery codes", f"{deleted} unused", "none"),
        )
