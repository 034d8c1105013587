"""How often does the association say p < 0.05 when the settings do nothing?

Synthetic year-long diaries: cramps come in spells (quiet, 5% of nights; active, 60%; a spell
lasts about 40 nights) whatever the settings. The amplitude moves between 1, 2 and 3 mA either
on a schedule (every 3 to 6 weeks, up or down at random) or in reaction to the cramps (down
when 3 of the last 14 nights had cramps, back up after 4 quiet weeks). For each diary, the old
night-level Spearman test and the epoch method (insights.association) are run; the figures
are in docs/analysis.md. `--effect 0.15` adds a real dose effect (15 points of cramp-night
share per mA) to see how often the method finds one.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python scripts/simulate_association.py
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from scipy import stats  # noqa: E402

from insights.analysis import Analysis, PatientData, analyse  # noqa: E402
from tests.insights.builders import day, night, patient, settings  # noqa: E402

LEVELS = (1.0, 2.0, 3.0)


def diary(rng: random.Random, policy: str, effect: float, nights_total: int = 360) -> PatientData:
    active, amplitude = False, 2.0
    records = [settings(day(-1), amplitude=amplitude)]
    nights, flags, last_change = [], [], 0
    next_change = rng.randint(21, 42)
    for d in range(nights_total):
        if rng.random() < 1 / 40:
            active = not active
        rate = min(0.95, (0.6 if active else 0.05) + effect * (amplitude - 1.0))
        cramp = 1 if rng.random() < rate else 0
        flags.append(cramp)
        if rng.random() < 0.9:  # a tenth of the nights go unlogged
            nights.append(night(day(d), cramp))
        since, new = d - last_change, None
        if policy == "scheduled" and since >= next_change:
            new = rng.choice([level for level in LEVELS if level != amplitude])
            next_change = rng.randint(21, 42)
        if policy == "reactive" and since >= 14:
            if sum(flags[-14:]) >= 3 and amplitude > LEVELS[0]:
                new = amplitude - 1.0
            elif sum(flags[-14:]) == 0 and since >= 28 and amplitude < LEVELS[-1]:
                new = amplitude + 1.0
        if new is not None:
            amplitude, last_change = new, d + 1
            records.append(settings(day(d + 1), amplitude=amplitude))
    return patient(nights, records)


def night_level_p(analysis: Analysis) -> float | None:
    on = [a for a in analysis.nights if a.stimulation_on]
    xs = [a.settings.amplitude for a in on]
    ys = [a.night.cramps for a in on]
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return float(stats.spearmanr(xs, ys).pvalue)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--diaries", type=int, default=200)
    parser.add_argument("--effect", type=float, default=0.0)
    args = parser.parse_args()
    for policy in ("scheduled", "reactive"):
        rng = random.Random(11)
        old = given = new = 0
        for _ in range(args.diaries):
            analysis = analyse(diary(rng, policy, args.effect))
            p = night_level_p(analysis)
            old += p is not None and p < 0.05
            amplitude = analysis.correlations["amplitude"]
            given += amplitude.p is not None
            new += amplitude.p is not None and amplitude.p < 0.05
        n = args.diaries
        print(
            f"{policy}: {n} diaries; night-level test p < 0.05 in {old / n:.0%}; "
            f"epoch method gives a p in {given / n:.0%}, p < 0.05 in {new / n:.1%}"
        )


if __name__ == "__main__":
    main()
