"""The timeline: cramps by severity under the settings' lanes, for the last 90 nights or
the whole diary, with an overview strip of the whole diary under a part of it."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib.dates as mdates
import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from diary.words import day
from insights.analysis import Analysis, AttributedNight, first_night_under
from insights.charts.changes import _change_marks, _off_periods, _shade_off, last_shown_night
from insights.charts.lanes import LANE_NAMES, LANES, Lane, _draw_lane
from insights.charts.style import (
    AMPLITUDE,
    CRAMP_FREE,
    MUTED,
    TEXT_PT,
    Canvas,
    _days,
    _inches,
    _text_inches,
    save,
)
from insights.charts.text import LocalDateFormatter

TIMELINE_NIGHTS = 90
# Sized to the page: the clinician's page shows it at most 1,100 CSS px wide (static/css
# app.css, .chart-img), so one point here is one point on a 1366 px laptop screen and the
# smallest text (TEXT_PT) is the 9 pt the issue asks for.
TIMELINE_SIZE = (11.46, 6.6)
SEVERITY_BANDS = (  # the diary's 0-10 scale, as the log buttons colour it
    # Translators: a band of the diary's cramp severity scale (0 to 10), in the chart's key.
    (gettext_lazy("mild 0-3"), 0, 3, "#F5B78F"),
    # Translators: a band of the diary's cramp severity scale (0 to 10), in the chart's key.
    (gettext_lazy("moderate 4-6"), 4, 6, "#D55E00"),
    # Translators: a band of the diary's cramp severity scale (0 to 10), in the chart's key.
    (gettext_lazy("severe 7-10"), 7, 10, "#6E2A00"),
)


def _span(analysis: Analysis) -> tuple[date, date]:
    nights = [a.night.date for a in analysis.nights]
    first_candidates = nights[:1] + [
        first_night_under(c, analysis.timezone) for c in analysis.changes[-1:]
    ]
    first = min(first_candidates) if first_candidates else analysis.today - timedelta(days=30)
    last = last_shown_night(analysis)
    if (last - first).days < 14:
        first = last - timedelta(days=14)
    return first, last


def timeline_window(analysis: Analysis, nights: int | None) -> tuple[date, date]:
    """The nights the timeline shows: the last `nights` (the whole diary when None), never
    less than two weeks."""
    first, last = _span(analysis)
    if nights is not None:
        first = max(first, last - timedelta(days=nights - 1))
        if (last - first).days < 14:
            first = last - timedelta(days=14)
    return first, last


@dataclass(frozen=True)
class Event:
    night: date
    label: str
    colour: str
    style: str


def _events(analysis: Analysis, first: date, last: date) -> list[Event]:
    """What happened on the timeline: each settings change (labelled with the change) and each
    medication start or stop, within the nights shown."""
    events = [
        Event(m.night, m.label, "#333333", "dashed")
        for m in _change_marks(analysis, first) if m.night <= last
    ]
    for med in analysis.medications:
        if first <= med.started_on <= last:
            events.append(Event(med.started_on, f"+{med.name}", "#7a4f00", "dotted"))
        if med.stopped_on and first <= med.stopped_on <= last:
            events.append(Event(med.stopped_on, f"−{med.name}", "#7a4f00", "dotted"))
    return sorted(events, key=lambda e: e.night)


def _place_labels(
    events: Sequence[Event], first: date, last: date, width_in: float, rows: int
) -> list[tuple[Event, int, str]]:
    """A row and an alignment for each event's label so that none overlap: labels read to the
    right of their line (to the left near the right edge) in the first row with room. A label
    with no room left is dropped; its line stays and the alt text and tables carry it."""
    span = max((last - first).days + 1, 1)
    per_inch = span / width_in
    ends = [-np.inf] * rows
    placed = []
    for event in events:
        x = (event.night - first).days
        length = (_text_inches(event.label) + 0.08) * per_inch
        if x + length <= span:
            start, end, align = x, x + length, "left"
        else:
            start, end, align = x - length, x, "right"
        for row in range(rows):
            if start > ends[row]:
                ends[row] = end
                placed.append((event, row, align))
                break
    return placed



def _draw_cramps(ax, nights: Sequence[AttributedNight]) -> int:  # noqa: ANN001
    """Stacked bars, one segment per severity band, so severity is visible at a glance; a tick
    under the axis for a logged cramp-free night; an unlogged night stays blank."""
    with_cramps = [a for a in nights if a.night.cramps]
    free = [a for a in nights if not a.night.cramps]
    top = max([a.night.cramps for a in with_cramps], default=0)
    if with_cramps:
        xs = _days([a.night.date for a in with_cramps])
        span = max((with_cramps[-1].night.date - nights[0].night.date).days, 1)
        width = max(1.0, min(5.0, 400 / span))
        base = np.zeros(len(with_cramps))
        for _name, low, high, colour in SEVERITY_BANDS:
            counts = np.array([
                sum(1 for e in a.night.episodes if low <= e.severity <= high)
                for a in with_cramps
            ], dtype=float)
            shown = counts > 0
            if shown.any():
                ax.vlines(xs[shown], base[shown], (base + counts)[shown], colors=colour,
                          linewidth=width)
            base += counts
    if free:
        ax.plot(_days([a.night.date for a in free]), np.zeros(len(free)), "|",
                color=CRAMP_FREE, markersize=6, markeredgewidth=1.2, clip_on=False)
    return top


def draw_timeline(fig: Canvas, analysis: Analysis, *, nights: int | None = TIMELINE_NIGHTS,
                  overview: bool = True) -> None:
    """The last `nights` nights (the whole diary when None) in one axes: the cramps of each
    logged night by severity at the bottom, above them a band of labels for the settings
    changes and medicines, and at the top one lane per setting on its real scale; the device's
    off periods hatched. Under it, when the diary is longer than the nights shown, an overview
    strip of the whole diary with the window shaded."""
    first, last = timeline_window(analysis, nights)
    whole_first, whole_last = _span(analysis)
    strip = overview and nights is not None and (first - whole_first).days > 7
    width_in, height_in = _inches(fig)
    left = min(1.3 / width_in, 0.3)
    heading = (
        _("Cramps per night, the whole diary, by severity:")
        if nights is None or whole_first >= first
        else ngettext("Cramps per night, the last %(n)s night, by severity:",
                      "Cramps per night, the last %(n)s nights, by severity:", nights)
        % {"n": nights}
    )
    # The key's symbols are drawn lines and marks, the same in every language: outside the
    # words to translate.
    key_bottom = _key_row(fig, left, 1 - 0.06 / height_in, width_in, height_in, [
        (heading, "#222222"),
        *((f"■ {name}", colour) for name, _low, _high, colour in SEVERITY_BANDS),
        # Translators: the chart's key: a tick under the axis marks a night logged with no cramps.
        ("| " + _("logged, no cramps"), CRAMP_FREE),
        # Translators: the chart's key: a night with nothing drawn was not logged.
        (_("blank: not logged"), "#222222"),
        # Translators: the chart's key: each stimulator setting has a lane with its own scale.
        (_("Lanes: each setting from zero."), "#222222"),
        ("- - " + _("settings change"), "#333333"),
        # Translators: the chart's key for a dotted line: a medicine started (+) or stopped (−).
        ("··· " + _("medicine (+ started, − stopped)"), "#7a4f00"),
        ("▨ " + _("device off"), "#222222"),
        # Translators: the chart's key: a strip under the chart shows the whole diary, the
        # nights drawn above it shaded.
        *([(_("strip: the whole diary, the part above shaded"), AMPLITUDE)] if strip else []),
    ])
    bottom = (0.42 + (0.95 if strip else 0)) / height_in
    top = key_bottom - 0.12 / height_in
    right = 1 - 0.45 / width_in
    ax = fig.add_axes((left, bottom, right - left, top - bottom))
    axes_in = ((right - left) * width_in, (top - bottom) * height_in)
    x0, x1 = np.datetime64(first, "D"), np.datetime64(last + timedelta(days=1), "D")
    shown = [a for a in analysis.nights if first <= a.night.date <= last]
    off = [(s, e) for s, e in _off_periods(analysis, last) if e >= first]
    events = _events(analysis, first, last)

    # Bands of the axes from the top, in inches turned to axes fraction.
    def frac(inches: float) -> float:
        return inches / max(axes_in[1], 0.5)

    # On a short canvas (the PDF) the lanes keep the height of their two-line names and the
    # gaps shrink; the cramps keep the rest.
    compact = axes_in[1] <= 3.5
    lane_height = frac(0.27) if compact else min(frac(0.42), 0.1)
    lane_gap = frac(0.07) if compact else min(frac(0.26), 0.06)
    rows = 2 if compact else 3
    label_band = frac(rows * TEXT_PT * 1.4 / 72 + 0.1)
    lanes_base = 1 - len(LANES) * lane_height - (len(LANES) - 1) * lane_gap
    for k, (attribute, colour, name) in enumerate(LANES):
        base = 1 - (k + 1) * lane_height - k * lane_gap
        _draw_lane(ax, analysis, attribute, colour, name if compact else LANE_NAMES[k],
                   Lane(base, lane_height), first, last, axes_in[0],
                   zero_label=lane_gap * axes_in[1] >= 1.3 * TEXT_PT / 72)
    cramp_share = max(lanes_base - lane_gap - label_band, 0.2)
    top_value = max(_draw_cramps(ax, shown), 2)
    ax.set_ylim(0, top_value / cramp_share)
    ax.set_yticks([
        t for t in MaxNLocator(integer=True, nbins=4).tick_values(0, top_value)
        if 0 <= t <= top_value
    ])
    ax.spines["left"].set_bounds(0, top_value)
    # Translators: the y-axis label, on two short lines.
    ax.text(-0.045, cramp_share / 2, _("cramps\nper night"), transform=ax.transAxes, ha="right",
            va="center", fontsize=TEXT_PT)
    ax.tick_params(labelsize=TEXT_PT)
    _shade_off(ax, off, label=True, text=False)  # the key and the change label say "off"
    if events:
        ax.vlines(_days([e.night for e in events]), 0, 1, transform=ax.get_xaxis_transform(),
                  colors=[e.colour for e in events], linestyles=[e.style for e in events],
                  linewidth=0.9)
    band_top = cramp_share + label_band
    for event, row, align in _place_labels(events, first, last, axes_in[0], rows):
        ax.text(np.datetime64(event.night, "D"), band_top - (row + 0.5) * (label_band / rows),
                f" {event.label} " if align == "left" else f"{event.label} ",
                transform=ax.get_xaxis_transform(), fontsize=TEXT_PT, color=event.colour,
                ha=align, va="center")
    if not shown:
        ax.text(0.5, cramp_share / 2, _("No nights logged in this period"), transform=ax.transAxes,
                ha="center", color=MUTED, fontsize=TEXT_PT + 1)
    ax.set_xlim(x0, x1)
    _date_axis(ax, maxticks=max(3, int(axes_in[0] * 0.9)))
    if strip:
        def below(inches: float) -> float:  # a height on the figure, in the axes' fraction
            return (inches / height_in - bottom) / (top - bottom)

        _draw_overview(ax, analysis, whole_first, whole_last, first, last, below(0.3),
                       below(0.78))


def _key_row(fig: Canvas, x: float, y: float, width_in: float, height_in: float,
             parts: Sequence[tuple[str, str]]) -> float:
    """Lines of the key, each part in its own colour, wrapped to the width: written as the
    title rather than a legend box, as clear and a fraction of the render time. A part too
    long for a line is wrapped at words. Returns where the next line goes."""
    left, line = x, (TEXT_PT * 1.45 / 72) / height_in
    for text, colour in parts:
        for piece in _wrap_to(text, (1 - left) * width_in - 0.1):
            step = (_text_inches(piece) + 0.14) / width_in
            if x > left and x + step > 1:
                x, y = left, y - line
            fig.text(x, y, piece, fontsize=TEXT_PT, color=colour, va="top", ha="left")
            x += step
    return y - line


def _wrap_to(text: str, width_in: float) -> list[str]:
    chars = max(int(width_in / (0.6 * TEXT_PT / 72)), 10)
    return textwrap.wrap(text, chars) or [text]


def _date_axis(ax, maxticks: int) -> None:  # noqa: ANN001
    """Dates that read alone: '15 Oct', a month's first tick 'Nov 2029', years as '2029'."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(LocalDateFormatter(
        locator, formats=("Y", "M Y", "j M"), zero_formats=("", "Y", "M Y"), show_offset=False,
    ))


def _draw_overview(ax, analysis: Analysis, first: date, last: date,  # noqa: ANN001
                   window_first: date, window_last: date, y0: float, y1: float) -> None:
    """The whole diary as a thin strip under the timeline's axis, the nights shown above it
    shaded. Drawn in the timeline's own axes (x as a share of the whole diary, y in axes
    fraction below the axis): a second axes would cost as much to render as the rest."""
    span = (last - first).days + 1

    def at(day: date) -> float:
        return (day - first).days / span

    nights = [a for a in analysis.nights if a.night.cramps]
    most = max([a.night.cramps for a in nights], default=1)
    box = {"transform": ax.transAxes, "clip_on": False}
    if nights:
        ax.vlines([at(a.night.date) for a in nights], y0,
                  [y0 + (y1 - y0) * a.night.cramps / most for a in nights], colors=MUTED,
                  linewidth=0.8, **box)
    ax.add_patch(Rectangle(
        (at(window_first), y0), at(window_last + timedelta(days=1)) - at(window_first), y1 - y0,
        facecolor=AMPLITUDE, alpha=0.15, edgecolor=AMPLITUDE, linewidth=1, **box,
    ))
    ax.plot([0, 1], [y0, y0], color="#222222", linewidth=0.8, **box)
    # Translators: the label of a strip showing the whole diary, on two short lines.
    ax.text(-0.045, (y0 + y1) / 2, _("whole\ndiary"), ha="right", va="center", fontsize=TEXT_PT,
            **box)
    years = span > 400
    mark = date(first.year + 1, 1, 1) if years else date(
        first.year + first.month // 12, first.month % 12 + 1, 1)
    while mark <= last:
        ax.text(at(mark), y0 - 0.01, day(mark, "Y" if years else "M Y"), ha="center",
                va="top", fontsize=TEXT_PT, **box)
        mark = date(mark.year + 1, 1, 1) if years else date(
            mark.year + mark.month // 12, mark.month % 12 + 1, 1)


def timeline_chart(analysis: Analysis, fmt: str = "svg") -> bytes:
    # A fixed layout: the constrained layout engine would double the render time.
    fig = Figure(figsize=TIMELINE_SIZE)
    draw_timeline(fig, analysis)
    return save(fig, fmt)


def whole_timeline_chart(analysis: Analysis, fmt: str = "svg") -> bytes:
    fig = Figure(figsize=TIMELINE_SIZE)
    draw_timeline(fig, analysis, nights=None)
    return save(fig, fmt)


def _timeline_alt(analysis: Analysis, nights: int | None) -> str:
    first, last = timeline_window(analysis, nights)
    shown = [a for a in analysis.nights if first <= a.night.date <= last]
    dates = {"first": day(first, "d M Y"), "last": day(last, "d M Y")}
    if not shown:
        return _("Timeline from %(first)s to %(last)s: no nights logged in this period.") % dates
    cramp_nights = [a for a in shown if a.night.cramps]
    episodes = [e for a in shown for e in a.night.episodes]
    severe = sum(1 for e in episodes if e.severity >= SEVERITY_BANDS[2][1])
    total = (last - first).days + 1
    # Translators: the chart's description for screen readers; "logged" counts the nights
    # the patient filled in, "total" the nights shown, "most" the most cramps in one night.
    text = ngettext(
        "Timeline from %(first)s to %(last)s: %(logged)s of %(total)s night logged, "
        "%(cramp_nights)s with cramps (%(cramps)s cramps, %(severe)s of them severe; "
        "most in one night: %(most)s).",
        "Timeline from %(first)s to %(last)s: %(logged)s of %(total)s nights logged, "
        "%(cramp_nights)s with cramps (%(cramps)s cramps, %(severe)s of them severe; "
        "most in one night: %(most)s).",
        total,
    ) % {
        **dates, "logged": len(shown), "total": total, "cramp_nights": len(cramp_nights),
        "cramps": len(episodes), "severe": severe,
        "most": max(a.night.cramps for a in shown),
    }
    sentences = [text]
    marks = [m for m in _change_marks(analysis, first) if m.night <= last]
    if marks:
        listed = "; ".join(f"{day(m.night, 'd M')} {m.label}" for m in marks[-6:])
        # Translators: "changes" lists the latest changes as "dd Mon what changed", by ";".
        sentences.append(ngettext(
            "%(n)s settings change: %(changes)s.", "%(n)s settings changes: %(changes)s.",
            len(marks),
        ) % {"n": len(marks), "changes": listed})
    if analysis.changes:
        # Translators: the stimulator's current settings, e.g. "2 mA, 210 µs, 14 Hz".
        sentences.append(_("Now %(settings)s.") % {"settings": analysis.changes[-1].describe()})
    off = sum(1 for s, e in _off_periods(analysis, last) if e >= first)
    if off:
        sentences.append(ngettext(
            "The device was off %(n)s time (hatched).",
            "The device was off %(n)s times (hatched).", off,
        ) % {"n": off})
    meds = [m for m in analysis.medications if first <= m.started_on <= last]
    if meds:
        listed = ", ".join(
            _("%(medicine)s on %(date)s") % {"medicine": m.name, "date": day(m.started_on, "d M")}
            for m in meds
        )
        sentences.append(_("Medicines started: %(list)s.") % {"list": listed})
    return " ".join(sentences)


def timeline_alt(analysis: Analysis) -> str:
    if not analysis.nights:
        return _("Timeline of cramps and stimulator settings: no nights logged yet.")
    return _timeline_alt(analysis, TIMELINE_NIGHTS)


def whole_timeline_alt(analysis: Analysis) -> str:
    if not analysis.nights:
        return _("Timeline of the whole diary: no nights logged yet.")
    return _timeline_alt(analysis, None)
