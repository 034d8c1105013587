from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import TokenForm
from accounts.sessions import OTP_REQUIRED_KEY
from diary.access import home_url_for, role_of

DEVICE_NAME = "Authenticator app"


def _may_use_two_factor(request: HttpRequest) -> bool:
    return role_of(request.user) in {"clinician", "staff"}


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
        return render(request, "accounts/two_factor_on.html", {"device": confirmed})
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        request.session[OTP_REQUIRED_KEY] = True
        messages.success(request, "Two-factor log-in is on. You will be asked for a code after "
                                  "your password from now on.")
        return redirect("accounts:two-factor")
    # The key is stored as hex; apps that take a typed key want base32.
    manual_key = b32encode(bytes.fromhex(device.key)).decode().rstrip("=")
    context = {"form": form, "qr": _qr_data_uri(device), "manual_key": manual_key}
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
        messages.success(request, "Two-factor log-in is off.")
        return redirect("accounts:two-factor")
    return render(
        request, "accounts/two_factor_on.html", {"device": devices[0], "form": form}, status=400
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The step after the password for a user with a confirmed device."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
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
