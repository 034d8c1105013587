"""What the clinician's patient page shows from the analysis and the ladder.

The analysis is cached per data version (insights.data.cached_analysis), so the panel costs
the same few queries for 30 nights and for five years: the flags with their acknowledgements
(one query) and, on a cold cache only, the loader's five.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from diary.models import Patient
from insights import charts
from insights.data import cached_analysis
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
    analysis = cached_analysis(patient)
    flags = active_flags_with_acknowledgement(patient)
    steps = [f.step for f in flags if f.step is not None]
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
        "patient": patient,
        "analysis": analysis,
        "flags": flags,
        "ladder_step": max(steps) if steps else None,
        "decision_support": DECISION_SUPPORT,
        "charts": chart_list,
        "correlations": list(analysis.correlations.values()),
        "epochs": list(reversed(analysis.epochs)),
        "comparisons": list(reversed(analysis.comparisons)),
        "pdf_url": reverse("insights:visit-summary", args=[patient.pk]),
    }
