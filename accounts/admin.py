"""The audit log in the admin: read-only (auditlog's admin has no add, change or delete),
filterable by patient, exportable as CSV by staff. Users in the admin: a password reset ends
the user's other sessions, and staff unlock a locked-out log-in (audited). Staff of a clinic
see its entries and accounts only; superusers every clinic's (diary.access.clinic_scoped).
The same rule over the admins other packages register (authenticator devices, log-in
attempts, task results, groups), at the end."""

from __future__ import annotations

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from accounts.audit import csv_lines
from accounts.lockout import login_unlock
from accounts.models import HospitalIdentity
from accounts.sessions import sessions_end_others
from diary.access import (
    USER_CLINIC_PATHS,
    clinic_of,
    clinic_scoped,
    is_installation_wide,
    user_clinic_paths,
)
from diary.admin import ClinicScopedAdmin
from diary.models import Patient


def clinic_patient_ids(request: HttpRequest) -> list[int] | None:
    """The ids of the patients of the staff user's clinic; None for a superuser (every one)."""
    if is_installation_wide(request.user):
        return None
    patients = clinic_scoped(request.user, Patient.objects.all(), "clinic")
    return list(patients.values_list("pk", flat=True))


class PatientFilter(admin.SimpleListFilter):
    title = "patient"
    parameter_name = "patient_id"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        patients = clinic_scoped(request.user, Patient.objects.all(), "clinic")
        return [(str(pk), name) for pk, name in patients.values_list("pk", "user__username")]

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

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """A clinic's staff read the entries about its patients and those its people made.
        Entries about no patient by no one of the clinic (a superuser's, the worker's, an
        erased patient's) are for superusers only."""
        entries = super().get_queryset(request)
        patient_ids = clinic_patient_ids(request)
        if patient_ids is None:
            return entries
        actors = clinic_scoped(request.user, User.objects.all(), USER_CLINIC_PATHS)
        return entries.filter(
            Q(additional_data__patient_id__in=patient_ids) | Q(actor__in=actors)
        )

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


@admin.action(description=_("Unlock log-in (clear failed log-ins from every address)"))
def unlock_log_in(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    cleared = sum(login_unlock(user=user, request=request) for user in queryset)
    users = queryset.count()
    # Two counts, two plural forms: each half is a whole clause of its own.
    unlocked = ngettext(
        "Log-in unlocked for %(count)s user;", "Log-in unlocked for %(count)s users;", users
    ) % {"count": users}
    records = ngettext(
        "%(count)s lock record cleared.", "%(count)s lock records cleared.", cleared
    ) % {"count": cleared}
    # Translators: the two clauses above, joined; reorder them if your language needs to.
    message = gettext("%(unlocked)s %(records)s") % {"unlocked": unlocked, "records": records}
    modeladmin.message_user(request, message, messages.SUCCESS)


class StimDiaryUserAdmin(ClinicScopedAdmin, UserAdmin):
    actions = [*(UserAdmin.actions or []), unlock_log_in]
    clinic_paths = USER_CLINIC_PATHS

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """The clinic's accounts, and accounts not yet in any clinic (a user just added, before
        they are made a clinician or staff), which hold no patient data."""
        users = super().get_queryset(request)
        if is_installation_wide(request.user) or clinic_of(request.user) is None:
            return users
        unplaced = User.objects.filter(
            is_superuser=False,
            patient__isnull=True,
            clinician__isnull=True,
            staff_membership__isnull=True,
        )
        return users | unplaced

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's reset; when it changed the password, the user's other sessions end."""
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and request.method == "POST":
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                sessions_end_others(user=user, request=request)
        return response


admin.site.unregister(User)
admin.site.register(User, StimDiaryUserAdmin)


@admin.register(HospitalIdentity)
class HospitalIdentityAdmin(ClinicScopedAdmin):
    """Staff link a hospital identity (its issuer and `sub`) to a clinician or staff user, or
    remove a link; either ends the user's other sessions."""

    clinic_paths = tuple(f"user__{path}" for path in USER_CLINIC_PATHS)

    list_display = ["user", "issuer", "linked_at", "last_sign_in_at"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["linked_at", "last_sign_in_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        sessions_end_others(user=obj.user, request=request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        user = obj.user
        super().delete_model(request, obj)
        sessions_end_others(user=user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        users = {identity.user for identity in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in users:
            sessions_end_others(user=user, request=request)


# --- other packages' admins, under the same clinic rule ----------------------------------
# Authenticator devices belong to a user, so to that user's clinic. Log-in attempts name a
# username: staff see their clinic's accounts' attempts; attempts on names that are no account
# (someone guessing) are installation-wide. Background task results carry patient ids in their
# arguments and permission groups are shared by every clinic: superusers only.


class ScopedTOTPDeviceAdmin(ClinicScopedAdmin, TOTPDeviceAdmin):
    clinic_paths = user_clinic_paths("user")


class ScopedStaticDeviceAdmin(ClinicScopedAdmin, StaticDeviceAdmin):
    clinic_paths = user_clinic_paths("user")


class UsernameScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = super().get_queryset(request)
        if is_installation_wide(request.user):
            return rows
        accounts = clinic_scoped(request.user, User.objects.all(), USER_CLINIC_PATHS)
        return rows.filter(username__in=accounts.values("username"))


class ScopedAccessAttemptAdmin(UsernameScopedAdmin, AccessAttemptAdmin):
    pass


class ScopedAccessLogAdmin(UsernameScopedAdmin, AccessLogAdmin):
    pass


class ScopedAccessFailureLogAdmin(UsernameScopedAdmin, AccessFailureLogAdmin):
    pass


class InstallationOnlyAdmin(admin.ModelAdmin):
    """Hidden from staff of a clinic, whatever permissions they were given."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_installation_wide(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_installation_wide(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_installation_wide(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_installation_wide(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_installation_wide(request.user) and super().has_delete_permission(request, obj)


class InstallationTaskResultAdmin(InstallationOnlyAdmin, DBTaskResultAdmin):
    pass


class InstallationGroupAdmin(InstallationOnlyAdmin, GroupAdmin):
    pass


for model, model_admin in [
    (TOTPDevice, ScopedTOTPDeviceAdmin),
    (StaticDevice, ScopedStaticDeviceAdmin),
    (AccessAttempt, ScopedAccessAttemptAdmin),
    (AccessLog, ScopedAccessLogAdmin),
    (AccessFailureLog, ScopedAccessFailureLogAdmin),
    (DBTaskResult, InstallationTaskResultAdmin),
    (Group, InstallationGroupAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
