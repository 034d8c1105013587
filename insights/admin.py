from __future__ import annotations

from django.contrib import admin

from insights.models import Flag, FlagAcknowledgement, PatientSummary


@admin.register(PatientSummary)
class PatientSummaryAdmin(admin.ModelAdmin):
    list_display = [
        "patient", "ladder_step", "lead_migration", "cramp_night_rate_14", "computed_at",
    ]
    readonly_fields = [f.name for f in PatientSummary._meta.fields]


class AcknowledgementInline(admin.TabularInline):
    model = FlagAcknowledgement
    extra = 0
    readonly_fields = ["acknowledged_by", "acknowledged_at", "note", "fingerprint"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["patient", "code", "step", "since", "raised_at", "resolved_at"]
    list_filter = ["code", "step"]
    readonly_fields = [f.name for f in Flag._meta.fields]
    inlines = [AcknowledgementInline]
