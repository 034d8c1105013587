from __future__ import annotations

from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = "Reminders and digests"
    default_auto_field = "django.db.models.BigAutoField"
