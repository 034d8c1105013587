"""What the clinician's patient page shows from the analysis and the ladder (filled by the
analysis and ladder work)."""

from __future__ import annotations

from typing import Any

from diary.models import Patient


def patient_insights(patient: Patient, user: Any) -> dict[str, Any]:
    return {}
