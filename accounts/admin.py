"""The audit log in the admin: read-only (auditlog's admin has no add, change or delete),
filterable by patient, exportable as CSV by staff."""

from __future__ import annotations

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import URLPattern, path

from accounts.audit import csv_lines
from diary.models import Patient


class PatientFilter(admin.SimpleListFilter):
    title = "patient"
    parameter_name = "patient_id"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), name) for pk, name in Patient.objects.values_list("pk", "user__username")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        try:
            patient_id = int(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(additional_data__patient_id=patient_id)


class AuditLogEntryAdmin(LogEntryAdmin):
    list_filter = ["action", PatientFilter, *LogEntryAdmin.list_filter[1:]]
    list_display = [*LogEntryAdmin.list_display, "remote_addr"]
    change_list_template = "accounts/logentry_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_csv),
            name="auditlog_logentry_export",
        )
        return [export, *super().get_urls()]

    def export_csv(self, request: HttpRequest) -> StreamingHttpResponse:
        """The entries the change list shows (same filters), oldest first, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        entries = (
            changelist.get_queryset(request)
            .select_related("actor", "content_type")
            .order_by("timestamp", "pk")
        )
        response = StreamingHttpResponse(
            csv_lines(entries.iterator(chunk_size=500)), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, AuditLogEntryAdmin)
