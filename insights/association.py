"""Does a stimulation parameter go with more or fewer cramps? Answered over settings epochs.

A night is not an experiment: the settings change in a few blocks, often because of the
cramps, and cramps drift with time, so a night-level correlation treats 100 dependent nights
as 100 independent samples and finds links that are not there. The unit of evidence here is
the settings epoch (a period under one set of settings; insights.analysis.Epoch): each epoch
gives one value of the parameter and one cramp-night rate, and the p-value comes from an exact
permutation test over the epochs. Before any p-value is given, the rules below decide whether
the diary can tell at all; when it cannot, the sentence says why instead. Each period's
first nights (its washout) are left out of its rate. A planned trial of the parameter (a
crossover whose order was fixed in advance) is read over its own periods, with the p-value
of its own randomization scheme (trial_p). docs/analysis.md explains the method and its
references in a clinician's words.

Pure functions over plain data, no database.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from scipy import stats

from diary.words import number

if TYPE_CHECKING:
    from insights.analysis import Epoch, PlannedTrial

# An epoch with fewer logged nights than this gives too rough a rate to count (the same
# number of nights the before/after comparison needs after a change).
MIN_EPOCH_NIGHTS = 7
# Fewer epochs than this cannot give a p below 0.05 however strong the link: with 4 epochs
# the smallest two-sided permutation p is 2/24 (0.083); 5 give 2/120 (0.017).
MIN_EPOCHS = 4
# A parameter whose epoch values follow the epoch order this closely (Spearman, either
# direction) moved (almost) only one way over time: a link with cramps cannot be told from a
# trend. Strictly one way (monotone) always counts.
TIME_TREND_RHO = 0.8
# Up to this many epochs every ordering is counted (7! = 5,040); above it, 9,999 random
# orderings with a fixed seed, so the same diary always gives the same p.
EXACT_MAX_EPOCHS = 7
RANDOM_ORDERINGS = 9999
SIGNIFICANCE = 0.05
WEAK_RHO = 0.2
# A planned trial's possible orders are all counted up to this many (12 periods, each of three
# levels four times, with no level twice in a row: 1,092; 15 periods: 7,188), else
# RANDOM_ORDERINGS seeded ones.
EXACT_MAX_ARRANGEMENTS = 20_000

METHOD_EXACT = (
    "Spearman's rho between the parameter and the cramp-night rate over settings epochs; "
    "exact permutation test over the epochs"
)
METHOD_RANDOM = (
    "Spearman's rho between the parameter and the cramp-night rate over settings epochs; "
    f"permutation test over the epochs ({RANDOM_ORDERINGS:,} random orderings)"
)


# The method is the JSON's `method` (operators', not translated); the headline and caution are
# the reader's sentences, in the active language (insights.data keys the cached Analysis by it).
def method_for(n_epochs: int, washout: int, trial: PlannedTrial | None,
               values: Sequence[float] = ()) -> str:
    """The method in words (the JSON's `method`): which periods, which test, the washout."""
    if trial is None:
        text = METHOD_EXACT if n_epochs <= EXACT_MAX_EPOCHS else METHOD_RANDOM
    else:
        # The design's own scheme: the trial's levels reassigned to its periods in every
        # possible order (Bulte & Onghena 2008; Edgington & Onghena 2007).
        exact = _arrangements(tuple(sorted(values))) if values else None
        kind = "randomization" if trial.order_randomised else "permutation"
        orders = (f"all {len(exact):,} orders with no level twice in a row" if exact is not None
                  else f"{RANDOM_ORDERINGS:,} random orders")
        fixed = "" if trial.order_randomised else " (order fixed in advance, not drawn at random)"
        text = (
            "Spearman's rho between the parameter and the cramp-night rate over the periods of "
            f"the planned trial{fixed}; p from a {kind} test of the straight-line link (level "
            f"times share of cramp nights) with the trial's levels reassigned to its periods in "
            f"{orders}"
        )
    if washout:
        text += f"; each period's rate leaves out its first {washout} nights (washout)"
    return text


# What each period's value is: the share of logged nights with cramps (the default, as the
# before/after verdict) or the cramps per logged night (the burden's count), both over the
# nights after the washout.
CRAMP_NIGHT_RATE = "cramp_night_rate"
CRAMPS_PER_NIGHT = "cramps_per_night"
MEASURES = {
    CRAMP_NIGHT_RATE: "the share of cramp nights",
    CRAMPS_PER_NIGHT: "cramps per night",
}

LABELS = {
    "amplitude": "amplitude",
    "pulse_width_us": "pulse width",
    "frequency_hz": "frequency",
}


@dataclass(frozen=True)
class Correlation:
    """The association between one parameter and cramps, over epochs. `rho` and `p` are None
    wherever the sentence does not state them: the page, the PDF and the JSON say the same."""

    parameter: str
    rho: float | None
    p: float | None
    n_epochs: int  # the epochs the statistic is (or would be) computed over
    n_nights: int  # the logged nights in those epochs
    method: str
    headline: str
    caution: str = ""
    measure: str = CRAMP_NIGHT_RATE  # what each period's value is (MEASURES)

    @property
    def n(self) -> int:
        """The sample size of the statistic: epochs, never nights."""
        return self.n_epochs

    @property
    def sentence(self) -> str:
        """What a clinician reads: the finding and its caution, as one sentence."""
        return f"{self.headline} {self.caution}".strip()

    def as_json(self) -> dict[str, object]:
        return {
            "rho": None if self.rho is None else round(self.rho, 4),
            "p": None if self.p is None else round(self.p, 6),
            "n": self.n,
            "method": self.method,
            "n_epochs": self.n_epochs,
            "n_nights": self.n_nights,
            "caution": self.caution or None,
            "measure": self.measure,
        }


def association_sentences(analysis: object) -> list[str]:
    """The sentences every view prints (page, PDF, `analyze`), in parameter order."""
    correlations: dict[str, Correlation] = analysis.correlations  # type: ignore[attr-defined]
    return [c.sentence for c in correlations.values()]


def format_p(p: float) -> str:
    if p < 0.001:
        return "p < " + number(0.001, ".3f")
    if p < 0.1:  # three places, so 0.049 never reads as 0.05
        return "p = " + number(p, ".3f")
    return "p = " + number(p, ".2f")


def _periods(n: int) -> str:
    return ngettext("%(n)s settings period", "%(n)s settings periods", n) % {"n": n}


# The parameter in the reader's words (LABELS stay the English the method names).
PARAMETER_WORDS = {
    "amplitude": gettext_lazy("amplitude"),
    "pulse_width_us": gettext_lazy("pulse width"),
    "frequency_hz": gettext_lazy("frequency"),
}


def _value(epoch: Epoch, parameter: str) -> float:
    return float(getattr(epoch.settings, parameter))


def monotone(values: Sequence[float]) -> int:
    """+1 if the values only ever went up (or stayed), -1 if only down, 0 if both ways."""
    steps = [b - a for a, b in zip(values, values[1:], strict=False) if b != a]
    if steps and all(s > 0 for s in steps):
        return 1
    if steps and all(s < 0 for s in steps):
        return -1
    return 0


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rho (average ranks for ties); None where a side does not vary."""
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    rho = float(stats.spearmanr(xs, ys).statistic)
    return None if math.isnan(rho) else rho


def permutation_p(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Two-sided p of Spearman's rho from permuting the epochs' parameter values: exact up to
    EXACT_MAX_EPOCHS epochs, otherwise seeded random orderings."""
    x_ranks = stats.rankdata(xs)
    y_ranks = stats.rankdata(ys)
    y_centred = y_ranks - y_ranks.mean()
    y_unit = y_centred / np.sqrt((y_centred**2).sum())

    def rho(x: np.ndarray, axis: int = -1) -> np.ndarray:
        centred = x - x.mean(axis=axis, keepdims=True)
        return (centred * y_unit).sum(axis=axis) / np.sqrt((centred**2).sum(axis=axis))

    exact = len(xs) <= EXACT_MAX_EPOCHS
    result = stats.permutation_test(
        (x_ranks,), rho, permutation_type="pairings", vectorized=True,
        n_resamples=np.inf if exact else RANDOM_ORDERINGS,
        rng=np.random.default_rng(20261130),
    )
    return min(float(result.pvalue), 1.0)


@lru_cache(maxsize=16)
def _arrangements(levels: tuple[float, ...]) -> np.ndarray | None:
    """Every order of `levels` (a sorted multiset) with no level twice in a row, one per row;
    None when there are more than EXACT_MAX_ARRANGEMENTS."""
    found: list[tuple[float, ...]] = []

    def extend(prefix: tuple[float, ...], left: Counter[float]) -> bool:
        if len(prefix) == len(levels):
            found.append(prefix)
            return len(found) <= EXACT_MAX_ARRANGEMENTS
        for level in sorted(left):
            if left[level] and (not prefix or prefix[-1] != level):
                left[level] -= 1
                whole = extend((*prefix, level), left)
                left[level] += 1
                if not whole:
                    return False
        return True

    if not extend((), Counter(levels)):
        return None
    return np.array(found, dtype=float)


def trial_p(values: Sequence[float], rates: Sequence[float]) -> float:
    """Two-sided p of a planned trial: the straight-line statistic sum(level x centred share)
    (Pearson's r up to terms no reordering changes) against its value over every order the
    trial could have had: no level twice in a row, since two periods at one level in a row
    are one period. The order seen is one of them, so p >= 1 / (the number of orders). Above
    EXACT_MAX_ARRANGEMENTS orders (a trial of more than 15 periods), RANDOM_ORDERINGS seeded
    random orders of the levels instead, repeats allowed."""
    y = np.asarray(rates, dtype=float)
    y = y - y.mean()
    x = np.asarray(values, dtype=float)
    seen = abs(float(x @ y))
    tolerance = 1e-9 * max(seen, 1.0)
    orders = _arrangements(tuple(sorted(values)))
    if orders is not None:
        hits = int(np.sum(np.abs(orders @ y) >= seen - tolerance))
        if any(a == b for a, b in zip(values, values[1:], strict=False)):
            # A period left out (too short, or the patient's reaction) put one level twice
            # in a row: the order seen is not among the trial's orders, so count it too.
            return (hits + 1) / (len(orders) + 1)
        return hits / len(orders)
    rng = np.random.default_rng(20261130)
    shuffled = rng.permuted(np.tile(x, (RANDOM_ORDERINGS, 1)), axis=1)
    hits = int(np.sum(np.abs(shuffled @ y) >= seen - tolerance))
    return (hits + 1) / (RANDOM_ORDERINGS + 1)


def associate(
    parameter: str, epochs: Sequence[Epoch], measure: str = CRAMP_NIGHT_RATE
) -> Correlation:
    """The association of one parameter with the cramp-night rate (or, with `measure`, the
    cramps per night), over the epochs that can count, or the plain reasons the diary cannot
    tell."""
    label = PARAMETER_WORDS[parameter]
    title = f"{str(label)[:1].upper()}{str(label)[1:]}"  # the parameter to start a sentence
    cramp_nights = measure == CRAMP_NIGHT_RATE
    on = [e for e in epochs if e.settings.stimulation_on and e.nights_logged]
    left_out: list[str] = []
    # A planned trial of this parameter is read on its own: its periods' order was fixed
    # before the cramps were seen; the periods around it were chosen by people who saw them.
    in_trial = [
        e for e in on if e.planned_trial is not None and e.planned_trial.parameter == parameter
    ]
    trial = in_trial[-1].planned_trial if in_trial else None
    if in_trial and len(in_trial) < len(on):
        outside = len(on) - len(in_trial)
        left_out.append(ngettext(
            "%(n)s settings period outside the planned trial is not counted.",
            "%(n)s settings periods outside the planned trial are not counted.",
            outside,
        ) % {"n": outside})
    if in_trial:
        on = in_trial
    washout = max((e.washout_nights for e in on), default=0)
    if parameter == "amplitude" and on:
        unit = on[-1].settings.amplitude_unit
        other = [e for e in on if e.settings.amplitude_unit != unit]
        if other:
            left_out.append(ngettext(
                # Translators: %(unit)s and %(current)s are units of amplitude (mA, V).
                "%(n)s settings period with the amplitude in %(unit)s left out (not comparable "
                "with %(current)s).",
                "%(n)s settings periods with the amplitude in %(unit)s left out (not comparable "
                "with %(current)s).",
                len(other),
            ) % {"n": len(other), "unit": other[0].settings.amplitude_unit, "current": unit})
        on = [e for e in on if e.settings.amplitude_unit == unit]

    def result(headline: str, caution: str = "", counted: Sequence[Epoch] = (), *,
               rho: float | None = None, p: float | None = None) -> Correlation:
        n_nights = sum(e.nights_logged for e in counted)
        text = " ".join([caution, *left_out]).strip()
        values = [_value(e, parameter) for e in counted]
        method = method_for(len(counted), washout, trial, values)
        if measure == CRAMPS_PER_NIGHT:
            method = method.replace("cramp-night rate", "cramps per logged night").replace(
                "share of cramp nights", "cramps per night")
        return Correlation(parameter, rho, p, len(counted), n_nights, method, headline, text,
                           measure=measure)

    if len({_value(e, parameter) for e in on}) < 2:
        return result(
            # Translators: %(parameter)s is "amplitude", "pulse width" or "frequency".
            _("The %(parameter)s did not change over the logged nights with stimulation on, so "
              "its link with cramps cannot be measured.") % {"parameter": label},
            counted=on,
        )

    # A period begun by a change made because of cramps is named as that, however short.
    reactive = [e for e in on if e.made_because_of_cramps]
    # The washout nights do not count towards a period's rate or its length.
    short = [e for e in on if e.settled_nights_logged < MIN_EPOCH_NIGHTS and e not in reactive]
    counted = [e for e in on if e not in short and e not in reactive]
    values = [_value(e, parameter) for e in counted]
    if measure == CRAMPS_PER_NIGHT:
        rates = [e.settled_cramps_per_night or 0.0 for e in counted]
    else:
        rates = [e.settled_cramp_night_rate or 0.0 for e in counted]

    notes: list[str] = []  # what was left out, said whatever the result
    if reactive:
        notes.append(ngettext(
            "%(n)s change was made because of cramps and is judged in the before/after table "
            "instead (cramps at their worst often ease whatever is done: regression to the "
            "mean).",
            "%(n)s changes were made because of cramps and are judged in the before/after "
            "table instead (cramps at their worst often ease whatever is done: regression to "
            "the mean).",
            len(reactive),
        ) % {"n": len(reactive)})
    if short:
        short_words = {"n": len(short), "min": MIN_EPOCH_NIGHTS, "washout": washout}
        notes.append(ngettext(
            "%(n)s settings period had fewer than %(min)s logged nights after their first "
            "%(washout)s nights and does not count.",
            "%(n)s settings periods had fewer than %(min)s logged nights after their first "
            "%(washout)s nights and do not count.",
            len(short),
        ) % short_words if washout else ngettext(
            "%(n)s settings period had fewer than %(min)s logged nights and does not count.",
            "%(n)s settings periods had fewer than %(min)s logged nights and do not count.",
            len(short),
        ) % short_words)
    reasons: list[str] = []  # why the diary cannot tell
    levels = len(set(values))
    direction = monotone(values)
    time_rho = spearman(list(range(len(values))), values)
    if levels >= 2 and (direction or (time_rho is not None and abs(time_rho) >= TIME_TREND_RHO)):
        trend = {
            1: _("The %(parameter)s only went up over time, so a link with cramps cannot be "
                 "told apart from cramps drifting with time."),
            -1: _("The %(parameter)s only went down over time, so a link with cramps cannot be "
                  "told apart from cramps drifting with time."),
        }.get(direction) or _(
            "The %(parameter)s moved mostly one way over time, so a link with cramps cannot be "
            "told apart from cramps drifting with time."
        )
        reasons.append(trend % {"parameter": label})
    if len(counted) < MIN_EPOCHS or levels < 2:
        too_few = {
            "periods": _periods(len(counted)), "levels": levels, "parameter": label,
            "min": MIN_EPOCHS,
        }
        reasons.append((ngettext(
            # Translators: %(periods)s is e.g. "3 settings periods".
            "That leaves %(periods)s at %(levels)s level of the %(parameter)s; at least "
            "%(min)s periods at two or more levels are needed.",
            "That leaves %(periods)s at %(levels)s levels of the %(parameter)s; at least "
            "%(min)s periods at two or more levels are needed.",
            levels,
        ) if reactive or short else ngettext(
            "There are only %(periods)s at %(levels)s level of the %(parameter)s; at least "
            "%(min)s periods at two or more levels are needed.",
            "There are only %(periods)s at %(levels)s levels of the %(parameter)s; at least "
            "%(min)s periods at two or more levels are needed.",
            levels,
        )) % too_few)
    if reasons:
        return result(
            # Translators: %(Parameter)s is "Amplitude", "Pulse width" or "Frequency".
            _("%(Parameter)s and cramps: the diary cannot tell yet.") % {"Parameter": title},
            " ".join(notes + reasons), counted,
        )
    left_out[:0] = notes

    rho = spearman(values, rates)
    if rho is None:
        same = {
            (True, False): _("%(Parameter)s and cramps: the share of cramp nights was the same "
                             "in every one of the %(periods)s, so there is no link to measure."),
            (True, True): _("%(Parameter)s and cramps: the share of cramp nights was the same "
                            "in every one of the %(periods)s of the planned trial, so there is "
                            "no link to measure."),
            (False, False): _("%(Parameter)s and cramps: cramps per night were the same in "
                              "every one of the %(periods)s, so there is no link to measure."),
            (False, True): _("%(Parameter)s and cramps: cramps per night were the same in "
                             "every one of the %(periods)s of the planned trial, so there is "
                             "no link to measure."),
        }[(cramp_nights, trial is not None)]
        return result(
            same % {"Parameter": title, "periods": _periods(len(counted))}, counted=counted,
        )
    p = trial_p(values, rates) if trial else permutation_p(values, rates)
    nights = sum(e.nights_logged for e in counted)
    figures = ngettext(
        # Translators: the statistics in brackets: Spearman's rho, the settings periods, the
        # logged nights and the p-value ("p = 0.012").
        "(rho %(rho)s over %(periods)s, %(nights)s logged night, %(p)s)",
        "(rho %(rho)s over %(periods)s, %(nights)s logged nights, %(p)s)",
        nights,
    ) % {
        "rho": number(rho, ".2f"), "periods": _periods(len(counted)), "nights": nights,
        "p": format_p(p),
    }
    words = {"parameter": label, "figures": figures}
    trial_key = trial is not None
    if p >= SIGNIFICANCE or abs(rho) < WEAK_RHO:
        unclear = {
            (True, False): _("No clear link between the %(parameter)s and cramp nights "
                             "%(figures)s."),
            (True, True): _("No clear link between the %(parameter)s and cramp nights in the "
                            "planned trial %(figures)s."),
            (False, False): _("No clear link between the %(parameter)s and cramps per night "
                              "%(figures)s."),
            (False, True): _("No clear link between the %(parameter)s and cramps per night in "
                             "the planned trial %(figures)s."),
        }[(cramp_nights, trial_key)]
        return result(
            unclear % words,
            _("The diary may still be too short to show one."), counted, rho=rho, p=p,
        )
    linked = {
        (True, True, False): _("The settings periods at a higher %(parameter)s had more cramp "
                               "nights %(figures)s."),
        (True, False, False): _("The settings periods at a higher %(parameter)s had fewer "
                                "cramp nights %(figures)s."),
        (False, True, False): _("The settings periods at a higher %(parameter)s had more "
                                "cramps per night %(figures)s."),
        (False, False, False): _("The settings periods at a higher %(parameter)s had fewer "
                                 "cramps per night %(figures)s."),
        (True, True, True): _("In the planned trial, the settings periods at a higher "
                              "%(parameter)s had more cramp nights %(figures)s."),
        (True, False, True): _("In the planned trial, the settings periods at a higher "
                               "%(parameter)s had fewer cramp nights %(figures)s."),
        (False, True, True): _("In the planned trial, the settings periods at a higher "
                               "%(parameter)s had more cramps per night %(figures)s."),
        (False, False, True): _("In the planned trial, the settings periods at a higher "
                                "%(parameter)s had fewer cramps per night %(figures)s."),
    }[(cramp_nights, rho > 0, trial_key)]
    return result(
        linked % words,
        _("This is an association between periods, not proof: anything else that changed "
          "with the settings (medicines, activity, other settings) can go with it too."),
        counted, rho=rho, p=p,
    )
