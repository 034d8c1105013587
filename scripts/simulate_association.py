"""How often does the association say p < 0.05 when the settings do nothing, and how often
does it find a real effect? Before (the issue 12 rule) and after issue 23.

Synthetic diaries; cramps come in spells whatever the settings (quiet, 5% of nights; active,
60%; a spell lasts about 40 nights) and a tenth of the nights go unlogged. A real effect adds
to the share of cramp nights at the middle and top levels (EFFECTS; at most 95%), from the
third night under a level on (the first two nights still carry the level before: a lagged
response).

- scheduled ABAB, 6, 9 or 12 periods of 14 nights: the clinic alternates three levels, each
  the same number of times, in an order drawn at random before the trial (never the same
  level twice in a row), and records every change with the reason "other"; after issue 23 the
  clinician also marks the run as a planned trial with its order drawn at random.
- reactive: a year in which the patient changes the amplitude on the remote, down when 3 of
  the last 14 nights had cramps, back up after 4 quiet weeks; and the same changes made by a
  clinic that records no reason ("other"), the case the rule cannot see.

"before" is the issue 12 analysis: any reduction or reprogramming made while cramps were
active is reactive whoever made it and whatever its reason, no washout, no planned trials.
"after" is insights.analysis as it is. The figures are in docs/analysis.md.

    DJANGO_SETTINGS_MODULE=config.settings MPLCONFIGDIR=/tmp/mpl \\
        .venv/bin/python scripts/simulate_association.py
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from insights import analysis as analysis_module  # noqa: E402
from insights.analysis import (  # noqa: E402
    RESPONSES_TO_CRAMPS,
    AttributedNight,
    PatientData,
    PlannedTrial,
    analyse,
    change_kinds,
    cramps_active_before,
)
from insights.thresholds import Thresholds  # noqa: E402
from programming.timeline import Settings  # noqa: E402
from tests.insights.builders import day, night, patient, settings  # noqa: E402

LEVELS = (1.0, 2.0, 3.0)
PERIOD_NIGHTS = 14
LAG_NIGHTS = 2
# What each level adds to the share of cramp nights (levels 1, 2, 3): a strong effect is the
# issue's example (on quiet nights 5%, 45% and 90% of nights at the three levels); a moderate
# one half of it.
EFFECTS = {"none": (0.0, 0.0, 0.0), "moderate": (0.0, 0.2, 0.425), "strong": (0.0, 0.4, 0.85)}


class Cramps:
    """Spells of cramps whatever the settings, plus what the level adds (`effect`), the level's
    effect reaching the nights LAG_NIGHTS after a change."""

    def __init__(self, rng: random.Random, effect: tuple[float, ...]) -> None:
        self.rng, self.effect, self.active = rng, effect, False

    def night(self, level: float) -> int:
        if self.rng.random() < 1 / 40:
            self.active = not self.active
        rate = min(0.95, (0.6 if self.active else 0.05) + self.effect[LEVELS.index(level)])
        return int(self.rng.random() < rate)


def abab_order(rng: random.Random, periods: int) -> list[float]:
    """Each level the same number of times, in a random order with no level twice in a row."""
    while True:
        order = [LEVELS[i % len(LEVELS)] for i in range(periods)]
        rng.shuffle(order)
        if all(a != b for a, b in zip(order, order[1:], strict=False)):
            return order


def scheduled(
    rng: random.Random, effect: tuple[float, ...], periods: int
) -> tuple[PatientData, PatientData]:
    cramps, order = Cramps(rng, effect), abab_order(rng, periods)
    records, nights, previous = [], [], order[0]
    for i, level in enumerate(order):
        records.append(settings(day(-1 if i == 0 else i * PERIOD_NIGHTS), amplitude=level,
                                reason="initial" if i == 0 else "other"))
        for k in range(PERIOD_NIGHTS):
            d = i * PERIOD_NIGHTS + k
            flag = cramps.night(previous if k < LAG_NIGHTS else level)
            if rng.random() < 0.9:
                nights.append(night(day(d), flag))
        previous = level
    data = patient(nights, records)
    trial = PlannedTrial("amplitude", day(-1), day(periods * PERIOD_NIGHTS - 1), True)
    return data, replace(data, trials=(trial,))


def reactive(
    rng: random.Random, effect: tuple[float, ...], nights_total: int = 360,
    source: str = "patient_remote",
) -> PatientData:
    cramps, amplitude = Cramps(rng, effect), 2.0
    records = [settings(day(-1), amplitude=amplitude, reason="initial")]
    nights, flags, last_change, previous = [], [], 0, amplitude
    for d in range(nights_total):
        flags.append(cramps.night(previous if d - last_change < LAG_NIGHTS else amplitude))
        if rng.random() < 0.9:
            nights.append(night(day(d), flags[-1]))
        since, new = d - last_change, None
        if since >= 14 and sum(flags[-14:]) >= 3 and amplitude > LEVELS[0]:
            new, reason = amplitude - 1.0, "reduce_amplitude"
        elif since >= 28 and sum(flags[-14:]) == 0 and amplitude < LEVELS[-1]:
            new, reason = amplitude + 1.0, "increase_amplitude"
        if new is not None:
            previous, amplitude, last_change = amplitude, new, d + 1
            if source == "clinic":  # the clinic reacting, and recording no reason
                reason = "other"
            records.append(settings(day(d + 1), amplitude=amplitude, reason=reason,
                                    source=source))
    return patient(nights, records)


def issue_12_rule(
    previous: Settings | None, change: Settings, first_night: date,
    attributed: Sequence[AttributedNight], thresholds: Thresholds, trial: object = None,
) -> bool:
    """Before issue 23: a response to cramps made while they were active, whatever was
    recorded."""
    if previous is None:
        return False
    if not RESPONSES_TO_CRAMPS.intersection(change_kinds(previous, change)):
        return False
    return cramps_active_before(attributed, first_night, thresholds)


@contextmanager
def rule(old: Callable[..., bool] | None):
    real = analysis_module.made_because_of_cramps
    if old is not None:
        analysis_module.made_because_of_cramps = old
    try:
        yield
    finally:
        analysis_module.made_because_of_cramps = real


BEFORE = Thresholds(association_washout_nights=0)
AFTER = Thresholds()


def significant(data: PatientData, thresholds: Thresholds) -> bool:
    p = analyse(data, thresholds).correlations["amplitude"].p
    return p is not None and p < 0.05


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--diaries", type=int, default=400)
    args = parser.parse_args()
    n = args.diaries
    print(f"{n} diaries per row; share of diaries with p < 0.05 for the amplitude")
    print("| design | effect per level | before (issue 12) | after, no trial marked | "
          "after, marked as a planned trial |")
    print("| --- | --- | --- | --- | --- |")
    started = time.monotonic()
    designs: list[tuple[str, int | str]] = [
        (f"scheduled ABAB, {k} periods", k) for k in (6, 9, 12)
    ] + [
        ("reactive (patient-driven), 360 nights", "patient_remote"),
        ("reactive, but the clinic's changes recorded as 'other', 360 nights", "clinic"),
    ]
    for name, periods in designs:
        for label, effect in EFFECTS.items():
            rng = random.Random(23)
            before = after = marked = 0
            for _ in range(n):
                if isinstance(periods, str):
                    data = with_trial = reactive(rng, effect, source=periods)
                else:
                    data, with_trial = scheduled(rng, effect, periods)
                with rule(issue_12_rule):
                    before += significant(data, BEFORE)
                after += significant(data, AFTER)
                if not isinstance(periods, str):
                    marked += significant(with_trial, AFTER)
            what = "false positives" if not any(effect) else "power"
            trial = "(no trial)" if isinstance(periods, str) else f"{marked / n:.1%}"
            adds = ", ".join(f"{e:.0%}" for e in effect)
            print(f"| {name} | {label} (+{adds}): {what} | {before / n:.1%} | "
                  f"{after / n:.1%} | {trial} |", flush=True)
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
