"""Session rules by role: clinicians and staff are logged out after CLINICIAN_IDLE_TIMEOUT
without a request, and must pass the two-factor step when they have a confirmed device.
Patients keep the long SESSION_COOKIE_AGE: they log from a phone at night and a log-in prompt
at 3 a.m. would cost an entry.

What each session needs is decided once, at log-in, and kept in the session, so an ordinary
request costs no extra query."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import user_has_device

from diary.access import role_of

LAST_SEEN_KEY = "stimdiary_last_seen"
OTP_REQUIRED_KEY = "stimdiary_otp_required"
# Refresh the idle clock at most this often, so a page view does not always write the session.
TOUCH_INTERVAL_SECONDS = 60


def has_idle_timeout(user: Any) -> bool:
    return role_of(user) in {"clinician", "staff"}


def idle_timeout_seconds() -> int:
    return int(settings.CLINICIAN_IDLE_TIMEOUT.total_seconds())


def otp_required(request: HttpRequest) -> bool:
    """True when the user has a confirmed two-factor device and this session has not yet
    passed it."""
    user = request.user
    if not user.is_authenticated or role_of(user) not in {"clinician", "staff"}:
        return False
    if user.is_verified():
        return False
    required = request.session.get(OTP_REQUIRED_KEY)
    if required is None:
        required = user_has_device(user, confirmed=True)
        request.session[OTP_REQUIRED_KEY] = required
    return bool(required)


def start_session(request: HttpRequest, user: Any) -> None:
    if has_idle_timeout(user):
        request.session[LAST_SEEN_KEY] = time.time()
        # Also expire the stored session itself, so the rule holds without the middleware.
        request.session.set_expiry(idle_timeout_seconds())
        request.session[OTP_REQUIRED_KEY] = user_has_device(user, confirmed=True)


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        start_session(request, user)
