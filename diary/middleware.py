from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class PatientTimezoneMiddleware:
    """Patients read every time on their own wall clock, in the zone of their diary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # A clinician is never read as a patient (diary.access.role_of checks clinician
        # first): asking that first spares every clinician page the patient lookup.
        patient = None if hasattr(user, "clinician") else getattr(user, "patient", None)
        if patient is not None:
            timezone.activate(patient.tz)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
