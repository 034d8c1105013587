"""The timeline's lanes: one stimulator setting each, on its own scale from zero."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.utils.translation import gettext_lazy as _

from diary.words import number
from insights.analysis import Analysis, first_night_under
from insights.charts.style import (
    AMPLITUDE,
    FREQUENCY,
    PULSE_WIDTH,
    TEXT_PT,
    _days,
    _text_inches,
)

LANES = (
    ("amplitude", AMPLITUDE, _("amplitude")),
    ("pulse_width_us", PULSE_WIDTH, _("pulse width")),
    ("frequency_hz", FREQUENCY, _("frequency")),
)
# Where a lane has room for 3 lines: the name on up to two lines, its unit under it.
# Translators: a setting's name in the timeline chart, on two short lines where needed.
LANE_NAMES = (_("amplitude"), _("pulse\nwidth"), _("frequency"))


def _step_series(analysis: Analysis, attribute: str, last: date) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for change in analysis.changes:
        xs.append(first_night_under(change, analysis.timezone))
        ys.append(float(getattr(change, attribute)) if change.stimulation_on else np.nan)
    if xs:
        xs.append(max(last, xs[-1]) + timedelta(days=1))
        ys.append(ys[-1])
    return _days(xs), np.array(ys, dtype=float)


def _nice_top(value: float) -> float:
    """The lane's scale runs from zero to a round number at or above its highest value."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** np.floor(np.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


@dataclass(frozen=True)
class Lane:
    base: float  # bottom of the lane, in axes fraction
    height: float


def _draw_lane(ax, analysis: Analysis, attribute: str, colour: str, name: str,  # noqa: ANN001
               lane: Lane, first: date, last: date, width_in: float, *,
               zero_label: bool = True) -> None:
    """One setting in its band of the axes, on a real scale from zero with its unit, so
    0.8 → 0.6 mA looks as small as it is. An amplitude series keeps to the current unit: mA
    and V never share a scale. Drawn in the timeline's one axes (a scale of its own at the
    left edge), which keeps five years fast to render."""
    unit = {"pulse_width_us": "µs", "frequency_hz": "Hz"}.get(attribute, "")
    changes = analysis.changes
    if attribute == "amplitude":
        unit = changes[-1].amplitude_unit if changes else "mA"
    xs, ys = _step_series(analysis, attribute, last)
    if attribute == "amplitude" and changes:
        same = np.array([c.amplitude_unit == unit for c in changes] + [True])
        ys = np.where(same, ys, np.nan)
    start = np.datetime64(first, "D")
    visible = [
        v for x, end, v in zip(xs[:-1], xs[1:], ys[:-1], strict=True)
        if end > start and np.isfinite(v)
    ] if len(xs) else []
    top = _nice_top(max(visible, default=0) * 1.15)
    lanes = ax.get_xaxis_transform()
    # The lane's own scale: a line at the left edge with 0 and its top value.
    ax.plot([0, 0], [lane.base, lane.base + lane.height], color="#222222", linewidth=0.8,
            transform=ax.transAxes, clip_on=False)
    # Where the gap between lanes is narrower than a line of text the 0 is left out (the key
    # says each lane starts at zero), so it never sits on the next lane's top value.
    ticks = [(top, lane.base + lane.height)] + ([(0, lane.base)] if zero_label else [])
    for y in (lane.base, lane.base + lane.height):
        ax.plot([-0.004, 0], [y, y], color="#222222", linewidth=0.8, transform=ax.transAxes,
                clip_on=False)
    for value, y in ticks:
        ax.text(-0.007, y, number(value), transform=ax.transAxes, ha="right", va="center",
                fontsize=TEXT_PT)
    # The lane's name sits clear of its scale's numbers: 0.35 in left of the axis, in the
    # 0.9 in left of that in the timeline's margin (1.3 in); a longer name than English's
    # (bold runs about a tenth wider than the estimate) is set smaller rather than cut off.
    label = f"{name}\n{unit}"
    widest = max(_text_inches(line) for line in label.split("\n")) * 1.1
    size = TEXT_PT if widest <= 0.9 else max(TEXT_PT * 0.9 / widest, 6.5)
    ax.text(-0.35 / width_in, lane.base + lane.height / 2, label,
            transform=ax.transAxes, ha="right", va="center", fontsize=size, color=colour,
            fontweight="bold", linespacing=1.0)
    ax.plot([start, np.datetime64(last + timedelta(days=1), "D")], [lane.base, lane.base],
            color="#dddddd", linewidth=0.6, transform=lanes)
    if not visible:
        return
    scaled = lane.base + lane.height * ys / top
    ax.step(xs, scaled, where="post", color=colour, linewidth=2, transform=lanes)
    span = max((last - first).days + 1, 1)
    per_inch = span / max(width_in, 1)
    previous, room_until = None, -np.inf
    for x, end, value, y in zip(xs[:-1], xs[1:], ys[:-1], scaled[:-1], strict=True):
        # Each value is written where it starts (at the left edge when it began earlier),
        # unless the previous value's text is still in the way: the scale says it anyway.
        if end <= start:  # before the nights shown
            continue
        if not np.isfinite(value) or value == previous:
            previous = value
            continue
        at = max(x, start)
        offset = (at - start).astype(int)
        text = f" {number(value)}"
        length = (_text_inches(text) + 0.15) * per_inch
        if offset > room_until and offset + length < span:
            ax.text(at, y, text, fontsize=TEXT_PT, color="#222222", va="bottom", ha="left",
                    transform=lanes)
            room_until = offset + length
        previous = value

