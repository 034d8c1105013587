from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clinic.audit import audit_access
from diary.access import clinician_required, get_patient_or_404, patient_required
from diary.models import Night, Patient
from insights import charts, visit_charts
from insights.analysis import ANALYSIS_SCHEMA, diary_start
from insights.data import cached_analysis, load_visits, today_for
from insights.evidence import (
    INFORMATION_RULES,
    OVERVIEW_PENDING_REVIEW,
    REFERENCES,
    RULE_CONDITION_WORDS,
    RULE_SOURCE_NOTES,
    rule_anchor,
    rule_conditions,
    rule_sources,
)
from insights.forms import AcknowledgementForm
from insights.ladder import DECISION_SUPPORT, flag_title, ladder_order, step_label
from insights.models import Flag, FlagAcknowledgement
from insights.pdf import visit_summary_pdf
from insights.summary import flag_words
from programming.services import current_device


def chart_cache_key(patient: Patient, chart: str, fmt: str) -> str:
    # Charts carry words (titles, axes, notes): one entry per language.
    return patient.cache_key(
        "insights:chart", ANALYSIS_SCHEMA, today_for(patient), chart, fmt,
        translation.get_language(),
    )


def _image(content: bytes, fmt: str) -> HttpResponse:
    return HttpResponse(content, content_type=charts.FORMATS[fmt])


def render_chart(patient: Patient, chart: str, fmt: str) -> bytes:
    """Rendered once per patient, data version, chart and format; a new entry bumps the data
    version and so changes the chart, a repeat view is served from the cache."""
    key = chart_cache_key(patient, chart, fmt)
    content = cache.get(key)
    if content is None:
        draw = charts.CHARTS[chart][0]
        analysis = cached_analysis(patient)
        if chart == "tradeoff":
            device = current_device(patient)
            # No device: the chart's own words ("therapy benefit").
            label = device.benefit_label if device else None
            content = draw(analysis, fmt, benefit_label=label)
        else:
            content = draw(analysis, fmt)
        cache.set(key, content)
    return content


@require_GET
@clinician_required
def patient_chart(request: HttpRequest, patient_id: int, chart: str, fmt: str) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    if chart not in charts.CHARTS or fmt not in charts.FORMATS:
        raise Http404(_("No such chart."))
    return _image(render_chart(patient, chart, fmt), fmt)


@require_GET
@clinician_required
def visit_thresholds(request: HttpRequest, patient_id: int, fmt: str) -> HttpResponse:
    """The thresholds found at the programming visits over time (issue 25), rendered once per
    data version (a saved visit bumps it)."""
    patient = get_patient_or_404(request.user, patient_id)
    if fmt not in visit_charts.FORMATS:
        raise Http404(_("No such format."))
    key = patient.cache_key("insights:visit-thresholds", fmt, translation.get_language())
    content = cache.get(key)
    if content is None:
        content = visit_charts.visit_thresholds_chart(load_visits(patient), fmt)
        cache.set(key, content)
    return HttpResponse(content, content_type=visit_charts.FORMATS[fmt])


def last_30_counts(patient: Patient) -> list[charts.NightCount]:
    """The patient's own last 30 nights, in one query (two for a patient who joined within
    them): cramps per logged night."""
    last = patient.last_completed_night()
    first = last - timedelta(days=29)
    counts = dict(
        Night.objects.for_patient(patient)
        .between(first, last)
        .annotate(cramps=Count("episodes", filter=Q(episodes__deleted_at__isnull=True)))
        .values_list("date", "cramps")
    )
    joined = patient.joined_night()
    first_logged = min(counts, default=None)
    if joined > first:  # an entry before the window would start the diary earlier
        earlier = Night.objects.for_patient(patient).filter(date__lt=first).exists()
        first_logged = first if earlier else first_logged
    return charts.last_nights(counts, last, diary_start=diary_start(joined, first_logged))


@require_GET
@patient_required
def my_last_30_nights(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in charts.FORMATS:
        raise Http404(_("No such format."))
    patient = request.user.patient
    # ?mode=dark: the variant for the dark page at night (insights/_home_panel_body.html).
    dark = request.GET.get("mode") == "dark"
    key = chart_cache_key(patient, "last-30-dark" if dark else "last-30", fmt)
    content = cache.get(key)
    if content is None:
        content = charts.last_30_chart(last_30_counts(patient), fmt, dark=dark)
        cache.set(key, content)
    return _image(content, fmt)


@require_GET
@clinician_required
def visit_summary(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    content = visit_summary_pdf(patient)
    audit_access(request, patient, "visit_summary_pdf")
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"stimdiary-visit-summary-{patient.pk}-{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@clinician_required
@require_POST
def acknowledge_flag(request: HttpRequest, patient_id: int, flag_id: int) -> HttpResponse:
    patient = get_patient_or_404(request.user, patient_id)
    flag = get_object_or_404(Flag.objects.filter(patient=patient).active(), pk=flag_id)
    form = AcknowledgementForm(request.POST)
    if not form.is_valid():
        # The panel's field is marked required; without a browser's check the form comes
        # back on a page of its own with the message next to the field.
        return render(request, "insights/acknowledge.html", {
            "patient": patient, "flag": flag, "form": form,
            "words": flag_words(patient, [flag])[flag.pk],
            "next": request.POST.get("next", ""),
        })
    FlagAcknowledgement.objects.create(
        flag=flag,
        acknowledged_by=request.user,
        acknowledged_at=timezone.now(),
        note=form.cleaned_data["note"],
        fingerprint=flag.fingerprint,
    )
    audit_access(request, patient, "flag_acknowledged", flag=flag.code)
    messages.success(request, _("Acknowledged: %(flag)s.") % {"flag": flag_title(flag.code)})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "clinic:cohort"
    return redirect(target)


def ladder_rules_list() -> list[dict[str, Any]]:
    """Every rule in the ladder's order (step 0 first, information last): when it fires, in
    words, and the source sentences it rests on with their references."""
    rules = []
    for code, (step_text, fires_when) in rule_conditions().items():
        step = int(step_text) if step_text.isdigit() else None
        rules.append({
            "code": code,
            "anchor": rule_anchor(code),
            "step": step,
            "heading": step_label(step) if step is not None
            # Translators: a rule that informs without being a step of the ladder.
            else _("Information: %(rule)s") % {
                "rule": INFORMATION_RULES.get(code, code.replace("_", " ")),
            },
            # The document's words are the record; a rule it has that the code has no words
            # for yet is shown as written there (tests keep the two in step).
            "fires_when": RULE_CONDITION_WORDS.get(code, fires_when),
            "in_english": code not in RULE_CONDITION_WORDS,
            "quotes": rule_sources(code),
            "note": str(RULE_SOURCE_NOTES.get(code, "")),
        })
    return sorted(rules, key=lambda rule: ladder_order(rule["step"]))


@require_GET
@clinician_required
def ladder_rules(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/ladder_rules.html", {
        "rules": ladder_rules_list(),
        "references": REFERENCES.values(),
        "pending_review": OVERVIEW_PENDING_REVIEW,
        "decision_support": _(DECISION_SUPPORT),
    })
