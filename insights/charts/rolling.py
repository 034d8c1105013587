"""The share of cramp nights over the last 14 logged nights, with the settings changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import matplotlib.dates as mdates
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from insights.analysis import Analysis, AttributedNight
from insights.charts.changes import _change_marks, _mark_changes, _off_periods, _shade_off
from insights.charts.style import CRAMPS, Canvas, _days, _message, save


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
        _message(fig, "The 14-night rate needs at least 7 logged nights")
        return
    ax = fig.subplots()
    ax.plot(_days(dates), rates, color=CRAMPS, linewidth=1.6, label="cramp nights, last 14 logged")
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("cramp nights")
    first, last = dates[0], max(dates[-1], analysis.today)
    _shade_off(ax, [p for p in _off_periods(analysis, last) if p[1] >= first], label=True,
               text=False)  # the change's label says "off"
    ax.set_xlim(np.datetime64(first, "D"), np.datetime64(last + timedelta(days=1), "D"))
    _mark_changes(ax, _change_marks(analysis, first), label=True)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_title("Share of cramp nights over the last 14 logged nights (dashed: settings changes; "
                 "hatched: device off)", loc="left")


def rolling_chart(analysis: Analysis, fmt: str = "svg") -> bytes:
    fig = Figure(figsize=(10, 3.2), layout="constrained")
    draw_rolling(fig, analysis)
    return save(fig, fmt)


def rolling_alt(analysis: Analysis) -> str:
    dates, rates = rolling_rate(analysis.nights)
    if not dates:
        return "14-night cramp-night rate: fewer than 7 nights logged so far."
    return (
        f"Share of cramp nights over the last 14 logged nights, from {dates[0]:%d %b %Y} to "
        f"{dates[-1]:%d %b %Y}: now {rates[-1]:.0%}, highest {rates.max():.0%}, lowest "
        f"{rates.min():.0%}. Settings changes are marked with dashed lines."
    )
