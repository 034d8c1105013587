"""What the clinician's patient page shows from the analysis and the ladder.

The analysis is cached per data version (insights.data.cached_analysis), so the panel costs
the same few queries for 30 nights and for five years: the flags with their acknowledgements
(two queries) and, on a cold cache only, the loader's five.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from diary.models import Patient
from insights import charts
from insights.data import cached_analysis
from insights.ladder import DECISION_SUPPORT
from insights.models import Flag

CHART_ORDER = ["timeline", "rolling", "dose-response", "tradeoff"]


def patient_insights(patient: Patient, user: Any) -> dict[str, Any]:
    analysis = cached_analysis(patient)
    flags = list(
        Flag.objects.filter(patient=patient)
        .active()
        .select_related(None)
        .prefetch_related("acknowledgements__acknowledged_by")
        .order_by("-step", "code")
    )
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
