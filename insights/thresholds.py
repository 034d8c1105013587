"""The management ladder's thresholds: one dataclass, built from the LADDER_* settings
(config/settings.py; ASSOCIATION_WASHOUT_NIGHTS for the association's washout), read by the
ladder (insights.ladder) and by the analysis the pages show (insights.analysis: its
before/after comparisons and "made because of cramps"), so a clinic that changes one changes
both. Pure: from_settings is the only reader of Django settings."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Thresholds:
    window_nights: int = 14
    active_cramp_nights: int = 3
    comparison_nights: int = 14
    improved_ratio: float = 0.5
    min_nights_after: int = 7
    min_nights_before: int = 3
    different_location_nights: int = 2
    quiet_nights_before_onset: int = 28
    device_off_relief_episodes: int = 2
    stimulation_off_cramp_nights: int = 3
    medication_onset_days: int = 14
    lookback_days: int = 180
    # Issue 16: the other signals the diary collects (insights.signals).
    new_movement_nights: int = 2
    factor_min_nights: int = 5
    lumbar_support_ratio: float = 0.5
    low_activity_ratio: float = 2.0
    therapy_loss_points: float = 2.0
    therapy_loss_share: float = 0.3
    # Issue 23: nights after each change left out of the association's period rates
    # (insights.association), read from ASSOCIATION_WASHOUT_NIGHTS.
    association_washout_nights: int = field(
        default=3, metadata={"setting": "ASSOCIATION_WASHOUT_NIGHTS"}
    )
    # Issue 25: the programming visits (insights.visits).
    threshold_rise_factor: float = 2.0
    # Issue 24: the therapy's own outcome (insights.outcomes), each its own named setting
    # (sources in docs/management-ladder.md, "The therapy's own outcome").
    outcome_responder_fraction: float = field(
        default=0.5, metadata={"setting": "OUTCOME_RESPONDER_FRACTION"}
    )
    pain_moderate_fraction: float = field(
        default=0.3, metadata={"setting": "PAIN_MODERATE_FRACTION"}
    )
    pain_substantial_fraction: float = field(
        default=0.5, metadata={"setting": "PAIN_SUBSTANTIAL_FRACTION"}
    )
    normal_voids_per_day: float = field(default=8, metadata={"setting": "NORMAL_VOIDS_PER_DAY"})
    outcome_min_days: int = field(default=3, metadata={"setting": "OUTCOME_MIN_DAYS"})

    @classmethod
    def from_settings(cls) -> Thresholds:
        from django.conf import settings

        return cls(**{
            f.name: getattr(settings, f.metadata.get("setting", f"LADDER_{f.name.upper()}"),
                            f.default)
            for f in fields(cls)
        })
