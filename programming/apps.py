from __future__ import annotations

from django.apps import AppConfig


class ProgrammingConfig(AppConfig):
    name = "programming"
