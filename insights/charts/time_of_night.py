"""When in the night cramps begin: the hour each began, the last 90 nights against the 90
before them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from insights.analysis import Analysis, zone
from insights.charts.changes import last_shown_night
from insights.charts.style import CRAMPS, TEXT_PT, Canvas, _message, save

# The night's clock: nights run from noon to noon (programming.timeline), so the hours are
# laid out from 18:00 (evening) to 11:00 (late morning), with midnight in the middle.
NIGHT_HOURS = tuple(range(12, 24)) + tuple(range(0, 12))
TIME_OF_NIGHT_NIGHTS = 90
TIME_OF_NIGHT_SIZE = (5.6, 3.5)  # half the page's width at 1366 px: one point is one point


@dataclass(frozen=True)
class StartHours:
    first: date
    last: date
    counts: tuple[int, ...]  # cramps starting in each hour of NIGHT_HOURS
    nights_logged: int

    @property
    def total(self) -> int:
        return sum(self.counts)


def start_hours(analysis: Analysis, first: date, last: date) -> StartHours:
    """When cramps began, by the hour of the night on the patient's own clock (each night's
    own zone), over the logged nights from `first` to `last`."""
    counts = [0] * 24
    logged = 0
    for item in analysis.nights:
        if not first <= item.night.date <= last:
            continue
        logged += 1
        night_zone = zone(item.night.timezone)
        for episode in item.night.episodes:
            counts[NIGHT_HOURS.index(episode.started_at.astimezone(night_zone).hour)] += 1
    return StartHours(first, last, tuple(counts), logged)


def time_of_night_periods(analysis: Analysis) -> tuple[StartHours, StartHours]:
    """The recent period (the last 90 nights) and the 90 nights before it."""
    last = last_shown_night(analysis)
    first = last - timedelta(days=TIME_OF_NIGHT_NIGHTS - 1)
    before_last = first - timedelta(days=1)
    before_first = before_last - timedelta(days=TIME_OF_NIGHT_NIGHTS - 1)
    return start_hours(analysis, first, last), start_hours(analysis, before_first, before_last)


def _hour_range(*periods: StartHours) -> tuple[int, int]:
    """The hours shown: 20:00 to 08:00 at least, wider where cramps began outside it."""
    used = [i for p in periods for i, n in enumerate(p.counts) if n]
    low, high = NIGHT_HOURS.index(20), NIGHT_HOURS.index(7)
    return min([low, *used]), max([high, *used])


def draw_time_of_night(fig: Canvas, analysis: Analysis) -> None:
    recent, before = time_of_night_periods(analysis)
    if not recent.total and not before.total:
        _message(fig, _("No cramps logged in the last 180 nights"))
        return
    low, high = _hour_range(recent, before)
    hours = np.arange(low, high + 1)
    ax = fig.subplots()
    width = 0.4
    for period, offset, colour, hatch, label in (
        (before, -width / 2, "#9a9a9a", "///", ngettext(
            "the 90 nights before: %(cramps)s cramp, %(nights)s nights logged",
            "the 90 nights before: %(cramps)s cramps, %(nights)s nights logged", before.total,
        )),
        (recent, width / 2, CRAMPS, None, ngettext(
            "the last 90 nights: %(cramps)s cramp, %(nights)s nights logged",
            "the last 90 nights: %(cramps)s cramps, %(nights)s nights logged", recent.total,
        )),
    ):
        if not period.total:
            continue
        shares = np.array(period.counts[low:high + 1]) / period.total
        ax.bar(hours + offset, shares, width=width, color=colour, hatch=hatch,
               edgecolor="white", linewidth=0.5,
               label=label % {"cramps": period.total, "nights": period.nights_logged})
    ax.set_xticks(hours[::2], [f"{NIGHT_HOURS[h]:02d}" for h in hours[::2]])
    ax.set_xlabel(_("hour the cramp began (the patient's clock)"), fontsize=TEXT_PT)
    top = max(max(p.counts) / p.total for p in (recent, before) if p.total)
    ax.set_ylim(0, top * 1.5)  # room for the key above the bars
    ax.set_yticks([t for t in MaxNLocator(nbins=4).tick_values(0, top) if 0 <= t <= top])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.spines["left"].set_bounds(0, top)
    ax.set_ylabel(_("share of the period's cramps"), fontsize=TEXT_PT)
    ax.tick_params(labelsize=TEXT_PT)
    ax.legend(loc="upper left", fontsize=TEXT_PT, frameon=False, bbox_to_anchor=(0, 1.02))
    ax.set_title(_("When in the night cramps begin"), loc="left", fontsize=TEXT_PT + 1)


def time_of_night_chart(analysis: Analysis, fmt: str = "svg") -> bytes:
    fig = Figure(figsize=TIME_OF_NIGHT_SIZE, layout="constrained")
    draw_time_of_night(fig, analysis)
    return save(fig, fmt)


def _peak(period: StartHours) -> dict[str, object]:
    """The hour most cramps began in, as the alt text's placeholders."""
    i = max(range(24), key=lambda k: period.counts[k])
    return {
        "start": f"{NIGHT_HOURS[i]:02d}:00", "end": f"{(NIGHT_HOURS[i] + 1) % 24:02d}:00",
        "n": period.total, "most": max(period.counts),
    }


def time_of_night_alt(analysis: Analysis) -> str:
    recent, before = time_of_night_periods(analysis)
    if not recent.total and not before.total:
        return _("When in the night cramps begin: no cramps logged in the last 180 nights.")
    parts = [_("When in the night cramps begin, by hour on the patient's clock.")]
    if recent.total:
        # Translators: start and end are hours ("02:00"); "most": how many cramps began then.
        parts.append(ngettext(
            "In the last 90 nights, %(n)s cramp began most often between %(start)s to %(end)s "
            "(%(most)s of them).",
            "In the last 90 nights, %(n)s cramps began most often between %(start)s to %(end)s "
            "(%(most)s of them).", recent.total,
        ) % _peak(recent))
    else:
        parts.append(_("In the last 90 nights, no cramps were logged."))
    if before.total:
        # Translators: start and end are hours ("02:00"); "most": how many cramps began then.
        parts.append(ngettext(
            "In the 90 nights before, %(n)s cramp began most often between %(start)s to "
            "%(end)s (%(most)s of them).",
            "In the 90 nights before, %(n)s cramps began most often between %(start)s to "
            "%(end)s (%(most)s of them).", before.total,
        ) % _peak(before))
    else:
        parts.append(_("In the 90 nights before, no cramps were logged."))
    return " ".join(parts)
