"""The one place that decides who may see a patient's data.

Every view, chart, export, PDF and form that touches patient data looks it up through here.
No patient data is ever fetched by id alone: a lookup is always scoped to the patients the
user may see (themselves if a patient, their care team's patients if a clinician), and
anything outside that answers 404, so an id reveals nothing, not even that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from diary.models import Patient

Role = Literal["patient", "clinician", "staff", "none"]
M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]


def role_of(user: Any) -> Role:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return "none"
    if hasattr(user, "clinician"):
        return "clinician"
    if hasattr(user, "patient"):
        return "patient"
    if user.is_staff:
        return "staff"
    return "none"


def visible_patients(user: Any) -> QuerySet[Patient]:
    role = role_of(user)
    if role == "clinician":
        return Patient.objects.filter(care_team=user)
    if role == "patient":
        return Patient.objects.filter(user=user)
    return Patient.objects.none()


def get_patient_or_404(user: Any, patient_id: Any, *, also: tuple[str, ...] = ()) -> Patient:
    """`also`: more relations to read in the same query (select_related)."""
    try:
        return visible_patients(user).select_related("user", *also).get(pk=patient_id)
    except (Patient.DoesNotExist, ValueError, TypeError):
        raise Http404("No such patient.") from None


def scoped(user: Any, queryset: QuerySet[M], patient_path: str = "patient") -> QuerySet[M]:
    """Any queryset of patient data, narrowed to the patients the user may see."""
    return queryset.filter(**{f"{patient_path}__in": visible_patients(user)})


def get_scoped_or_404(
    user: Any, queryset: QuerySet[M], pk: Any, patient_path: str = "patient"
) -> M:
    try:
        return scoped(user, queryset, patient_path).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


def home_url_for(user: Any) -> str:
    role = role_of(user)
    if role == "clinician":
        return "clinic:cohort"
    if role == "patient":
        return "diary:home"
    if role == "staff":
        return "admin:index"
    return "accounts-no-role"


def patient_required(view: View) -> View:
    """The signed-in user's own diary. Anyone else is sent to their own home."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if role_of(request.user) != "patient":
            return redirect(home_url_for(request.user))
        return view(request, *args, **kwargs)

    return wrapper


def clinician_required(view: View) -> View:
    """Clinician pages. Patients (and anyone else) are sent to their own home."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if role_of(request.user) != "clinician":
            return redirect(home_url_for(request.user))
        return view(request, *args, **kwargs)

    return wrapper
