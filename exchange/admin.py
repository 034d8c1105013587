"""Staff decide a patient's erasure request here (docs/security.md, "A patient's data
rights"): a pending request opens on a form with the decision and its reason; a decided one
is read-only. Nobody adds or deletes a request in the admin: the patient asks, the row stays."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from diary.admin import ClinicScopedAdmin
from exchange.forms import ErasureDecisionForm
from exchange.models import ErasureRequest
from exchange.rights import ErasureError, erasure_decide

READ_ONLY = ("patient_ref", "requested_by", "requested_at", "status", "decided_by",
             "decided_at", "reason", "erased_at")


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ClinicScopedAdmin):
    list_display = ("id", "patient_ref", "requested_at", "status", "decided_at", "decided_by")
    list_filter = ("status",)
    ordering = ("-requested_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        if obj is not None and obj.status == ErasureRequest.Status.PENDING:
            kwargs["form"] = ErasureDecisionForm
            kwargs["fields"] = ["decision", "reason"]
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and obj.status == ErasureRequest.Status.PENDING:
            return ("patient_ref", "requested_by", "requested_at")
        return READ_ONLY

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.status == ErasureRequest.Status.PENDING:
            return ["patient_ref", "requested_by", "requested_at", "decision", "reason"]
        return list(READ_ONLY)

    def save_model(self, request: HttpRequest, obj: ErasureRequest, form: Any,
                   change: bool) -> None:
        decision = form.cleaned_data.get("decision")
        if decision not in ("approve", "refuse"):
            return  # a decided request is read-only: nothing to save
        try:
            erasure_decide(erasure=obj, approve=decision == "approve",
                           reason=form.cleaned_data["reason"], by=request.user)
        except ErasureError as error:
            messages.error(request, str(error))
