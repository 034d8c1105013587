"""Downloads (CSV, FHIR, the bundle) and a patient's own data rights: a clinician's patient, a
clinician's whole cohort, a patient's own diary and their request to erase it.

Every lookup goes through diary.access (a patient outside the care team is a 404) and every
download is recorded in the audit trail before the first byte is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clinic.audit import audit_access
from diary.access import (
    clinician_required,
    get_patient_or_404,
    patient_required,
    visible_patients,
)
from diary.models import Patient
from exchange import fhir
from exchange.bundle import bundle_dumps, bundle_export
from exchange.csv_reports import COHORT_KINDS, PATIENT_KINDS, DateRange, csv_chunks, filename
from exchange.forms import DateRangeForm, ErasureRequestForm
from exchange.models import ErasureRequest
from exchange.rights import (
    erasure_request_create,
    erasure_request_open,
    erasure_request_withdraw,
)


def _date_range(request: HttpRequest) -> DateRange | None:
    form = DateRangeForm(request.GET)
    return form.date_range() if form.is_valid() else None


def _csv_response(
    request: HttpRequest, patients: Sequence[Patient], kind: str, dates: DateRange, subject: str
) -> StreamingHttpResponse:
    # One audit entry per patient, cohort exports included: each patient's own trail then
    # answers "who took my data out, and when" without reading cohort entries.
    with transaction.atomic():
        for patient in patients:
            audit_access(
                request, patient, "export", kind=f"{kind}.csv",
                date_from=dates.start.isoformat() if dates.start else None,
                date_to=dates.end.isoformat() if dates.end else None,
            )
    response = StreamingHttpResponse(
        csv_chunks(kind, [p.pk for p in patients], dates), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(subject, kind, dates)}"'
    return response


BAD_RANGE = gettext_lazy(
    "Dates must be written YYYY-MM-DD, within the diary's dates (see docs/security.md) and not "
    "in the future, the first no later than the last."
)


@clinician_required
def patient_csv(request: HttpRequest, patient_id: int, kind: str) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    if kind not in PATIENT_KINDS:
        raise Http404("No such report.")
    dates = _date_range(request)
    if dates is None:
        return HttpResponseBadRequest(str(BAD_RANGE))
    return _csv_response(request, [patient], kind, dates, patient.user.username)


@clinician_required
def patient_fhir(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's FHIR R4 bundle (docs/fhir.md), audited like the CSV exports."""
    patient = get_patient_or_404(request.user, patient_id)
    body = fhir.fhir_json(patient)
    audit_access(request, patient, "export", kind="fhir.json")
    response = HttpResponse(body, content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{fhir.filename(patient)}"'
    response["Cache-Control"] = "no-store"
    return response


@clinician_required
def cohort_csv(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in COHORT_KINDS:
        raise Http404("No such report.")
    dates = _date_range(request)
    if dates is None:
        return HttpResponseBadRequest(str(BAD_RANGE))
    patients = list(visible_patients(request.user).select_related("user"))
    return _csv_response(request, patients, kind, dates, f"cohort-{request.user.get_username()}")


@patient_required
def my_csv(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in PATIENT_KINDS:
        raise Http404("No such report.")
    dates = _date_range(request)
    if dates is None:
        return HttpResponseBadRequest(str(BAD_RANGE))
    patient = request.user.patient  # type: ignore[union-attr]
    return _csv_response(request, [patient], kind, dates, patient.user.username)


@patient_required
def my_bundle(request: HttpRequest) -> HttpResponse:
    """Everything the patient logged, as the bundle a clinic can import (docs/bundle-format.md)."""
    patient = request.user.patient  # type: ignore[union-attr]
    body = bundle_dumps(bundle_export(patient))
    audit_access(request, patient, "export", kind="bundle.json")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="stimdiary-{patient.user.username}-bundle.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@patient_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The patient's data rights: download everything, or ask the clinic to erase the diary."""
    patient: Patient = request.user.patient  # type: ignore[union-attr]
    # An empty POST (the box not ticked) is still a POST: bound, so its error is shown.
    form = ErasureRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _erasure, created = erasure_request_create(patient=patient, user=request.user)
        if created:
            messages.success(request, _(
                "Your request is with your clinic. Nothing is erased until they decide; you "
                "can withdraw it until then."
            ))
        else:
            messages.info(request, _("You have already asked; your clinic has not decided yet."))
        return redirect("exchange:my-data")
    return render(request, "exchange/my_data.html", {
        "patient": patient,
        "form": form,
        "open_request": erasure_request_open(patient),
        "past_requests": ErasureRequest.objects.filter(patient_ref=patient.pk).exclude(
            status=ErasureRequest.Status.PENDING)[:5],
    }, status=400 if request.method == "POST" else 200)


@patient_required
@require_POST
def my_erasure_withdraw(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.user.patient  # type: ignore[union-attr]
    erasure = erasure_request_open(patient)
    if erasure is not None:
        erasure_request_withdraw(erasure=erasure)
        messages.success(request, _("Request withdrawn: your diary stays as it is."))
    return redirect("exchange:my-data")
