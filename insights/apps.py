from __future__ import annotations

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"

    def ready(self) -> None:
        from diary.signals import patient_data_changed
        from insights.summary import night_end_scheduled
        from insights.tasks import data_changed, refresh_when_night_ends

        # A head start only: every reader refreshes a stale state itself (insights.summary).
        patient_data_changed.connect(data_changed, dispatch_uid="insights-summary-refresh")
        night_end_scheduled.connect(
            refresh_when_night_ends, dispatch_uid="insights-night-end-refresh"
        )
