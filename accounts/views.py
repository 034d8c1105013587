from __future__ import annotations

import logging
from base64 import b32encode
from typing import Any

import jwt
import requests
import segno
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts.forms import LanguageForm, TokenForm
from accounts.language import choose_language
from accounts.oidc import (
    REFUSAL_ATTRIBUTE,
    SIGN_IN_FAILED,
    TWO_FACTOR_ATTRIBUTE,
    oidc_enabled,
    provider_log_out_url,
)
from accounts.recovery import (
    LOW_WARNING_AT,
    recovery_code_used,
    recovery_codes_create,
    recovery_codes_delete,
    recovery_codes_left,
)
from accounts.sessions import (
    HOSPITAL_SIGN_IN_KEY,
    OTP_REQUIRED_KEY,
    PROVIDER_TWO_FACTOR_KEY,
    has_two_factor_device,
    sessions_end_others,
    two_factor_passed,
    uses_two_factor,
)
from diary.access import home_url_for

DEVICE_NAME = "Authenticator app"
logger = logging.getLogger(__name__)


def _may_use_two_factor(request: HttpRequest) -> bool:
    return uses_two_factor(request.user)


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


class LoginView(auth_views.LoginView):
    """Django's log-in at /accounts/login/, offering the hospital's sign-in when configured."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["hospital_sign_in"] = settings.OIDC_PROVIDER_NAME if oidc_enabled() else ""
        return context


class LogoutView(auth_views.LogoutView):
    """Django's log-out (POST only). After a hospital sign-in, when the provider's end-session
    endpoint is configured, the browser goes on to the provider to end its session too, and
    comes back to the log-in page: on a shared computer the next "Sign in with ..." asks for
    the hospital password again."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from_hospital = bool(request.session.get(HOSPITAL_SIGN_IN_KEY))
        response = super().post(request, *args, **kwargs)
        provider = provider_log_out_url(request) if from_hospital else ""
        return redirect(provider) if provider else response


class HospitalCallbackView(OIDCAuthenticationCallbackView):
    """The identity provider sends the browser back here with a code. A refused or failed
    sign-in goes back to the log-in page with a message; logs name the reason, never a
    token, code or claim."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            # A state this browser never started, a nonce, signature, issuer or audience that
            # does not match: the answer was not for this sign-in.
            logger.warning("Hospital sign-in refused: %s.", exc)
            return self.login_failure()
        except (requests.RequestException, jwt.PyJWTError, KeyError, ValueError) as exc:
            # The provider did not answer, or not in a form the flow can read.
            logger.warning("Hospital sign-in failed: %s.", type(exc).__name__)
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        default = SIGN_IN_FAILED % {"provider": settings.OIDC_PROVIDER_NAME}
        messages.error(self.request, getattr(self.request, REFUSAL_ATTRIBUTE, default))
        return redirect(settings.LOGIN_URL)

    def login_success(self) -> HttpResponse:
        # Always a log-in of its own (the library skips it for the same user, for a session
        # refresh StimDiary does not use): the session rules start here, as after a password.
        next_url = self.request.session.pop("oidc_login_next", None)
        auth.login(self.request, self.user)
        self.request.session[HOSPITAL_SIGN_IN_KEY] = True
        if getattr(self.user, TWO_FACTOR_ATTRIBUTE, False):
            self.request.session[PROVIDER_TWO_FACTOR_KEY] = True
        return redirect(next_url or home_url_for(self.user))


_hospital_sign_in = OIDCAuthenticationRequestView.as_view()
_hospital_callback = HospitalCallbackView.as_view()


def hospital_sign_in(request: HttpRequest) -> HttpResponse:
    """To the identity provider, with a new state, nonce and PKCE challenge in the session."""
    if not oidc_enabled():
        raise Http404("Hospital sign-in is not configured.")
    return _hospital_sign_in(request)


def hospital_callback(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404("Hospital sign-in is not configured.")
    return _hospital_callback(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; then every other session of the user ends (Django's own
    session hash would end them too; the epoch makes it the same rule as two-factor's)."""

    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        sessions_end_others(user=form.user, request=self.request)
        return response


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view()


def _login_devices(user: Any) -> list[Device]:
    """What the log-in step and turning it off accept: the app, then the recovery codes."""
    return [
        *TOTPDevice.objects.devices_for_user(user, confirmed=True),
        *StaticDevice.objects.devices_for_user(user, confirmed=True),
    ]


def _two_factor_on(
    request: HttpRequest,
    device: TOTPDevice,
    *,
    form: TokenForm | None = None,
    recovery_form: TokenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if recovery_form is None:
        recovery_form = TokenForm(devices=[device], prefix="recovery")
        recovery_form.fields["token"].widget.attrs.pop("autofocus", None)
    context = {
        "device": device,
        "form": form,
        "recovery_form": recovery_form,
        "recovery_left": recovery_codes_left(request.user),
        "low_warning_at": LOW_WARNING_AT,
        "required": settings.REQUIRE_TWO_FACTOR,
    }
    return render(request, "accounts/two_factor_on.html", context, status=status)


def _qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor log-in: scan the code, then confirm one code from the app."""
    if not _may_use_two_factor(request):
        return redirect(home_url_for(request.user))
    user = request.user
    confirmed = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if confirmed is not None:
        return _two_factor_on(request, confirmed)
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None, devices=[device])
    next_url = _safe_next(request)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        request.session[OTP_REQUIRED_KEY] = True
        sessions_end_others(user=user, request=request)
        messages.success(request, _("Two-factor log-in is on. You will be asked for a code "
                                    "after your password from now on."))
        return redirect(next_url or "accounts:two-factor")
    # The key is stored as hex; apps that take a typed key want base32.
    manual_key = b32encode(bytes.fromhex(device.key)).decode().rstrip("=")
    context = {
        "form": form,
        "qr": _qr_data_uri(device),
        "manual_key": manual_key,
        "next": next_url,
        "required": settings.REQUIRE_TWO_FACTOR,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor off; needs a current code, so a borrowed session cannot do it."""
    if not _may_use_two_factor(request):
        return redirect(home_url_for(request.user))
    devices = _login_devices(request.user)
    app = next((d for d in devices if isinstance(d, TOTPDevice)), None)
    if app is None:
        return redirect("accounts:two-factor")
    form = TokenForm(request.POST, devices=devices)
    if form.is_valid():
        TOTPDevice.objects.filter(user=request.user).delete()
        # The recovery codes go with it: left alone they would still count as a device.
        recovery_codes_delete(user=request.user, request=request)
        request.session[OTP_REQUIRED_KEY] = False
        sessions_end_others(user=request.user, request=request)
        if settings.REQUIRE_TWO_FACTOR:
            messages.success(request, _("Your old authenticator is removed. Set up the new one."))
        else:
            messages.success(request, _("Two-factor log-in is off."))
        return redirect("accounts:two-factor")
    return _two_factor_on(request, app, form=form, status=400)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Make a new set of recovery codes (the old set stops working) and show it, once. Needs a
    current code from the app, so a borrowed session cannot read a set."""
    if not _may_use_two_factor(request):
        return redirect(home_url_for(request.user))
    app = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    if app is None:
        return redirect("accounts:two-factor")
    form = TokenForm(request.POST, devices=[app], prefix="recovery")
    if not form.is_valid():
        return _two_factor_on(request, app, recovery_form=form, status=400)
    codes = recovery_codes_create(user=request.user, request=request)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The step after the password for a user with a confirmed device."""
    next_url = _safe_next(request)
    user = request.user
    if two_factor_passed(request) or not has_two_factor_device(user):
        request.session[OTP_REQUIRED_KEY] = False
        return redirect(next_url or home_url_for(user))
    form = TokenForm(request.POST or None, devices=_login_devices(user))
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        if isinstance(form.device, StaticDevice):
            left = recovery_code_used(user=user, request=request)
            if left <= LOW_WARNING_AT:
                used = ngettext(
                    "You used a recovery code; it will not work again. You have %(count)s "
                    "recovery code left. Make a new set under Two-factor log-in.",
                    "You used a recovery code; it will not work again. You have %(count)s "
                    "recovery codes left. Make a new set under Two-factor log-in.",
                    left,
                )
            else:
                used = ngettext(
                    "You used a recovery code; it will not work again. You have %(count)s "
                    "recovery code left.",
                    "You used a recovery code; it will not work again. You have %(count)s "
                    "recovery codes left.",
                    left,
                )
            messages.warning(request, used % {"count": left})
        return redirect(next_url or home_url_for(user))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The language form on the Settings page: every page, email and notification for the
    user is in it from now on (accounts.language)."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages in the list."))
        return redirect("notify:preferences")
    chosen = form.cleaned_data["language"]
    response = redirect("notify:preferences")
    choose_language(request, response, chosen)
    with translation.override(chosen):
        messages.success(request, _("Saved: StimDiary is now in %(language)s.") % {
            "language": translation.get_language_info(chosen)["name_local"]
        })
    return response
