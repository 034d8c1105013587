from __future__ import annotations

from django.contrib import admin

from notify.models import Delivery, Preference, PushSubscription


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The send audit: read-only, as an audit should be."""

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
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "evening_enabled", "evening_time", "channel", "digest_enabled"]
    search_fields = ["user__username"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    readonly_fields = ["user", "endpoint", "p256dh", "auth", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False
