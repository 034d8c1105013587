"""The patient's own last 30 nights, read on a phone: light by day, dark at night."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from diary.words import day
from insights.charts.style import DARK_THEME, LIGHT_THEME, save


@dataclass(frozen=True)
class NightCount:
    date: date
    cramps: int | None  # None: no entry
    before_diary: bool = False  # no entry, before the diary began: not "not logged"

    @property
    def not_logged(self) -> bool:
        return self.cramps is None and not self.before_diary


def last_nights(
    counts: dict[date, int], last: date, days: int = 30, diary_start: date | None = None
) -> list[NightCount]:
    """The `days` nights ending with `last` (the latest night that is over); nights before
    `diary_start` (insights.analysis.diary_start) with no entry are blank, not 'not logged'."""
    first = last - timedelta(days=days - 1)
    dates = (first + timedelta(days=i) for i in range(days))
    return [
        NightCount(
            d, counts.get(d),
            before_diary=diary_start is not None and d < diary_start and d not in counts,
        )
        for d in dates
    ]


def last_30_chart(nights: Sequence[NightCount], fmt: str = "svg", *, dark: bool = False) -> bytes:
    # Narrow and with large text: it is read on a phone; at night, on the dark page. Its colours
    # are set on its own Figure and Axes, never in matplotlib's process-wide rcParams (an
    # rc_context is not thread-safe: two charts drawn at once could leave the dark theme behind
    # for every chart the server draws afterwards).
    theme = DARK_THEME if dark else LIGHT_THEME
    text, background = theme["text"], theme["background"]
    fig = Figure(figsize=(4.4, 3.0), layout="constrained", facecolor=background)
    ax = fig.subplots()
    ax.set_facecolor(background)
    for spine in ax.spines.values():
        spine.set_edgecolor(text)
    xs = np.arange(len(nights))
    cramps = [(i, n.cramps) for i, n in enumerate(nights) if n.cramps]
    free = [i for i, n in enumerate(nights) if n.cramps == 0]
    missing = [i for i, n in enumerate(nights) if n.not_logged]
    if cramps:
        ax.bar([i for i, _ in cramps], [c for _, c in cramps], color=theme["cramps"],
               hatch="//", edgecolor=background, width=0.75, label=_("cramps"))
    if free:
        ax.plot(free, [0.15] * len(free), "o", color=theme["free"], markersize=5,
                label=_("no cramps"))
    if missing:
        ax.plot(missing, [0.15] * len(missing), "x", color=theme["missing"], markersize=4,
                label=_("not logged"))
    ax.tick_params(labelsize=10, colors=text)
    top = max([c for _, c in cramps], default=1)
    ax.set_ylim(0, top + 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ticks = xs[::10] if len(xs) else xs
    ax.set_xticks(ticks, [day(nights[i].date, "d M") for i in ticks])
    ax.set_ylabel(_("cramps"), fontsize=10, color=text)
    ax.legend(loc="upper left", fontsize=9, frameon=False, ncols=3, handletextpad=0.2,
              columnspacing=0.8, labelcolor=text)
    # Translators: the title of the patient's own chart, in the patient's words.
    ax.set_title(_("My last 30 nights"), loc="left", fontsize=12, color=text)
    return save(fig, fmt, facecolor=background)


def last_30_alt(nights: Sequence[NightCount]) -> str:
    logged = [n for n in nights if n.cramps is not None]
    with_cramps = [n for n in logged if n.cramps]
    if not logged:
        return _("My last 30 nights: nothing logged yet.")
    not_logged = sum(1 for n in nights if n.not_logged)
    # Translators: the description of the patient's chart for screen readers; each number
    # counts nights.
    return _(
        "My last 30 nights: %(logged)s logged, %(with_cramps)s with cramps, %(without)s "
        "without, %(not_logged)s not logged."
    ) % {
        "logged": len(logged), "with_cramps": len(with_cramps),
        "without": len(logged) - len(with_cramps), "not_logged": not_logged,
    }
