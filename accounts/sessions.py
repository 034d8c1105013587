"""Session rules by role: clinicians and staff are logged out after CLINICIAN_IDLE_TIMEOUT
without a request, must pass the two-factor step when they have a confirmed device, and must
set one up first when REQUIRE_TWO_FACTOR is on, unless they signed in with the hospital's
account and its provider said it asked for a second factor (accounts/oidc.py). Patients keep
the long SESSION_COOKIE_AGE: they log from a phone at night and a log-in prompt at 3 a.m. would
cost an entry.

What each session needs is decided once, at log-in, and kept in the session, so an ordinary
request costs no extra query, except the one that keeps sessions honest: the user's session
epoch (accounts.models.SessionEpoch), read on every request, ends every session begun before
the user's last password or two-factor change."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SessionEpoch
from diary.access import role_of

LAST_SEEN_KEY = "stimdiary_last_seen"
# Whether the user had a confirmed two-factor device when this session began (or set one up
# in it): then the code is asked for; without one, REQUIRE_TWO_FACTOR asks for the setup.
OTP_REQUIRED_KEY = "stimdiary_otp_required"
EPOCH_KEY = "stimdiary_session_epoch"
# Set by a hospital sign-in whose ID token says the identity provider asked for a second factor
# (accounts/oidc.py, provider_two_factor): it stands for StimDiary's own code in this session.
PROVIDER_TWO_FACTOR_KEY = "stimdiary_provider_two_factor"
# Set by a hospital sign-in: log-out then also ends the session at the identity provider
# (accounts/oidc.py, provider_log_out_url), when the provider's end-session endpoint is set.
HOSPITAL_SIGN_IN_KEY = "stimdiary_hospital_sign_in"
# Refresh the idle clock at most this often, so a page view does not always write the session.
TOUCH_INTERVAL_SECONDS = 60


def uses_two_factor(user: Any) -> bool:
    return role_of(user) in {"clinician", "staff"}


def has_two_factor_device(user: Any) -> bool:
    """A confirmed authenticator app. Recovery codes (accounts/recovery.py) are its backup,
    not a device of their own: codes left behind when staff remove a lost phone must not
    ask for a code the user may no longer have; the setup comes next instead."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def has_idle_timeout(user: Any) -> bool:
    return role_of(user) in {"clinician", "staff"}


def idle_timeout_seconds() -> int:
    return int(settings.CLINICIAN_IDLE_TIMEOUT.total_seconds())


def _has_device(request: HttpRequest) -> bool:
    has_device = request.session.get(OTP_REQUIRED_KEY)
    if has_device is None:
        has_device = has_two_factor_device(request.user)
        request.session[OTP_REQUIRED_KEY] = has_device
    return bool(has_device)


def two_factor_passed(request: HttpRequest) -> bool:
    """This session passed a second factor: StimDiary's code, or the hospital's sign-in."""
    return request.user.is_verified() or bool(request.session.get(PROVIDER_TWO_FACTOR_KEY))


def otp_required(request: HttpRequest) -> bool:
    """True when the user has a confirmed two-factor device and this session has not yet
    passed it."""
    user = request.user
    if not user.is_authenticated or not uses_two_factor(user):
        return False
    if two_factor_passed(request):
        return False
    return _has_device(request)


def two_factor_setup_required(request: HttpRequest) -> bool:
    """True when the clinic requires two-factor log-in and this clinician or staff member
    has no confirmed device yet: they set one up before anything else."""
    user = request.user
    if not settings.REQUIRE_TWO_FACTOR or not user.is_authenticated:
        return False
    if not uses_two_factor(user) or two_factor_passed(request):
        return False
    return not _has_device(request)


def current_epoch(user_id: int) -> int:
    epoch = SessionEpoch.objects.filter(user_id=user_id).values_list("epoch", flat=True).first()
    return epoch or 0


def session_is_current(request: HttpRequest) -> bool:
    return int(request.session.get(EPOCH_KEY, 0)) >= current_epoch(request.user.pk)


def sessions_end_others(*, user: Any, request: HttpRequest | None) -> int:
    """Every session of this user except the one making the request ends at its next
    request. Called on each password change, admin reset and two-factor change."""
    with transaction.atomic():
        record, _ = SessionEpoch.objects.select_for_update().get_or_create(user=user)
        record.epoch = F("epoch") + 1
        record.save(update_fields=["epoch", "changed_at"])
        record.refresh_from_db(fields=["epoch"])
    if request is not None and getattr(request.user, "pk", None) == user.pk:
        request.session[EPOCH_KEY] = record.epoch
    return record.epoch


def start_session(request: HttpRequest, user: Any) -> None:
    request.session[EPOCH_KEY] = current_epoch(user.pk)
    # Every log-in starts without it; only the hospital sign-in's callback sets it, after.
    request.session.pop(PROVIDER_TWO_FACTOR_KEY, None)
    request.session.pop(HOSPITAL_SIGN_IN_KEY, None)
    if has_idle_timeout(user):
        request.session[LAST_SEEN_KEY] = time.time()
        # Also expire the stored session itself, so the rule holds without the middleware.
        request.session.set_expiry(idle_timeout_seconds())
        request.session[OTP_REQUIRED_KEY] = has_two_factor_device(user)


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        start_session(request, user)
