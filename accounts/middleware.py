from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.sessions import (
    LAST_SEEN_KEY,
    TOUCH_INTERVAL_SECONDS,
    has_idle_timeout,
    idle_timeout_seconds,
    otp_required,
)


class ClinicianIdleTimeoutMiddleware:
    """Log clinicians and staff out after CLINICIAN_IDLE_TIMEOUT without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and has_idle_timeout(user):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - float(last_seen) > idle_timeout_seconds():
                logout(request)
                minutes = idle_timeout_seconds() // 60
                messages.info(
                    request, f"You were logged out after {minutes} minutes without activity."
                )
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{settings.LOGIN_URL}?{query}")
            if last_seen is None or now - float(last_seen) > TOUCH_INTERVAL_SECONDS:
                request.session[LAST_SEEN_KEY] = now
                request.session.set_expiry(idle_timeout_seconds())
        return self.get_response(request)


# Reachable before the two-factor step: the step itself and a way out.
OTP_EXEMPT_URL_NAMES = frozenset({"accounts:two-factor-verify", "logout"})


class TwoFactorRequiredMiddleware:
    """A clinician or staff member with a confirmed TOTP device passes the one-time code
    after the password before any other page, the admin included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: tuple,
        view_kwargs: dict,
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.view_name in OTP_EXEMPT_URL_NAMES:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        if otp_required(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two-factor-verify')}?{query}")
        return None
