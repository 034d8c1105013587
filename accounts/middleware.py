from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

import auditlog.middleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.addresses import client_address
from accounts.language import session_language
from accounts.sessions import (
    LAST_SEEN_KEY,
    TOUCH_INTERVAL_SECONDS,
    has_idle_timeout,
    idle_timeout_seconds,
    otp_required,
    session_is_current,
    two_factor_setup_required,
)


def _to_log_in(request: HttpRequest) -> HttpResponse:
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{settings.LOGIN_URL}?{query}")


class SessionEpochMiddleware:
    """End a session begun before its user's last password or two-factor change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not session_is_current(request):
            logout(request)
            messages.info(
                request,
                _(
                    "You were logged out because the password or two-factor log-in of this "
                    "account changed. Log in again."
                ),
            )
            return _to_log_in(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """No browser or proxy keeps a copy of anything the app answers: pages, CSV, PDF and
    charts carry health data, the two-factor pages a secret. Static files never get here
    (whitenoise answers them first, with its long cache)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        return response


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
                    request,
                    ngettext(
                        "You were logged out after %(minutes)s minute without activity.",
                        "You were logged out after %(minutes)s minutes without activity.",
                        minutes,
                    ) % {"minutes": minutes},
                )
                return _to_log_in(request)
            if last_seen is None or now - float(last_seen) > TOUCH_INTERVAL_SECONDS:
                request.session[LAST_SEEN_KEY] = now
                request.session.set_expiry(idle_timeout_seconds())
        return self.get_response(request)


# Reachable before the two-factor step: the step itself and a way out.
OTP_EXEMPT_URL_NAMES = frozenset({"accounts:two-factor-verify", "logout"})
# Reachable before a required two-factor setup: the setup, and the same.
SETUP_EXEMPT_URL_NAMES = OTP_EXEMPT_URL_NAMES | {"accounts:two-factor"}


class TwoFactorRequiredMiddleware:
    """A clinician or staff member with a confirmed TOTP device passes the one-time code
    after the password before any other page, the admin included. With REQUIRE_TWO_FACTOR,
    one without a device is walked through setting one up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: tuple,
        view_kwargs: dict,
    ) -> HttpResponse | None:
        if request.path.startswith(settings.STATIC_URL):
            return None
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        query = urlencode({"next": request.get_full_path()})
        if view_name not in OTP_EXEMPT_URL_NAMES and otp_required(request):
            return redirect(f"{reverse('accounts:two-factor-verify')}?{query}")
        if view_name not in SETUP_EXEMPT_URL_NAMES and two_factor_setup_required(request):
            return redirect(f"{reverse('accounts:two-factor')}?{query}")
        return None


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):
    """auditlog's middleware, reading the client's address by the project's one rule (the
    library takes the first X-Forwarded-For entry, which the client can write)."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_address(request)


class UserLanguageMiddleware:
    """After LocaleMiddleware (the browser's language) and authentication: a signed-in user's
    own choice from Settings wins (accounts.language)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = session_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
