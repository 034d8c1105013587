from __future__ import annotations

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created
        from django.db.models.signals import m2m_changed

        from clinic.signals import care_team_stays_in_its_clinic
        from clinic.tenancy import scope_after_log_in, session_scope_from_settings
        from diary.models import Patient

        user_logged_in.connect(scope_after_log_in, dispatch_uid="clinic-scope-after-log-in")
        connection_created.connect(
            session_scope_from_settings, dispatch_uid="clinic-session-scope"
        )
        m2m_changed.connect(
            care_team_stays_in_its_clinic, sender=Patient.care_team.through,
            dispatch_uid="clinic-care-team-in-clinic",
        )
