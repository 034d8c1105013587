from __future__ import annotations

from django.contrib import admin

from diary.access import user_clinic_paths
from diary.admin import ClinicScopedAdmin
from notify.models import Delivery, Preference, PushSubscription


@admin.register(Delivery)
class DeliveryAdmin(ClinicScopedAdmin):
    """The send audit: read-only, as an audit should be."""

    clinic_paths = user_clinic_paths("user")

    list_display = ["created_at", "user", "kind", "key", "channel", "status"]
    list_filter = ["kind", "status", "channel"]
    search_fields = ["user__username"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(ClinicScopedAdmin):
    clinic_paths = user_clinic_paths("user")
    list_display = ["user", "evening_enabled", "evening_time", "channel", "digest_enabled"]
    search_fields = ["user__username"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ClinicScopedAdmin):
    clinic_paths = user_clinic_paths("user")
    list_display = ["user", "created_at"]
    readonly_fields = ["user", "endpoint", "p256dh", "auth", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False
