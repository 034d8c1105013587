"""The cramp burden: how much a night's cramps weighed, and the same over a period.

Trials of nocturnal leg cramps measure more than whether a night had cramps: how many, how long,
how bad and how much they broke sleep. No validated cramp questionnaire exists; they keep a
daily diary of the count, severity 0-10 and sleep disturbance 0-10 (docs/analysis.md, "Cramp
burden"). This module turns a night's episodes into those figures, and a period's nights into
their means, with the same honesty rules as insights.analysis: over logged nights only, and a
figure that cannot be computed is None, never 0.

Pure: plain records in, plain numbers out. insights.analysis fills Epoch.burden and each side of
a Comparison from it; exchange.csv_reports repeats the per-night rules in SQL for speed, tested
against these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from diary.words import number

if TYPE_CHECKING:
    from insights.analysis import NightRecord

# The before/after verdict is judged on the share of cramp nights (insights.analysis.
# compare_change). The burden figures are shown beside it, never judged.
VERDICT_MEASURE = "cramp_night_rate"
VERDICT_MEASURE_WORDS = gettext_lazy("the share of logged nights with cramps")


def night_minutes(durations: Sequence[int | None]) -> int | None:
    """The night's cramps' minutes added up: 0 for a cramp-free night, None when a cramp's
    duration was not given (the others' sum would be a floor, not the night's total)."""
    if any(d is None for d in durations):
        return None
    return sum(d for d in durations if d is not None)


def night_worst_severity(severities: Sequence[int]) -> int | None:
    """The worst cramp of the night, 0-10; None for a cramp-free night (0 is a cramp the
    patient scored 'barely', not no cramp)."""
    return max(severities) if severities else None


def night_woken(woke: Sequence[bool | None]) -> bool | None:
    """Did a cramp wake the patient: True when one did; False on a cramp-free night or when
    every cramp was answered 'no'; None when none said yes and one was not answered."""
    if any(w is True for w in woke):
        return True
    if any(w is None for w in woke):
        return None
    return False


@dataclass(frozen=True)
class NightBurden:
    cramps: int
    minutes: int | None
    worst_severity: int | None
    woken: bool | None
    sleep_disturbance: int | None


def night_burden(night: NightRecord) -> NightBurden:
    episodes = night.episodes
    return NightBurden(
        cramps=len(episodes),
        minutes=night_minutes([e.duration_min for e in episodes]),
        worst_severity=night_worst_severity([e.severity for e in episodes]),
        woken=night_woken([e.woke_from_sleep for e in episodes]),
        sleep_disturbance=night.sleep_disturbance,
    )


def _mean(total: int, count: int) -> float | None:
    return total / count if count else None


@dataclass(frozen=True)
class Burden:
    """A period's logged nights, added up. Each mean has its own denominator, kept beside it:
    minutes over the nights whose total is known (cramp-free nights count 0), worst severity
    over the cramp nights, sleep disturbance over the nights it was answered, waking over the
    nights where it is known."""

    nights: int = 0
    cramp_nights: int = 0
    cramps: int = 0
    minutes_nights: int = 0
    minutes_total: int = 0
    worst_severity_total: int = 0
    disturbance_nights: int = 0
    disturbance_total: int = 0
    woken_nights: int = 0
    woken_known_nights: int = 0

    @property
    def cramp_night_rate(self) -> float | None:
        return _mean(self.cramp_nights, self.nights)

    @property
    def cramps_per_night(self) -> float | None:
        return _mean(self.cramps, self.nights)

    @property
    def mean_minutes(self) -> float | None:
        return _mean(self.minutes_total, self.minutes_nights)

    @property
    def mean_worst_severity(self) -> float | None:
        return _mean(self.worst_severity_total, self.cramp_nights)

    @property
    def mean_sleep_disturbance(self) -> float | None:
        return _mean(self.disturbance_total, self.disturbance_nights)

    @property
    def woken_rate(self) -> float | None:
        return _mean(self.woken_nights, self.woken_known_nights)

    def as_json(self) -> dict[str, Any]:
        """The figures `analyze --json` prints (keys are a contract: add, never rename)."""
        return {
            "logged_nights": self.nights,
            "cramp_nights": self.cramp_nights,
            "cramps": self.cramps,
            "cramps_per_logged_night": _round(self.cramps_per_night),
            "mean_total_minutes": _round(self.mean_minutes),
            "total_minutes_nights": self.minutes_nights,
            "mean_worst_severity": _round(self.mean_worst_severity),
            "mean_sleep_disturbance": _round(self.mean_sleep_disturbance),
            "sleep_disturbance_nights": self.disturbance_nights,
            "nights_woken": self.woken_nights,
            "woken_known_nights": self.woken_known_nights,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def burden_of(nights: Iterable[NightRecord]) -> Burden:
    logged = cramp_nights = cramps = minutes_nights = minutes_total = worst_total = 0
    disturbance_nights = disturbance_total = woken = woken_known = 0
    for night in nights:
        b = night_burden(night)
        logged += 1
        cramps += b.cramps
        if b.cramps:
            cramp_nights += 1
        if b.minutes is not None:
            minutes_nights += 1
            minutes_total += b.minutes
        if b.worst_severity is not None:
            worst_total += b.worst_severity
        if b.sleep_disturbance is not None:
            disturbance_nights += 1
            disturbance_total += b.sleep_disturbance
        if b.woken is not None:
            woken_known += 1
            woken += b.woken
    return Burden(
        nights=logged, cramp_nights=cramp_nights, cramps=cramps, minutes_nights=minutes_nights,
        minutes_total=minutes_total, worst_severity_total=worst_total,
        disturbance_nights=disturbance_nights, disturbance_total=disturbance_total,
        woken_nights=woken, woken_known_nights=woken_known,
    )


def side_in_words(burden: Burden) -> list[str]:
    """One side of a before/after comparison as short lines: the cramp-night share first (the
    verdict's measure), then the burden figures; '—' where a figure cannot be computed."""
    if not burden.nights:
        return [_("no logged nights")]
    n = burden.nights
    lines = [ngettext(
        "%(cramp)s of %(n)s night with cramps", "%(cramp)s of %(n)s nights with cramps", n,
    ) % {"cramp": burden.cramp_nights, "n": n}]
    lines.append(_("%(value)s cramps per logged night") % {
        "value": number(burden.cramps_per_night, ".2f"),
    })
    minutes = burden.mean_minutes
    if minutes is None:
        lines.append(_("minutes: — (durations not given)"))
    elif burden.minutes_nights < n:
        lines.append(ngettext(
            "%(minutes)s min a night (%(known)s of %(n)s night)",
            "%(minutes)s min a night (%(known)s of %(n)s nights)",
            n,
        ) % {"minutes": number(minutes, ".1f"), "known": burden.minutes_nights, "n": n})
    else:
        lines.append(_("%(minutes)s min a night") % {"minutes": number(minutes, ".1f")})
    severity = burden.mean_worst_severity
    lines.append(
        _("worst severity: — (no cramps)") if severity is None
        # Translators: the mean of each cramp night's worst severity, on a 0-10 scale.
        else _("worst severity %(value)s on cramp nights") % {"value": number(severity, ".1f")}
    )
    disturbance = burden.mean_sleep_disturbance
    lines.append(
        _("sleep disturbance: — (not answered)") if disturbance is None
        else _("sleep disturbance %(value)s (%(n)s answered)") % {
            "value": number(disturbance, ".1f"), "n": burden.disturbance_nights,
        }
    )
    unknown = n - burden.woken_known_nights
    values = {"woken": burden.woken_nights, "n": n, "unknown": unknown}
    lines.append(
        ngettext(
            "woken %(woken)s of %(n)s night (%(unknown)s not known)",
            "woken %(woken)s of %(n)s nights (%(unknown)s not known)",
            n,
        ) % values if unknown else ngettext(
            "woken %(woken)s of %(n)s night", "woken %(woken)s of %(n)s nights", n,
        ) % values
    )
    return lines
