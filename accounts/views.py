from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import TokenForm
from accounts.sessions import OTP_REQUIRED_KEY, sessions_end_others, uses_two_factor
from diary.access import home_url_for

DEVICE_NAME = "Authenticator app"


def _may_use_two_factor(request: HttpRequest) -> bool:
    return uses_two_factor(request.user)


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


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
        context = {"device": confirmed, "required": settings.REQUIRE_TWO_FACTOR}
        return render(request, "accounts/two_factor_on.html", context)
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
        messages.success(request, "Two-factor log-in is on. You will be asked for a code after "
                                  "your password from now on.")
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
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect("accounts:two-factor")
    form = TokenForm(request.POST, devices=devices)
    if form.is_valid():
        TOTPDevice.objects.filter(user=request.user).delete()
        request.session[OTP_REQUIRED_KEY] = False
        sessions_end_others(user=request.user, request=request)
        if settings.REQUIRE_TWO_FACTOR:
            messages.success(request, "Your old authenticator is removed. Set up the new one.")
        else:
            messages.success(request, "Two-factor log-in is off.")
        return redirect("accounts:two-factor")
    context = {"device": devices[0], "form": form, "required": settings.REQUIRE_TWO_FACTOR}
    return render(request, "accounts/two_factor_on.html", context, status=400)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The step after the password for a user with a confirmed device."""
    next_url = _safe_next(request)
    user = request.user
    if user.is_verified() or not user_has_device(user, confirmed=True):
        request.session[OTP_REQUIRED_KEY] = False
        return redirect(next_url or home_url_for(user))
    devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    form = TokenForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(next_url or home_url_for(user))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})
