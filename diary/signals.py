"""What the diary tells the apps built on it: only that a patient's data changed.

The diary never calls up into the apps that derive things from its data (insights' summaries
and flags); it bumps the patient's data_version and announces the new version here. The
version is the truth: a reader compares it with what it derived, and an app that listens
only gets a head start on work a reader would otherwise do itself.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the writing transaction with patient_id and data_version (the new one).
patient_data_changed = Signal()
