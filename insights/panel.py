"""What the clinician's patient page shows from the analysis and the ladder.

The panel's analysis part (sentences, chart alt texts, epoch and comparison rows) is cached
as plain values per patient, data version and night (`analysis_panel`), so a warm request
neither unpickles the whole analysis nor walks every night again: it costs the same for 30
nights and for five years, one query for the flags with their acknowledgements (flags change
on acknowledgement, without a new data version, so they are read on every request).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from diary.models import Patient
from insights import charts
from insights.analysis import Analysis
from insights.data import cached_analysis, today_for
from insights.ladder import DECISION_SUPPORT
from insights.models import Flag, FlagAcknowledgement

CHART_ORDER = ["timeline", "rolling", "dose-response", "tradeoff"]


def active_flags_with_acknowledgement(patient: Patient) -> list[Flag]:
    """Active flags, each with its latest acknowledgement, in one query whatever their number
    (ack_at, ack_by, ack_note, ack_fingerprint; `alerting` when not acknowledged for the
    evidence it now rests on)."""
    latest = FlagAcknowledgement.objects.filter(flag=OuterRef("pk")).order_by(
        "-acknowledged_at", "-id"
    )
    flags = list(
        Flag.objects.filter(patient=patient)
        .active()
        .annotate(
            ack_at=Subquery(latest.values("acknowledged_at")[:1]),
            ack_by=Subquery(latest.values("acknowledged_by__username")[:1]),
            ack_note=Subquery(latest.values("note")[:1]),
            ack_fingerprint=Subquery(latest.values("fingerprint")[:1]),
        )
        .order_by("-step", "code")
    )
    for flag in flags:
        flag.is_alerting = flag.ack_fingerprint != flag.fingerprint
    return flags


def patient_insights(patient: Patient, user: Any) -> dict[str, Any]:
    flags = active_flags_with_acknowledgement(patient)
    steps = [f.step for f in flags if f.step is not None]
    return {
        "patient": patient,
        "flags": flags,
        "ladder_step": max(steps) if steps else None,
        "decision_support": DECISION_SUPPORT,
        "pdf_url": reverse("insights:visit-summary", args=[patient.pk]),
        **analysis_panel(patient),
    }


def panel_cache_key(patient: Patient) -> str:
    return f"insights:panel:{patient.pk}:{patient.data_version}:{today_for(patient)}"


def analysis_panel(patient: Patient) -> dict[str, Any]:
    """The analysis part of the panel, computed once per data version and night."""
    key = panel_cache_key(patient)
    panel = cache.get(key)
    if panel is None:
        panel = panel_values(patient, cached_analysis(patient))
        cache.set(key, panel)
    return panel


def panel_values(patient: Patient, analysis: Analysis) -> dict[str, Any]:
    """What the template shows from the analysis, as plain strings, dates and numbers."""
    chart_list = [
        {
            "name": name,
            "title": title,
            "wide": name in {"timeline", "rolling"},
            "alt": alt(analysis),
            "svg": reverse("insights:chart", args=[patient.pk, name, "svg"]),
            "png": reverse("insights:chart", args=[patient.pk, name, "png"]),
        }
        for name, (_, alt, title) in sorted(
            charts.CHARTS.items(), key=lambda item: CHART_ORDER.index(item[0])
        )
    ]
    return {
        "adherence": analysis.adherence.describe(),
        "adherence_14": analysis.adherence_14.describe(),
        "charts": chart_list,
        "correlations": [
            {"sentence": c.sentence, "caution": c.caution}
            for c in analysis.correlations.values()
        ],
        "epochs": [
            {
                "start": e.start,
                "end": e.end,
                "settings": e.settings.describe(),
                "nights_logged": e.nights_logged,
                "nights_elapsed": e.nights_elapsed,
                "adherence": e.adherence,
                "cramp_nights": e.cramp_nights,
                "cramps_per_logged_night": e.cramps_per_logged_night,
                "mean_severity": e.mean_severity,
            }
            for e in reversed(analysis.epochs)
        ],
        "comparisons": [
            {
                "first_night": c.first_night,
                "change": c.describe_change(),
                "before_cramp_nights": c.before_cramp_nights,
                "before_nights": c.before_nights,
                "after_cramp_nights": c.after_cramp_nights,
                "after_nights": c.after_nights,
                "sentence": c.sentence(),
            }
            for c in reversed(analysis.comparisons)
        ],
    }
