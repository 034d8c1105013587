"""The one place that decides who may see a patient's data.

Every view, chart, export, PDF and form that touches patient data looks it up through here.
No patient data is ever fetched by id alone: a lookup is always scoped to the patients the
user may see (themselves if a patient, their care team's patients if a clinician), and
anything outside that answers 404, so an id reveals nothing, not even that it exists.

Clinics are tenants: a clinician sees a care-team patient only within their own clinic, and
staff (not superusers) see only their clinic's rows in the admin (clinic_scoped). The same
clinic is what PostgreSQL's row-level security is keyed on (clinic.tenancy, docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
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


def is_installation_wide(user: Any) -> bool:
    """Superusers work across every clinic (the admin only: they see no clinician pages)."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def clinic_of(user: Any) -> int | None:
    """The id of the clinic the user belongs to, or None (anonymous, superuser-only, a staff
    account nobody has placed in a clinic: those see no clinic's rows)."""
    role = role_of(user)
    if role == "clinician":
        return user.clinician.clinic_id
    if role == "patient":
        return user.patient.clinic_id
    membership = getattr(user, "staff_membership", None) if role == "staff" else None
    return membership.clinic_id if membership is not None else None


def visible_patients(user: Any) -> QuerySet[Patient]:
    role = role_of(user)
    if role == "clinician":
        # A care-team link to another clinic's patient (which the forms refuse) shows nothing.
        return Patient.objects.filter(care_team=user, clinic_id=user.clinician.clinic_id)
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


def clinic_scoped(
    user: Any, queryset: QuerySet[M], clinic_paths: str | tuple[str, ...]
) -> QuerySet[M]:
    """Rows for staff pages (the admin): a superuser's are every clinic's, anyone else's only
    their own clinic's. `clinic_paths` lead from the model to a clinic id; a row counts when
    any of them matches (a user belongs to a clinic as a patient, clinician or staff)."""
    if is_installation_wide(user):
        return queryset
    clinic_id = clinic_of(user)
    if clinic_id is None:
        return queryset.none()
    paths = (clinic_paths,) if isinstance(clinic_paths, str) else clinic_paths
    condition = Q()
    for path in paths:
        condition |= Q(**{path: clinic_id})
    return queryset.filter(condition)


# How a user account reaches its clinic, for clinic_scoped over users or rows keyed on a user.
USER_CLINIC_PATHS = ("patient__clinic", "clinician__clinic", "staff_membership__clinic")


def user_clinic_paths(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}__{path}" for path in USER_CLINIC_PATHS)


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
