"""What the clinician's patient page shows from the analysis and the ladder.

The panel's analysis part (sentences, chart alt texts, epoch and comparison rows) is cached
as plain values per patient, data version, night and language (`analysis_panel`): its
sentences are written in the reader's language when computed, so the key names the language,
and a warm request
neither unpickles the whole analysis nor walks every night again: it costs the same for 30
nights and for five years. Flags and their acknowledgements are read on every request (two
queries): an acknowledgement changes them without a new data version.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from diary.models import Patient
from diary.words import settled
from insights import charts
from insights.analysis import ANALYSIS_SCHEMA, Analysis
from insights.burden import VERDICT_MEASURE_WORDS, Burden, side_in_words
from insights.data import cached_analysis, today_for
from insights.evidence import (
    OVERVIEW_PENDING_REVIEW,
    RULE_SOURCE_NOTES,
    rule_anchor,
    rule_sources,
)
from insights.ladder import DECISION_SUPPORT, STEP_NAMES, Thresholds, ladder_order, step_label
from insights.models import Flag, FlagAcknowledgement
from insights.outcomes import (
    OutcomeSummary,
    PeriodOutcome,
    shift_across,
    shift_words,
    summary_sentence,
)
from insights.signals import compare_factors
from insights.summary import LadderState, flag_words, ladder_state

CHART_ORDER = ["timeline", "timeline-all", "rolling", "time-of-night", "dose-response", "tradeoff"]
# Shown on request: the whole diary behind the timeline's last 90 nights.
ON_REQUEST = {"timeline-all"}


def active_flags_with_acknowledgement(state: LadderState) -> list[Flag]:
    """The state's active flags in the ladder's order (step 0 first, information last), each
    with its words in the reader's language (shown_title, shown_explanation, evidence_words:
    insights.summary.flag_words), its step in words and its latest acknowledgement (ack_at,
    ack_by, ack_note; `is_alerting` when not acknowledged for the evidence it now rests on).
    Two plain queries whether there are flags or not (and none more in English), so the
    page's count never depends on the data."""
    flags = sorted(state.flags, key=lambda flag: (ladder_order(flag.step), flag.code))
    latest: dict[int, FlagAcknowledgement] = {}
    rules_url = reverse("insights:ladder-rules")
    for acknowledgement in (
        FlagAcknowledgement.objects.filter(
            flag__patient=state.patient, flag__resolved_at__isnull=True
        )
        .select_related("acknowledged_by")
        .order_by("acknowledged_at", "id")
    ):
        latest[acknowledgement.flag_id] = acknowledgement  # the last one wins
    words = flag_words(state.patient, flags)
    for flag in flags:
        ack = latest.get(flag.pk)
        flag.ack_at = ack.acknowledged_at if ack else None
        flag.ack_by = ack.acknowledged_by.username if ack and ack.acknowledged_by else None
        flag.ack_note = ack.note if ack else ""
        flag.is_alerting = ack is None or ack.fingerprint != flag.fingerprint
        flag.step_label = step_label(flag.step)
        flag.shown_title = words[flag.pk].title
        flag.shown_explanation = words[flag.pk].explanation
        flag.evidence_words = words[flag.pk].evidence
        flag.rule_url = f"{rules_url}#{rule_anchor(flag.code)}"
        flag.sources = rule_sources(flag.code)
        flag.source_note = RULE_SOURCE_NOTES.get(flag.code, "")
    return flags


def patient_insights(patient: Patient) -> dict[str, Any]:
    """The page never shows a ladder older than the diary it shows: ladder_state refreshes a
    stale one first (insights.summary)."""
    state = ladder_state(patient)
    flags = active_flags_with_acknowledgement(state)
    return {
        "patient": patient,
        "flags": flags,
        "ladder_step": state.step,
        "ladder_position": step_label(state.step) if state.step is not None else "",
        "steps": ladder_steps(flags),
        "decision_support": _(DECISION_SUPPORT),
        "sources_pending_review": OVERVIEW_PENDING_REVIEW,
        "pdf_url": reverse("insights:visit-summary", args=[patient.pk]),
        **analysis_panel(patient),
    }


def ladder_steps(flags: list[Flag]) -> list[dict[str, Any]]:
    """Every rung of the ladder in its order, in words, with whether an active flag is on it."""
    active = {flag.step for flag in flags}
    return [
        {"step": step, "label": step_label(step), "active": step in active}
        for step in sorted(STEP_NAMES)
    ]


def panel_cache_key(patient: Patient) -> str:
    return patient.cache_key(
        "insights:panel", ANALYSIS_SCHEMA, today_for(patient), translation.get_language()
    )


def analysis_panel(patient: Patient) -> dict[str, Any]:
    """The analysis part of the panel, computed once per data version, night and language."""
    key = panel_cache_key(patient)
    panel = cache.get(key)
    if panel is None:
        panel = settled(panel_values(patient, cached_analysis(patient)))
        panel["analysis_html"] = render_to_string("insights/_patient_analysis.html", {"i": panel})
        cache.set(key, panel)
    return panel


def factor_table(analysis: Analysis, thresholds: Thresholds) -> dict[str, Any]:
    """Each factor the check-in asks about: the cramp-night rate with and without it over the
    nights the ladder reads (its look-back), from the function its rules use."""
    since = analysis.today - timedelta(days=thresholds.lookback_days)
    nights = [a.night for a in analysis.nights if a.night.date >= since]
    rows = []
    for c in compare_factors(nights, thresholds.factor_min_nights).values():
        rows.append({
            "code": c.code,
            "label": c.factor.label,
            "present": c.factor.present,
            "absent": c.factor.absent,
            "role": c.factor.role,
            "enough": c.enough,
            "with_nights": c.with_nights,
            "without_nights": c.without_nights,
            "with_text": c.with_text(),
            "without_text": c.without_text(),
            "sentence": c.sentence() if c.enough else c.not_enough(),
        })
    return {
        "rows": rows,
        "nights": len(nights),
        "days": thresholds.lookback_days,
        "min_nights": thresholds.factor_min_nights,
    }


def panel_values(patient: Patient, analysis: Analysis) -> dict[str, Any]:
    """What the template shows from the analysis, as plain strings, dates and numbers."""
    chart_list = [
        {
            "name": name,
            "title": title,
            "wide": name in {"timeline", "timeline-all", "rolling"},
            "on_request": name in ON_REQUEST,
            "alt": alt(analysis),
            "svg": reverse("insights:chart", args=[patient.pk, name, "svg"]),
            "png": reverse("insights:chart", args=[patient.pk, name, "png"]),
        }
        for name, (_draw, alt, title) in sorted(
            charts.CHARTS.items(),
            key=lambda item: CHART_ORDER.index(item[0]) if item[0] in CHART_ORDER else 99,
        )
    ]
    outcome = analysis.outcome
    periods = outcome.periods if outcome is not None else ()
    return {
        "outcome_sentence": summary_sentence(outcome) if outcome is not None else "",
        "outcome_label": outcome.primary.label if outcome is not None else "",
        "factors": factor_table(analysis, Thresholds.from_settings()),
        "adherence": analysis.adherence.describe(),
        "adherence_14": analysis.adherence_14.describe(),
        "charts": chart_list,
        "correlations": [
            {"sentence": c.sentence, "headline": c.headline, "caution": c.caution}
            for c in analysis.correlations.values()
        ],
        "burden_correlations": [
            {"sentence": c.sentence, "headline": c.headline, "caution": c.caution}
            for c in analysis.burden_correlations.values()
        ],
        "washout_nights": max((e.washout_nights for e in analysis.epochs), default=0),
        "epochs": [
            {
                "number": e.index + 1,
                "start": e.start,
                "end": e.end,
                "settings": e.settings.describe(),
                "nights_logged": e.nights_logged,
                "nights_elapsed": e.nights_elapsed,
                "adherence": e.adherence,
                "cramp_nights": e.cramp_nights,
                "cramps_per_logged_night": e.cramps_per_logged_night,
                "mean_severity": e.mean_severity,
                "made_because_of_cramps": e.made_because_of_cramps,
                **burden_values(e.burden),
                "washout_nights": e.washout_nights,
                "washout_nights_logged": e.washout_nights_logged,
                "washout_cramp_nights": e.washout_cramp_nights,
                "in_planned_trial": e.planned_trial is not None,
                **period_values(outcome, periods[e.index] if e.index < len(periods) else None),
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
                "made_because_of_cramps": c.made_because_of_cramps,
                # The first line of each side is the cramp-night share, shown above them.
                "before_burden": side_in_words(c.before_burden)[1:],
                "after_burden": side_in_words(c.after_burden)[1:],
                "outcome": shift_words(shift_across(outcome, n + 1)) if outcome else "",
            }
            for n, c in reversed(list(enumerate(analysis.comparisons)))
        ],
        "verdict_measure": VERDICT_MEASURE_WORDS,
    }


def period_values(
    outcome: OutcomeSummary | None, period: PeriodOutcome | None
) -> dict[str, object]:
    """A settings period's outcome: the primary measure and its responder status."""
    if outcome is None or period is None:
        return {"outcome_value": None, "outcome_status": "", "outcome_days": 0}
    return {
        "outcome_value": period.values.get(outcome.primary.field),
        "outcome_status": period.status_label,
        "outcome_days": period.days,
    }


def burden_values(burden: Burden) -> dict[str, object]:
    return {
        "mean_minutes": burden.mean_minutes,
        "mean_worst_severity": burden.mean_worst_severity,
        "mean_sleep_disturbance": burden.mean_sleep_disturbance,
        "disturbance_nights": burden.disturbance_nights,
        "nights_woken": burden.woken_nights,
    }
