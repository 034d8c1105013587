"""The analysis and the ladder as JSON-ready data: what `manage.py analyze --json` prints and
what the clinician's page shows.

Its sentences are in the active language; `analyze` prints them under
translation.override("en"), its JSON being a contract."""

from __future__ import annotations

from typing import Any

from diary.models import Patient
from insights.analysis import Analysis, Epoch, PlannedTrial, analyse
from insights.burden import VERDICT_MEASURE, Burden
from insights.data import load_patient_data
from insights.outcomes import OutcomeSummary, PeriodOutcome, summary_sentence
from insights.summary import ladder_state
from insights.thresholds import Thresholds


def epoch_json(epoch: Epoch) -> dict[str, Any]:
    s = epoch.settings
    return {
        "start": epoch.start.isoformat(),
        "end": epoch.end.isoformat(),
        "settings": {
            "amplitude": s.amplitude,
            "amplitude_unit": s.amplitude_unit,
            "pulse_width_us": s.pulse_width_us,
            "frequency_hz": s.frequency_hz,
            "stimulation_on": s.stimulation_on,
        },
        "stimulation_on": s.stimulation_on,
        "nights_elapsed": epoch.nights_elapsed,
        "nights_logged": epoch.nights_logged,
        "adherence": _round(epoch.adherence),
        "cramp_nights": epoch.cramp_nights,
        "cramps": epoch.cramps,
        "cramps_per_logged_night": _round(epoch.cramps_per_logged_night),
        "cramp_night_rate": _round(epoch.cramp_night_rate),
        "cramp_night_interval": _interval(epoch.cramp_night_interval()),
        "mean_severity": _round(epoch.mean_severity),
        "mean_benefit": _round(epoch.mean_benefit),
        "benefit_nights": epoch.benefit_nights,
        "made_because_of_cramps": epoch.made_because_of_cramps,
        "burden": epoch.burden.as_json(),
        # Issue 23: the period's first nights (washout) apart, and what the association reads.
        "washout_nights": epoch.washout_nights,
        "washout_nights_logged": epoch.washout_nights_logged,
        "washout_cramp_nights": epoch.washout_cramp_nights,
        "settled_nights_logged": epoch.settled_nights_logged,
        "settled_cramp_nights": epoch.settled_cramp_nights,
        "settled_cramp_night_rate": _round(epoch.settled_cramp_night_rate),
        "planned_trial": _trial(epoch.planned_trial),
    }


def _trial(trial: PlannedTrial | None) -> dict[str, Any] | None:
    if trial is None:
        return None
    return {
        "parameter": trial.parameter,
        "first_night": trial.first_night.isoformat(),
        "last_night": trial.last_night.isoformat(),
        "order_randomised": trial.order_randomised,
    }


def side_json(logged_nights: int, cramp_nights: int, burden: Burden) -> dict[str, Any]:
    """One side of a before/after comparison: its first two keys as they always were, then
    the burden figures of the same nights (insights.burden.Burden.as_json)."""
    figures = burden.as_json()
    figures.pop("logged_nights")
    figures.pop("cramp_nights")
    return {"logged_nights": logged_nights, "cramp_nights": cramp_nights, **figures}


def _interval(bounds: tuple[float, float] | None) -> list[float] | None:
    return None if bounds is None else [round(bounds[0], 4), round(bounds[1], 4)]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def report(patient: Patient) -> dict[str, Any]:
    data = load_patient_data(patient)
    analysis: Analysis = analyse(data, Thresholds.from_settings())
    ladder = ladder_state(patient)
    return {
        "patient": patient.user.username,
        "ladder_step": ladder.step,
        "flags": [flag.as_json() for flag in ladder.flags],
        "correlations": {name: c.as_json() for name, c in analysis.correlations.items()},
        "correlation_sentences": {
            name: {"sentence": c.sentence, "headline": c.headline, "caution": c.caution or None}
            for name, c in analysis.correlations.items()
        },
        # The same, by cramps per night (the burden's count): docs/analysis.md.
        "correlations_cramps_per_night": {
            name: {**c.as_json(), "sentence": c.sentence}
            for name, c in analysis.burden_correlations.items()
        },
        "epochs": [epoch_json(e) for e in analysis.epochs],
        "adherence": {
            "nights_logged": analysis.adherence.nights_logged,
            "nights_elapsed": analysis.adherence.nights_elapsed,
            "rate": _round(analysis.adherence.rate),
            "last_14": {
                "nights_logged": analysis.adherence_14.nights_logged,
                "nights_elapsed": analysis.adherence_14.nights_elapsed,
                "rate": _round(analysis.adherence_14.rate),
            },
        },
        "before_after": [
            {
                "first_night": c.first_night.isoformat(),
                "change": c.describe_change(),
                "kinds": list(c.kinds),
                "before": side_json(c.before_nights, c.before_cramp_nights, c.before_burden),
                "after": side_json(c.after_nights, c.after_cramp_nights, c.after_burden),
                "verdict_measure": VERDICT_MEASURE,
                "verdict": c.verdict,
                "made_because_of_cramps": c.made_because_of_cramps,
                "sentence": c.sentence(),
            }
            for c in analysis.comparisons
        ],
        "active_cramps": ladder.active_cramps,
        "outcome": outcome_json(analysis.outcome),
    }


def outcome_json(outcome: OutcomeSummary | None) -> dict[str, Any] | None:
    """The therapy's own outcome per settings period (insights.outcomes); None without one."""
    if outcome is None:
        return None

    def period(p: PeriodOutcome) -> dict[str, Any]:
        return {
            "start": p.start.isoformat(), "end": p.end.isoformat(), "days": p.days,
            "values": {k: _round(v) for k, v in p.values.items()},
            "status": p.status, "gain": _round(p.gain), "pgic": p.pgic,
        }

    return {
        "kind": outcome.kind,
        "measure": str(outcome.primary.label),
        "baseline_source": outcome.baseline_source or None,
        "baseline": period(outcome.baseline) if outcome.baseline else None,
        "periods": [period(p) for p in outcome.periods],
        "sentence": summary_sentence(outcome),
    }
