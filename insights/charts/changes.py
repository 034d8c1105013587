"""The settings history on a time axis: where each settings change and each off period
falls, marked the same way on every chart over nights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib.dates as mdates
import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from diary.words import number
from insights.analysis import Analysis, first_night_under
from insights.charts.style import OFF, TEXT_PT, _days, _inches


def last_shown_night(analysis: Analysis) -> date:
    """The last night every chart over nights shows, so their counts agree (the timeline's
    "82 nights" is the time-of-night chart's too): the last night that is over, as adherence
    reads it (insights.analysis.last_complete_night), or the first night of a change made
    since, so the clinician who has just reprogrammed sees the new settings."""
    last = analysis.adherence_14.last_night or analysis.today - timedelta(days=1)
    changed = [first_night_under(c, analysis.timezone) for c in analysis.changes[-1:]]
    return max([last, *changed])


@dataclass(frozen=True)
class ChangeMark:
    night: date
    label: str


def _change_marks(analysis: Analysis, first: date) -> list[ChangeMark]:
    marks = []
    for previous, change in zip(analysis.changes, analysis.changes[1:], strict=False):
        night = first_night_under(change, analysis.timezone)
        if not first <= night <= analysis.today:  # a label far off the axis cannot be drawn
            continue
        marks.append(ChangeMark(night, _short_change(previous, change)))
    return marks


def _short_change(previous, change) -> str:  # noqa: ANN001 - Settings pair
    # A chart's label for a change: the new values only, "↓1.5 mA, 180 µs".
    if not change.stimulation_on:
        return pgettext("stimulation", "off")
    parts = []
    if not previous.stimulation_on:
        parts.append(pgettext("stimulation", "on"))
    if change.amplitude_unit != previous.amplitude_unit:  # no arrow between mA and V
        parts.append(f"{number(change.amplitude)} {change.amplitude_unit}")
    elif change.amplitude != previous.amplitude:
        arrow = "↓" if change.amplitude < previous.amplitude else "↑"
        parts.append(f"{arrow}{number(change.amplitude)} {change.amplitude_unit}")
    if change.pulse_width_us != previous.pulse_width_us:
        parts.append(f"{change.pulse_width_us} µs")
    if change.frequency_hz != previous.frequency_hz:
        parts.append(f"{number(change.frequency_hz)} Hz")
    # Translators: a chart's label for a settings change that changed no value.
    return ", ".join(parts) or _("re-recorded")


def _off_periods(analysis: Analysis, last: date) -> list[tuple[date, date]]:
    periods = []
    changes = analysis.changes
    for i, change in enumerate(changes):
        if change.stimulation_on:
            continue
        start = first_night_under(change, analysis.timezone)
        if start > last:
            continue
        end = (
            first_night_under(changes[i + 1], analysis.timezone)
            if i + 1 < len(changes) else last + timedelta(days=1)
        )
        periods.append((start, end))
    return periods


def _mark_changes(ax, marks: Sequence[ChangeMark], *, label: bool) -> None:  # noqa: ANN001
    if not marks:
        return
    xs = _days([m.night for m in marks])
    ax.vlines(xs, 0, 1, transform=ax.get_xaxis_transform(), colors="#333333",
              linestyles="dashed", linewidth=0.8)
    if not label:
        return
    # A label stands up beside its line; one too close to the last label (less than a line
    # of text apart at the chart's width) is left out rather than drawn over it.
    first, last = (mdates.num2date(x).date() for x in ax.get_xlim())
    width_in = ax.get_position().width * _inches(ax.figure)[0]
    room = (TEXT_PT * 1.4 / 72) * max((last - first).days, 1) / max(width_in, 1)
    previous = None
    for mark in marks:
        if previous is not None and (mark.night - previous).days < room:
            continue
        ax.text(np.datetime64(mark.night, "D"), 1.0, " " + mark.label, rotation=90,
                transform=ax.get_xaxis_transform(), va="top", ha="right", fontsize=8.5,
                color="#333333")
        previous = mark.night


def _shade_off(ax, periods: Sequence[tuple[date, date]], *, label: bool,  # noqa: ANN001
               text: bool = True) -> None:
    # Hatched (not only grey) where labelled, so "off" never rests on colour alone.
    for start, end in periods:
        ax.axvspan(np.datetime64(start, "D"), np.datetime64(end, "D"), facecolor=OFF, alpha=0.45,
                   hatch="///" if label else None, edgecolor="#888888", linewidth=0)
        if label and text:
            ax.text(np.datetime64(start, "D"), 0.56, " " + _("device off"),
                    transform=ax.get_xaxis_transform(), fontsize=8.5, color="#333333",
                    va="bottom")
