"""Per-patient summaries kept current as data changes (filled by the ladder work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diary.models import Patient


def schedule_refresh(patient: Patient) -> None:
    """Called after every write to a patient's data. Placeholder until the ladder lands."""
    return None
