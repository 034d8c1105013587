"""The share of cramp nights over the last 14 logged nights, with the settings changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import matplotlib.dates as mdates
import numpy as np
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from diary.words import day
from insights.analysis import Analysis, AttributedNight
from insights.charts.changes import _change_marks, _mark_changes, _off_periods, _shade_off
from insights.charts.style import CRAMPS, Canvas, _days, _message, save
from insights.charts.text import LocalDateFormatter


def rolling_rate(nights: Sequence[AttributedNight], window: int = 14,
                 minimum: int = 7) -> tuple[list[date], np.ndarray]:
    """The share of cramp nights among the last `window` logged nights, at each logged night."""
    flags = np.array([1 if a.night.cramps else 0 for a in nights], dtype=float)
    if len(flags) < minimum:
        return [], np.array([])
    sums = np.cumsum(flags)
    dropped = np.concatenate([np.zeros(min(window, len(sums))), sums[:-window]])
    counts = np.minimum(np.arange(1, len(flags) + 1), window)
    rates = (sums - dropped) / counts
    dates = [a.night.date for a in nights]
    return dates[minimum - 1:], rates[minimum - 1:]


def draw_rolling(fig: Canvas, analysis: Analysis) -> None:
    dates, rates = rolling_rate(analysis.nights)
    if not dates:
        _message(fig, _("The 14-night rate needs at least 7 logged nights"))
        return
    ax = fig.subplots()
    ax.plot(_days(dates), rates, color=CRAMPS, linewidth=1.6,
            label=_("cramp nights, last 14 logged"))
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(_("cramp nights"))
    first, last = dates[0], max(dates[-1], analysis.today)
    _shade_off(ax, [p for p in _off_periods(analysis, last) if p[1] >= first], label=True,
               text=False)  # the change's label says "off"
    ax.set_xlim(np.datetime64(first, "D"), np.datetime64(last + timedelta(days=1), "D"))
    _mark_changes(ax, _change_marks(analysis, first), label=True)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(LocalDateFormatter(locator))
    ax.set_title(_("Share of cramp nights over the last 14 logged nights (dashed: settings "
                   "changes; hatched: device off)"), loc="left")


def rolling_chart(analysis: Analysis, fmt: str = "svg") -> bytes:
    fig = Figure(figsize=(10, 3.2), layout="constrained")
    draw_rolling(fig, analysis)
    return save(fig, fmt)


def rolling_alt(analysis: Analysis) -> str:
    dates, rates = rolling_rate(analysis.nights)
    if not dates:
        return _("14-night cramp-night rate: fewer than 7 nights logged so far.")
    # Translators: the chart's description for screen readers; now, highest and lowest are
    # percentages ("40%").
    return _(
        "Share of cramp nights over the last 14 logged nights, from %(first)s to %(last)s: "
        "now %(now)s, highest %(highest)s, lowest %(lowest)s. Settings changes are marked "
        "with dashed lines."
    ) % {
        "first": day(dates[0], "d M Y"), "last": day(dates[-1], "d M Y"),
        "now": f"{rates[-1]:.0%}", "highest": f"{rates.max():.0%}",
        "lowest": f"{rates.min():.0%}",
    }
