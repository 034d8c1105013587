from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinic.access import home_url_for, patient_required


@login_required
def start(request: HttpRequest) -> HttpResponse:
    return redirect(home_url_for(request.user))


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/no_role.html", status=403)


@patient_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "diary/home.html", {})
