from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlencode, urlsafe_base64_decode
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.lockout import locked_addresses, login_unlock
from clinic.audit import audit_access
from clinic.cohort import SORTS, cohort_queryset, page_rows, recent_window
from clinic.forms import (
    MedicationForm,
    MedicationKindForm,
    MedicationStopForm,
    OutcomeSettingsForm,
    PatientOnboardForm,
)
from clinic.services import patient_onboard, set_password_path
from diary import words
from diary.access import (
    clinician_required,
    get_patient_or_404,
    get_scoped_or_404,
    visible_patients,
)
from diary.models import RELIEF_CHOICES, CrampEpisode, Medication, Night, Patient
from diary.services import (
    medication_create,
    medication_set_kind,
    medication_stop,
    outcome_settings_update,
)
from insights.burden import night_minutes
from insights.data import load_visits
from insights.panel import patient_insights
from insights.summary import ensure_fresh
from insights.visit_charts import threshold_series, visit_thresholds_alt
from programming.models import PHASE_CHOICES, THERAPY_CHOICES, ProgrammingVisit, SettingsRecord
from programming.services import corrected_timeline, note_shown
from programming.timeline import Settings
from programming.views import visit_or_404

COHORT_PAGE_SIZE = 25
NIGHTS_PAGE_SIZE = 30
RELIEF_LABELS = dict(RELIEF_CHOICES)


@clinician_required
def cohort(request: HttpRequest) -> HttpResponse:
    therapy = request.GET.get("therapy", "")
    therapy = therapy if therapy in dict(THERAPY_CHOICES) else ""
    phase = request.GET.get("phase", "")
    phase = phase if phase in dict(PHASE_CHOICES) else ""
    sort = request.GET.get("sort", "triage")
    sort = sort if sort in SORTS else "triage"
    window = recent_window()
    # The triage order and the ladder column read the summaries: never a stale one.
    ensure_fresh(visible_patients(request.user))
    ids = cohort_queryset(request.user, window=window, therapy=therapy, phase=phase, sort=sort)
    page = Paginator(ids, COHORT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = page_rows(list(page.object_list), window)
    settings_html = CohortSettingsHtml()
    href = reverse("clinic:patient", args=[0]).replace("/0/", "/{}/")  # one reverse a page
    for row in rows:
        row.settings_html = settings_html(row.current_settings)
        row.href = href.format(row.pk)
    return render(request, "clinic/cohort.html", {
        "page": page,
        "rows": rows,
        "window": window,
        "therapy": therapy,
        "phase": phase,
        "sort": sort,
        "headers": cohort_headers(sort, therapy, phase),
        "filter_query": "&" + urlencode({"sort": sort, "therapy": therapy, "phase": phase}),
        "therapy_choices": THERAPY_CHOICES,
        "phase_choices": PHASE_CHOICES,
    })


# The cohort table's columns: sort key (None: not sortable), label, cell class. What a
# clinician triages by comes first, so a phone shows it without scrolling sideways.
COHORT_COLUMNS = [
    ("patient", gettext_lazy("Patient"), ""),
    # Translators: the column of each patient's step on the management ladder.
    ("ladder", gettext_lazy("Ladder"), "col-ladder"),
    ("unacknowledged", gettext_lazy("Unacknowledged flags"), "text-end"),
    ("days_since_entry", gettext_lazy("Days since last entry"), "text-end"),
    ("last_night", gettext_lazy("Last logged night"), ""),
    # Translators: a column heading: nights logged out of the last 14.
    ("nights_logged", gettext_lazy("Nights logged /14"), "text-end"),
    # Translators: a column heading: nights with a cramp out of the last 14.
    ("cramp_nights", gettext_lazy("Cramp nights /14"), "text-end"),
    ("outcome", gettext_lazy("Therapy outcome"), ""),
    ("therapy", gettext_lazy("Therapy / phase"), ""),
    (None, gettext_lazy("Current settings"), ""),
]


def cohort_headers(sort: str, therapy: str, phase: str) -> list[dict[str, Any]]:
    """The header cells with their sort links, keeping the filters."""
    filters = {name: value for name, value in (("therapy", therapy), ("phase", phase)) if value}
    return [
        {
            "label": label,
            "css": css,
            "key": key,
            "current": key == sort,
            "href": "?" + urlencode({"sort": key, **filters}) if key else "",
        }
        for key, label, css in COHORT_COLUMNS
    ]


class CohortSettingsHtml:
    """clinic/_settings.html rendered once per distinct setting shown on the cohort page:
    every patient has their own records, but most share a handful of programmes."""

    def __init__(self) -> None:
        self.template = get_template("clinic/_settings.html")
        self.rendered: dict[tuple[Any, ...] | None, str] = {}

    def __call__(self, settings: Settings | None) -> str:
        key = settings.parameters if settings is not None else None
        if key not in self.rendered:
            self.rendered[key] = self.template.render({"s": settings})
        return self.rendered[key]


@clinician_required
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id, also=("summary",))
    audit_access(request, patient, "patient_record")
    return render(request, "clinic/patient.html", {
        "patient": patient,
        "login_locked": bool(locked_addresses(patient.user.username)),
        "record": patient_record(patient, page_requested(request.GET.get("page"))),
        "insights": patient_insights(patient),
    })


def page_requested(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def patient_record_cache_key(patient: Patient, page_number: int) -> str:
    # The parts are rendered in the reader's language: one entry per language.
    return patient.cache_key("clinic:patient-record", page_number, get_language())


def patient_record(patient: Patient, page_number: int) -> dict[str, str]:
    """The parts of the patient page that change only with the patient's data (device, settings
    history, medications, a page of nights), rendered once per data version: every write to them
    ends in diary.services.patient_data_changed, so a warm page reads none of those rows
    (issue 9: the same queries for 30 nights and for five years)."""
    key = patient_record_cache_key(patient, page_number)
    record = cache.get(key)
    if record is None:
        record = render_patient_record(patient, page_number)
        cache.set(key, record)
    return record


def render_patient_record(patient: Patient, page_number: int) -> dict[str, str]:
    devices = list(patient.devices.all())
    device = devices[0] if devices else None
    history = list(
        SettingsRecord.objects.for_patient(patient)
        .select_related("corrects", "recorded_by")
        .order_by("-effective_at", "-id")
    )
    corrected = {record.corrects_id: record for record in history if record.corrects_id}
    for record in history:
        record.corrected_by = corrected.get(record.pk)
    # The corrected timeline from the history already read (timeline_for without its query).
    timeline = corrected_timeline(history)
    nights = Night.objects.for_patient(patient).order_by("-date").prefetch_related(
        Prefetch(
            "episodes",
            queryset=CrampEpisode.objects.filter(deleted_at__isnull=True).order_by("started_at"),
            to_attr="live_episodes",
        )
    )
    page = Paginator(nights, NIGHTS_PAGE_SIZE).get_page(page_number)
    settings_html = SettingsHtml()
    for record in history:
        record.settings_html = settings_html(record)
        record.note_shown = note_shown(record.note)
    night_rows = []
    for night in page.object_list:
        zone = night.timezone
        in_effect = timeline.for_night(night.date, zoneinfo.ZoneInfo(zone))
        episodes = []
        for episode in night.live_episodes:
            episode.relief_labels = [RELIEF_LABELS.get(code, code) for code in episode.relieved_by]
            then = timeline.at(episode.started_at)
            episodes.append({
                "episode": episode,
                "settings": then,
                "settings_html": settings_html(then),
                "changed": record_id(then) != record_id(in_effect),
            })
        night_rows.append({
            "night": night,
            "settings": in_effect,
            "title": words.day(night.date, "D j M Y"),
            "zone": zone,
            "settings_html": settings_html(in_effect),
            "facts": night_facts(night, night.live_episodes, patient.timezone),
            "notes": night.notes,
            "episodes": episodes,
        })
    medications = list(Medication.objects.for_patient(patient))
    visits = list(
        ProgrammingVisit.objects.for_patient(patient).select_related("settings_record", "clinician")
    )
    for visit in visits:
        visit.settings_html = settings_html(visit.settings_record)
    thresholds_alt = ""
    if visits:
        visit_records = load_visits(patient)
        if threshold_series(visit_records)[0]:
            thresholds_alt = visit_thresholds_alt(visit_records)
    context: dict[str, Any] = {
        "patient": patient,
        "device": device,
        "current": timeline.current,
        "current_html": settings_html(timeline.current),
        "history": history,
        "medications": medications,
        "medications_kind_unknown": sum(m.kind_unknown for m in medications),
        "page": page,
        "night_rows": night_rows,
        "visits": visits,
        "thresholds_alt": thresholds_alt,
    }
    return {
        part: render_to_string(f"clinic/_patient_{part}.html", context)
        for part in ("device", "current", "history", "visits", "medications", "nights")
    }


def night_facts(night: Night, episodes: list[CrampEpisode], home_zone: str) -> list[str]:
    """The night card's one line of facts, in the order the diary asks them. Each cramp's
    severity, minutes and waking are in its row below; the line adds what only the night
    has: the minutes added up (insights.burden's rule) and the sleep answer."""
    cramps = len(episodes)
    if cramps:
        facts = [ngettext("%(n)s cramp", "%(n)s cramps", cramps) % {"n": cramps}]
        minutes = night_minutes([e.duration_min for e in episodes])
        if cramps > 1 and minutes is not None:
            facts.append(_("%(minutes)s min in all") % {"minutes": minutes})
    else:
        facts = [_("Cramp-free") if night.checked_in_at else _("No cramps logged")]
    if night.sleep_disturbance is not None:
        # Translators: the night card's facts, joined by " · "; each score is out of 10.
        facts.append(_("sleep disturbed %(score)s/10") % {"score": night.sleep_disturbance})
    if night.therapy_benefit is not None:
        facts.append(_("benefit %(score)s/10") % {"score": night.therapy_benefit})
    if night.sleep_quality is not None:
        facts.append(_("sleep %(score)s/10") % {"score": night.sleep_quality})
    if night.fluids:
        # Translators: %(amount)s is the evening's fluids in lower case, e.g. "more than usual".
        facts.append(_("fluids %(amount)s") % {"amount": night.get_fluids_display().lower()})
    if night.activity:
        # Translators: %(amount)s is the day's activity in lower case, e.g. "more than usual".
        facts.append(_("activity %(amount)s") % {"amount": night.get_activity_display().lower()})
    if night.alcohol:
        facts.append(pgettext("a fact of the night: alcohol was drunk", "alcohol"))
    if night.lumbar_support:
        facts.append(_("lumbar support"))
    if night.timezone != home_zone:
        # Translators: the night was spent in another time zone, e.g. "in Europe/Madrid".
        facts.append(_("in %(zone)s") % {"zone": night.timezone})
    return facts


class SettingsHtml:
    """clinic/_settings.html rendered once per settings record on a page, not once per row:
    a page of 30 nights usually shows two or three distinct records."""

    def __init__(self) -> None:
        self.rendered: dict[int | None, str] = {}

    def __call__(self, settings: Settings | SettingsRecord | None) -> str:
        key = record_id(settings)
        if settings is not None and key is None:  # not a stored record: nothing to share
            return render_to_string("clinic/_settings.html", {"s": settings})
        if key not in self.rendered:
            self.rendered[key] = render_to_string("clinic/_settings.html", {"s": settings})
        return self.rendered[key]


def record_id(settings: Settings | SettingsRecord | None) -> int | None:
    if isinstance(settings, SettingsRecord):
        return settings.pk
    return settings.record_id if settings is not None else None


@clinician_required
def patient_new(request: HttpRequest) -> HttpResponse:
    form = PatientOnboardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = patient_onboard(clinician=request.user, **data)
        link = request.build_absolute_uri(set_password_path(patient.user))
        return render(request, "clinic/patient_created.html", {"patient": patient, "link": link})
    return render(request, "clinic/patient_new.html", {"form": form})


@clinician_required
def set_password_link(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A fresh one-time link for a patient who lost theirs before using it. Only while the
    account has no password: a clinician must not be able to take over a patient's account."""
    patient = get_patient_or_404(request.user, patient_id)
    if request.method != "POST":
        return redirect("clinic:patient", patient_id=patient.pk)
    if patient.user.has_usable_password():
        messages.error(
            request, _("This patient has set a password already; no link is needed.")
        )
        return redirect("clinic:patient", patient_id=patient.pk)
    link = request.build_absolute_uri(set_password_path(patient.user))
    return render(
        request, "clinic/patient_created.html", {"patient": patient, "link": link, "again": True}
    )


@clinician_required
def patient_unlock(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Clear the failed log-ins that lock a patient out (audited); for a patient who cannot
    wait out the lock."""
    patient = get_patient_or_404(request.user, patient_id)
    if request.method == "POST":
        login_unlock(user=patient.user, request=request)
        messages.success(
            request, _("%(username)s can log in again now.") % {"username": patient.user.username}
        )
    return redirect("clinic:patient", patient_id=patient.pk)


def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The patient's first password, from the link their clinician handed them. Not signed
    in: the token is the credential, and it stops working once a password is set."""
    user_model = get_user_model()
    try:
        user = user_model.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (user_model.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "clinic/set_password.html", {"invalid": True}, status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your password is set. You can sign in now."))
        return redirect("login")
    return render(
        request, "clinic/set_password.html", {"form": form, "username": user.get_username()}
    )


@clinician_required
def medication_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    form = MedicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        medication_create(patient=patient, recorded_by=request.user, **form.cleaned_data)
        messages.success(request, _("Medication recorded."))
        return redirect("clinic:patient", patient_id=patient.pk)
    return render(request, "clinic/medication_form.html", {"patient": patient, "form": form})


@clinician_required
def medication_kind(request: HttpRequest, patient_id: int, medication_id: int) -> HttpResponse:
    """Set or correct a medicine's kind, so the ladder's medication rule reads it (a "Not
    sure" answer, a name not on diary.medicines' list, a kind entered wrongly)."""
    patient = get_patient_or_404(request.user, patient_id)
    medication = get_scoped_or_404(
        request.user, Medication.objects.for_patient(patient), medication_id
    )
    initial = {} if medication.kind_unknown else {"category": medication.category}
    form = MedicationKindForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        medication_set_kind(medication=medication, category=form.cleaned_data["category"])
        messages.success(request, _("%(medicine)s: kind set to %(kind)s.") % {
            "medicine": medication.name, "kind": medication.get_category_display(),
        })
        return redirect("clinic:patient", patient_id=patient.pk)
    return render(request, "clinic/medication_form.html", {
        "patient": patient, "form": form, "medication": medication,
    })


@clinician_required
def medication_stop_view(request: HttpRequest, patient_id: int, medication_id: int) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    medication = get_scoped_or_404(
        request.user, Medication.objects.for_patient(patient), medication_id
    )
    form = MedicationStopForm(request.POST or None, medication=medication)
    if request.method == "POST" and form.is_valid():
        medication_stop(medication=medication, stopped_on=form.cleaned_data["stopped_on"])
        messages.success(
            request, _("Recorded the stop of %(medicine)s.") % {"medicine": medication.name}
        )
        return redirect("clinic:patient", patient_id=patient.pk)
    return render(request, "clinic/medication_stop.html", {
        "patient": patient, "medication": medication, "form": form,
    })


@clinician_required
@require_GET
def visit_report(request: HttpRequest, patient_id: int, visit_id: int) -> FileResponse:
    """The programmer's session report attached to a visit (issue 25): to the care team only,
    as a download never kept by a cache, and in the audit trail. Never parsed."""
    patient = get_patient_or_404(request.user, patient_id)
    visit = visit_or_404(request, patient, visit_id)
    if not visit.report:
        raise Http404("No report attached.")
    try:
        handle = visit.report.open("rb")
    except FileNotFoundError:
        raise Http404("No report attached.") from None
    audit_access(request, patient, "visit_report", visit_id=visit.pk)
    response = FileResponse(
        handle, as_attachment=True, content_type="application/pdf",
        filename=f"session-report-{visit.visited_at.astimezone(patient.tz):%Y-%m-%d}.pdf",
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@clinician_required
def outcome_settings(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    form = OutcomeSettingsForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        outcome_settings_update(patient=patient, **form.cleaned_data)
        messages.success(request, _("Outcome settings saved."))
        return redirect("clinic:patient", patient_id=patient.pk)
    return render(request, "clinic/outcome_settings.html", {"patient": patient, "form": form},
                  status=400 if form.errors else 200)
