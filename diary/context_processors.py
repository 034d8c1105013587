from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

# Dark from this local hour in the evening until the morning one.
NIGHT_MODE_FROM, NIGHT_MODE_UNTIL = 20, 7


def colour_mode(request: HttpRequest) -> dict[str, Any]:
    """Dark at night in the patient's own time zone, so logging at 3 a.m. does not blind."""
    user = getattr(request, "user", None)
    # A clinician is never read as a patient (as in diary.middleware): no patient lookup.
    patient = None if hasattr(user, "clinician") else getattr(user, "patient", None)
    if patient is None:
        return {"colour_mode": "light", "colour_mode_auto": True}
    hour = timezone.now().astimezone(patient.tz).hour
    night = hour >= NIGHT_MODE_FROM or hour < NIGHT_MODE_UNTIL
    return {"colour_mode": "dark" if night else "light", "colour_mode_auto": True}
