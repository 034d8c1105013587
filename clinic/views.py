from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinic.access import clinician_required, visible_patients


@clinician_required
def cohort(request: HttpRequest) -> HttpResponse:
    patients = visible_patients(request.user).select_related("user")
    return render(request, "clinic/cohort.html", {"patients": patients})
