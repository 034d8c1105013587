"""CSV downloads: a clinician's patient, a clinician's whole cohort, a patient's own diary.

Every lookup goes through diary.access (a patient outside the care team is a 404) and every
download is recorded in the audit trail before the first byte is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)

from clinic.audit import audit_access
from diary.access import (
    clinician_required,
    get_patient_or_404,
    patient_required,
    visible_patients,
)
from diary.models import Patient
from exchange import fhir
from exchange.csv_reports import COHORT_KINDS, PATIENT_KINDS, DateRange, csv_chunks, filename
from exchange.forms import DateRangeForm


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


BAD_RANGE = (
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
        return HttpResponseBadRequest(BAD_RANGE)
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
        return HttpResponseBadRequest(BAD_RANGE)
    patients = list(visible_patients(request.user).select_related("user"))
    return _csv_response(request, patients, kind, dates, f"cohort-{request.user.get_username()}")


@patient_required
def my_csv(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in PATIENT_KINDS:
        raise Http404("No such report.")
    dates = _date_range(request)
    if dates is None:
        return HttpResponseBadRequest(BAD_RANGE)
    patient = request.user.patient  # type: ignore[union-attr]
    return _csv_response(request, [patient], kind, dates, patient.user.username)
