"""Staff views of what the analysis derived. Read-only: flags are raised and resolved by
insights.summary, acknowledgements are a clinician's record of a decision, and a summary is
recomputed from the diary; a row added or deleted here would disagree with all three."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from diary.admin import ClinicScopedAdmin
from insights.models import Flag, FlagAcknowledgement, PatientSummary


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PatientSummary)
class PatientSummaryAdmin(ReadOnlyMixin, ClinicScopedAdmin):
    list_display = [
        "patient", "ladder_step", "lead_migration", "cramp_night_rate_14", "computed_at",
    ]
    readonly_fields = [f.name for f in PatientSummary._meta.fields]


class AcknowledgementInline(ReadOnlyMixin, admin.TabularInline):
    model = FlagAcknowledgement
    extra = 0
    can_delete = False
    readonly_fields = ["acknowledged_by", "acknowledged_at", "note", "fingerprint"]


@admin.register(Flag)
class FlagAdmin(ReadOnlyMixin, ClinicScopedAdmin):
    list_display = ["patient", "code", "step", "since", "raised_at", "resolved_at"]
    list_filter = ["code", "step"]
    readonly_fields = [f.name for f in Flag._meta.fields]
    inlines = [AcknowledgementInline]
