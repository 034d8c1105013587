from __future__ import annotations

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from clinic.tenancy import scope_after_log_in, session_scope_from_settings

        user_logged_in.connect(scope_after_log_in, dispatch_uid="clinic-scope-after-log-in")
        connection_created.connect(
            session_scope_from_settings, dispatch_uid="clinic-session-scope"
        )
