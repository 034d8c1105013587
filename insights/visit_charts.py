"""The thresholds found at the programming visits, per electrode configuration over time
(issue 25): matplotlib's Figure API only, never pyplot, with its own explicit colours and sizes
(no rcParams of its own; insights.charts keeps the shared ones). A function returns the image
bytes, another says what it shows in words. Readable without colour: motor and sensory differ
by line style and marker, and every line is named in the key."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import matplotlib.dates as mdates
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from matplotlib.figure import Figure

from diary.words import day, number
from insights.analysis import VisitRecord
from insights.charts.text import LocalDateFormatter
from insights.visits import electrodes_key

# Okabe-Ito, safe for the common colour-vision deficiencies; one per electrode configuration.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
TEXT = "#1a1a1a"
GRID = "#d9d9d9"
SIZE = (5.6, 3.2)  # inches: half the patient page's width at 1366 px
DPI = 150
TEXT_PT = 9
KINDS = (("motor_threshold", "motor", "-", "o"), ("sensory_threshold", "sensory", "--", "s"))
KIND_NAMES = {  # the kinds in words, after the electrodes: "0-3+ motor"
    "motor": pgettext_lazy("threshold", "motor"),
    "sensory": pgettext_lazy("threshold", "sensory"),
}
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass
class ThresholdSeries:
    electrodes: str
    kind: str  # "motor" or "sensory"
    points: list[tuple[date, float]] = field(default_factory=list)


def threshold_series(visits: Sequence[VisitRecord]) -> tuple[list[ThresholdSeries], str | None]:
    """Each configuration's motor and sensory thresholds, in visit order, in the unit most of
    them were read in (the latest one's on a tie); rows in another unit are left out: one
    axis, one unit."""
    rows = [
        (visit.visited_on, row) for visit in sorted(visits, key=lambda v: v.visited_on)
        for row in visit.rows
        if row.motor_threshold is not None or row.sensory_threshold is not None
    ]
    if not rows:
        return [], None
    counts = Counter(row.unit for _, row in rows)
    unit = max(reversed([row.unit for _, row in rows]), key=lambda u: counts[u])
    series: dict[tuple[str, str], ThresholdSeries] = {}
    for visited_on, row in rows:
        if row.unit != unit:
            continue
        for attribute, kind, _style, _marker in KINDS:
            value = getattr(row, attribute)
            if value is None:
                continue
            key = (electrodes_key(row.electrodes), kind)
            found = series.setdefault(key, ThresholdSeries(row.electrodes, kind))
            found.points.append((visited_on, value))
    return list(series.values()), unit


def draw_visit_thresholds(fig: Figure, visits: Sequence[VisitRecord]) -> None:
    series, unit = threshold_series(visits)
    if not series:
        fig.text(0.5, 0.5, _("No thresholds recorded at the programming visits"), ha="center",
                 va="center", fontsize=TEXT_PT, color=TEXT)
        return
    ax = fig.subplots()
    colours: dict[str, str] = {}
    for line in series:
        colour = colours.setdefault(
            electrodes_key(line.electrodes), PALETTE[len(colours) % len(PALETTE)]
        )
        style, marker = next((s, m) for _, k, s, m in KINDS if k == line.kind)
        days, values = zip(*line.points, strict=True)
        ax.plot(days, values, linestyle=style, marker=marker, color=colour, linewidth=1.5,
                markersize=4, label=_line_name(line))
    ax.set_ylim(bottom=0)
    # Translators: the y-axis label; unit is the amplitude's unit, mA or V.
    ax.set_ylabel(_("threshold (%(unit)s)") % {"unit": unit}, fontsize=TEXT_PT, color=TEXT)
    locator = mdates.AutoDateLocator(maxticks=5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(LocalDateFormatter(locator))
    ax.tick_params(labelsize=TEXT_PT - 1, colors=TEXT)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(TEXT)
    ax.set_title(_("Thresholds at each programming visit"), loc="left", fontsize=TEXT_PT + 1,
                 color=TEXT)
    ax.legend(fontsize=TEXT_PT - 1, frameon=False, loc="upper left",
              bbox_to_anchor=(1.0, 1.0), labelcolor=TEXT)


def _line_name(line: ThresholdSeries) -> str:
    # Translators: a line of the thresholds chart: the electrode configuration ("0-3+") and
    # the kind of threshold (motor or sensory).
    return _("%(electrodes)s %(kind)s") % {
        "electrodes": line.electrodes, "kind": KIND_NAMES[line.kind],
    }


def visit_thresholds_chart(visits: Sequence[VisitRecord], fmt: str = "svg") -> bytes:
    fig = Figure(figsize=SIZE, layout="constrained", facecolor="white")
    draw_visit_thresholds(fig, visits)
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else None
    fig.savefig(buffer, format=fmt, dpi=DPI, facecolor="white", metadata=metadata)
    return buffer.getvalue()


def visit_thresholds_alt(visits: Sequence[VisitRecord]) -> str:
    series, unit = threshold_series(visits)
    if not series:
        return _("Thresholds at the programming visits: none recorded.")
    parts = [_("Thresholds at each programming visit, per electrode configuration.")]
    for line in series:
        first, last = line.points[0][0], line.points[-1][0]
        values = {
            "line": _line_name(line), "unit": unit,
            "values": ", ".join(number(value) for _day, value in line.points),
            "first": day(first), "last": day(last),
        }
        if first == last:
            # Translators: line is a configuration and kind ("0-3+ motor"), values its
            # thresholds ("1.2, 0.9"), unit mA or V.
            parts.append(_("%(line)s: %(values)s %(unit)s on %(first)s.") % values)
        else:
            # Translators: line is a configuration and kind ("0-3+ motor"), values its
            # thresholds in visit order ("1.2, 0.9"), unit mA or V.
            parts.append(_("%(line)s: %(values)s %(unit)s from %(first)s to %(last)s.") % values)
    return " ".join(parts)
