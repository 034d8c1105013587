"""Charts of a patient's analysis: matplotlib's object-oriented Figure API only, never pyplot
(its global figure registry leaks memory in a server). Each chart has a `draw_*` function that
draws into a Figure or SubFigure (so the visit-summary PDF reuses them), a `*_chart` function
that returns the image bytes, and a `*_alt` function that says what it shows in words.

Readable without colour: every series has a label or hatching too; the Okabe-Ito palette is
safe for the common colour-vision deficiencies; images have a white background so they read
the same in light and dark themes. Few artists: one collection per series, never one patch per
night, so five years render as fast as a month.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib
import matplotlib.dates as mdates
import numpy as np
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator, PercentFormatter

from insights.analysis import Analysis, AttributedNight, Epoch, first_night_under, zone

matplotlib.rcParams.update({
    "svg.fonttype": "none",  # text stays text: small files, selectable, fast to write
    "svg.hashsalt": "stimdiary",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
})

CRAMPS = "#D55E00"  # vermillion
AMPLITUDE = "#0072B2"  # blue
PULSE_WIDTH = "#009E73"  # bluish green
FREQUENCY = "#CC79A7"  # reddish purple
MEDICATION = "#E69F00"  # orange
CRAMP_FREE = "#009E73"
MUTED = "#6b6b6b"
OFF = "#bbbbbb"

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
Canvas = Figure | SubFigure


def save(fig: Figure, fmt: str, facecolor: str = "white") -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else None
    fig.savefig(buffer, format=fmt, dpi=PNG_DPI, facecolor=facecolor, metadata=metadata)
    return buffer.getvalue()


def _days(dates: Sequence[date]) -> np.ndarray:
    return np.array(dates, dtype="datetime64[D]")


def _span(analysis: Analysis) -> tuple[date, date]:
    nights = [a.night.date for a in analysis.nights]
    first_candidates = nights[:1] + [
        first_night_under(c, analysis.timezone) for c in analysis.changes[-1:]
    ]
    first = min(first_candidates) if first_candidates else analysis.today - timedelta(days=30)
    last = max([analysis.today, *nights[-1:]])
    if (last - first).days < 14:
        first = last - timedelta(days=14)
    return first, last


def _message(fig: Canvas, text: str) -> None:
    fig.text(0.5, 0.5, text, ha="center", va="center", color=MUTED, fontsize=11)


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
    if not change.stimulation_on:
        return "off"
    parts = []
    if not previous.stimulation_on:
        parts.append("on")
    if change.amplitude_unit != previous.amplitude_unit:  # no arrow between mA and V
        parts.append(f"{change.amplitude:g} {change.amplitude_unit}")
    elif change.amplitude != previous.amplitude:
        arrow = "↓" if change.amplitude < previous.amplitude else "↑"
        parts.append(f"{arrow}{change.amplitude:g} {change.amplitude_unit}")
    if change.pulse_width_us != previous.pulse_width_us:
        parts.append(f"{change.pulse_width_us} µs")
    if change.frequency_hz != previous.frequency_hz:
        parts.append(f"{change.frequency_hz:g} Hz")
    return ", ".join(parts) or "re-recorded"


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
            ax.text(np.datetime64(start, "D"), 0.56, " device off",
                    transform=ax.get_xaxis_transform(), fontsize=8.5, color="#333333",
                    va="bottom")


def _step_series(analysis: Analysis, attribute: str, last: date) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for change in analysis.changes:
        xs.append(first_night_under(change, analysis.timezone))
        ys.append(float(getattr(change, attribute)) if change.stimulation_on else np.nan)
    if xs:
        xs.append(max(last, xs[-1]) + timedelta(days=1))
        ys.append(ys[-1])
    return _days(xs), np.array(ys, dtype=float)


# --- Timeline -------------------------------------------------------------------------------

TIMELINE_NIGHTS = 90
# Sized to the page: the clinician's page shows it at most 1,100 CSS px wide (static/css
# app.css, .chart-img), so one point here is one point on a 1366 px laptop screen and the
# smallest text (TEXT_PT) is the 9 pt the issue asks for.
TIMELINE_SIZE = (11.46, 6.6)
PNG_DPI = 150
TEXT_PT = 9
SEVERITY_BANDS = (  # the diary's 0-10 scale, as the log buttons colour it
    ("mild 0-3", 0, 3, "#F5B78F"),
    ("moderate 4-6", 4, 6, "#D55E00"),
    ("severe 7-10", 7, 10, "#6E2A00"),
)
LANES = (
    ("amplitude", AMPLITUDE, "amplitude"),
    ("pulse_width_us", PULSE_WIDTH, "pulse width"),
    ("frequency_hz", FREQUENCY, "frequency"),
)
LANE_NAMES = ("amplitude", "pulse\nwidth", "frequency")  # where a lane has room for 3 lines


def _inches(fig: Canvas) -> tuple[float, float]:
    root = fig if isinstance(fig, Figure) else fig.figure
    width, height = root.get_size_inches()
    if isinstance(fig, SubFigure):
        # A sub-figure's share of its figure, from its bounding box in figure fraction.
        box = fig.bbox_relative
        return width * box.width, height * box.height
    return width, height


def timeline_window(analysis: Analysis, nights: int | None) -> tuple[date, date]:
    """The nights the timeline shows: the last `nights` (the whole diary when None), never
    less than two weeks."""
    first, last = _span(analysis)
    if nights is not None:
        first = max(first, last - timedelta(days=nights - 1))
        if (last - first).days < 14:
            first = last - timedelta(days=14)
    return first, last


def _text_inches(text: str, size: float = TEXT_PT) -> float:
    # DejaVu Sans averages about 0.55 em per character: an estimate for placing labels.
    return len(text) * 0.56 * size / 72


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
        ax.text(-0.007, y, f"{value:g}", transform=ax.transAxes, ha="right", va="center",
                fontsize=TEXT_PT)
    # The lane's name sits clear of its scale's numbers: 0.35 in left of the axis.
    ax.text(-0.35 / width_in, lane.base + lane.height / 2, f"{name}\n{unit}",
            transform=ax.transAxes, ha="right", va="center", fontsize=TEXT_PT, color=colour,
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
        text = f" {value:g}"
        length = (_text_inches(text) + 0.15) * per_inch
        if offset > room_until and offset + length < span:
            ax.text(at, y, text, fontsize=TEXT_PT, color="#222222", va="bottom", ha="left",
                    transform=lanes)
            room_until = offset + length
        previous = value


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
        for _, low, high, colour in SEVERITY_BANDS:
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
    period = (
        "the whole diary" if nights is None or whole_first >= first
        else f"the last {nights} nights"
    )
    key_bottom = _key_row(fig, left, 1 - 0.06 / height_in, width_in, height_in, [
        (f"Cramps per night, {period}, by severity:", "#222222"),
        *((f"■ {name}", colour) for name, _, _, colour in SEVERITY_BANDS),
        ("| logged, no cramps", CRAMP_FREE), ("blank: not logged", "#222222"),
        ("Lanes: each setting from zero.", "#222222"), ("- - settings change", "#333333"),
        ("··· medicine (+ started, − stopped)", "#7a4f00"), ("▨ device off", "#222222"),
        *([("strip: the whole diary, the part above shaded", AMPLITUDE)] if strip else []),
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
    ax.text(-0.045, cramp_share / 2, "cramps\nper night", transform=ax.transAxes, ha="right",
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
        ax.text(0.5, cramp_share / 2, "No nights logged in this period", transform=ax.transAxes,
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
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(
        locator, formats=["%Y", "%b %Y", "%-d %b", "%H:%M", "%H:%M", "%S"],
        zero_formats=["", "%Y", "%b %Y", "%-d %b", "%H:%M", "%H:%M"], show_offset=False,
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
    ax.text(-0.045, (y0 + y1) / 2, "whole\ndiary", ha="right", va="center", fontsize=TEXT_PT,
            **box)
    years = span > 400
    mark = date(first.year + 1, 1, 1) if years else date(
        first.year + first.month // 12, first.month % 12 + 1, 1)
    while mark <= last:
        ax.text(at(mark), y0 - 0.01, f"{mark:%Y}" if years else f"{mark:%b %Y}", ha="center",
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
    intro = f"Timeline from {first:%d %b %Y} to {last:%d %b %Y}"
    if not shown:
        return f"{intro}: no nights logged in this period."
    cramp_nights = [a for a in shown if a.night.cramps]
    episodes = [e for a in shown for e in a.night.episodes]
    severe = sum(1 for e in episodes if e.severity >= SEVERITY_BANDS[2][1])
    text = (
        f"{intro}: {len(shown)} of {(last - first).days + 1} nights logged, "
        f"{len(cramp_nights)} with cramps ({len(episodes)} cramps, {severe} of them severe; "
        f"most in one night: {max(a.night.cramps for a in shown)}). "
    )
    marks = [m for m in _change_marks(analysis, first) if m.night <= last]
    if marks:
        plural = "change" if len(marks) == 1 else "changes"
        text += f"{len(marks)} settings {plural}: " + "; ".join(
            f"{m.night:%d %b} {m.label}" for m in marks[-6:]
        ) + ". "
    if analysis.changes:
        text += f"Now {analysis.changes[-1].describe()}. "
    off = sum(1 for s, e in _off_periods(analysis, last) if e >= first)
    if off:
        text += f"The device was off {off} times (hatched). "
    meds = [m for m in analysis.medications if first <= m.started_on <= last]
    if meds:
        text += "Medicines started: " + ", ".join(
            f"{m.name} on {m.started_on:%d %b}" for m in meds
        ) + ". "
    return text.strip()


def timeline_alt(analysis: Analysis) -> str:
    if not analysis.nights:
        return "Timeline of cramps and stimulator settings: no nights logged yet."
    return _timeline_alt(analysis, TIMELINE_NIGHTS)


def whole_timeline_alt(analysis: Analysis) -> str:
    if not analysis.nights:
        return "Timeline of the whole diary: no nights logged yet."
    return _timeline_alt(analysis, None)


# --- Time of night -----------------------------------------------------------------------------

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
    # The last night that is over (insights.analysis.last_complete_night, as adherence reads it).
    last = analysis.adherence_14.last_night or analysis.today - timedelta(days=1)
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
        _message(fig, "No cramps logged in the last 180 nights")
        return
    low, high = _hour_range(recent, before)
    hours = np.arange(low, high + 1)
    ax = fig.subplots()
    width = 0.4
    for period, offset, colour, hatch, name in (
        (before, -width / 2, "#9a9a9a", "///", "the 90 nights before"),
        (recent, width / 2, CRAMPS, None, "the last 90 nights"),
    ):
        if not period.total:
            continue
        shares = np.array(period.counts[low:high + 1]) / period.total
        ax.bar(hours + offset, shares, width=width, color=colour, hatch=hatch,
               edgecolor="white", linewidth=0.5,
               label=f"{name}: {period.total} cramps, {period.nights_logged} nights logged")
    ax.set_xticks(hours[::2], [f"{NIGHT_HOURS[h]:02d}" for h in hours[::2]])
    ax.set_xlabel("hour the cramp began (the patient's clock)", fontsize=TEXT_PT)
    top = max(max(p.counts) / p.total for p in (recent, before) if p.total)
    ax.set_ylim(0, top * 1.5)  # room for the key above the bars
    ax.set_yticks([t for t in MaxNLocator(nbins=4).tick_values(0, top) if 0 <= t <= top])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.spines["left"].set_bounds(0, top)
    ax.set_ylabel("share of the period's cramps", fontsize=TEXT_PT)
    ax.tick_params(labelsize=TEXT_PT)
    ax.legend(loc="upper left", fontsize=TEXT_PT, frameon=False, bbox_to_anchor=(0, 1.02))
    ax.set_title("When in the night cramps begin", loc="left", fontsize=TEXT_PT + 1)


def time_of_night_chart(analysis: Analysis, fmt: str = "svg") -> bytes:
    fig = Figure(figsize=TIME_OF_NIGHT_SIZE, layout="constrained")
    draw_time_of_night(fig, analysis)
    return save(fig, fmt)


def _peak(period: StartHours) -> str:
    i = max(range(24), key=lambda k: period.counts[k])
    return f"{NIGHT_HOURS[i]:02d}:00 to {(NIGHT_HOURS[i] + 1) % 24:02d}:00"


def time_of_night_alt(analysis: Analysis) -> str:
    recent, before = time_of_night_periods(analysis)
    if not recent.total and not before.total:
        return "When in the night cramps begin: no cramps logged in the last 180 nights."
    parts = []
    for period, name in ((recent, "In the last 90 nights"), (before, "In the 90 nights before")):
        if period.total:
            parts.append(
                f"{name}, {period.total} cramps began most often between {_peak(period)} "
                f"({max(period.counts)} of them)."
            )
        else:
            parts.append(f"{name}, no cramps were logged.")
    return "When in the night cramps begin, by hour on the patient's clock. " + " ".join(parts)


# --- Dose-response ---------------------------------------------------------------------------

def _counted_epochs(analysis: Analysis) -> tuple[list[Epoch], str, int]:
    """The stimulation-on epochs with logged nights in the current amplitude unit (mA and V
    never share an axis), and how many in another unit were left out."""
    on = [e for e in analysis.epochs if e.settings.stimulation_on and e.nights_logged]
    if not on:
        return [], "mA", 0
    unit = on[-1].settings.amplitude_unit
    same = [e for e in on if e.settings.amplitude_unit == unit]
    return same, unit, len(on) - len(same)


def _epoch_number(analysis: Analysis, epoch: Epoch) -> int:
    """Periods are numbered in time order, the same in the charts and the tables."""
    return epoch.index + 1


def _interval_bars(epochs: Sequence[Epoch]) -> tuple[np.ndarray, np.ndarray]:
    rates, errors = [], [[], []]
    for e in epochs:
        rate = e.cramp_night_rate or 0.0
        low, high = e.cramp_night_interval() or (rate, rate)
        rates.append(rate)
        errors[0].append(max(rate - low, 0.0))
        errors[1].append(max(high - rate, 0.0))
    return np.array(rates), np.array(errors)


def draw_dose_response(fig: Canvas, analysis: Analysis) -> None:
    """Each settings period is its own point (never pooled over months): the share of its
    logged nights with cramps and the 95% Wilson interval, at its amplitude, numbered in time
    order and joined in that order."""
    epochs, unit, other_unit = _counted_epochs(analysis)
    if not epochs:
        _message(fig, "No logged nights with stimulation on yet")
        return
    ax = fig.subplots()
    amplitudes = np.array([e.settings.amplitude for e in epochs], dtype=float)
    span = float(amplitudes.max() - amplitudes.min()) or 1.0
    # Periods at the same amplitude sit side by side, in time order, not on top of each other.
    xs = amplitudes.copy()
    for value in set(amplitudes.tolist()):
        same = np.flatnonzero(amplitudes == value)
        if len(same) > 1:
            xs[same] += (np.arange(len(same)) - (len(same) - 1) / 2) * span * 0.05
    rates, errors = _interval_bars(epochs)
    ax.plot(xs, rates, color="#999999", linewidth=0.8, linestyle="dotted", zorder=1)
    ax.errorbar(xs, rates, yerr=errors, fmt="none", ecolor="#555555", elinewidth=1, capsize=3,
                zorder=2)
    reactive = np.array([e.made_because_of_cramps for e in epochs])
    ax.scatter(xs[~reactive], rates[~reactive], s=48, color=CRAMPS, zorder=3,
               label="settings period (number: order in time)")
    if reactive.any():
        ax.scatter(xs[reactive], rates[reactive], s=48, facecolor="white", edgecolor=CRAMPS,
                   linewidth=1.6, zorder=3, label="began with a change made because of cramps")
    ax.plot([], [], color="#555555", marker="_", markersize=8, linewidth=1,
            label="95% interval")
    for k, (x, rate, epoch) in enumerate(zip(xs, rates, epochs, strict=True)):
        # Of periods side by side at one amplitude, the left one is numbered on its left, so
        # two numbers never meet between them.
        left = k + 1 < len(xs) and amplitudes[k] == amplitudes[k + 1] and xs[k + 1] > x
        ax.annotate(f"{_epoch_number(analysis, epoch)}", (x, rate),
                    xytext=(-6 if left else 6, 3), textcoords="offset points", fontsize=10,
                    color="#222222", ha="right" if left else "left")
    # Headroom above 100% for the key, so it never covers a point.
    ax.set_ylim(-0.03, 1.5)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.spines["left"].set_bounds(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("nights with cramps")
    ax.set_xlabel(f"amplitude ({unit})")
    ticks = sorted(set(amplitudes.tolist()))
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_xlim(amplitudes.min() - span * 0.2, amplitudes.max() + span * 0.2)
    ax.legend(loc="upper left", fontsize=8, frameon=False, borderaxespad=0.2, labelspacing=0.25)
    ax.tick_params(labelsize=9.5)
    title = "Cramp nights by amplitude, per period"
    if other_unit:
        title += f" ({other_unit} in another unit not shown)"
    ax.set_title(title, loc="left", fontsize=10)


def dose_response_chart(analysis: Analysis, fmt: str = "svg") -> bytes:
    # Drawn at about the size it is shown (half a laptop page), so its text is not scaled down.
    fig = Figure(figsize=(5.6, 4.0), layout="constrained")
    draw_dose_response(fig, analysis)
    return save(fig, fmt)


def _epoch_words(analysis: Analysis, e: Epoch) -> str:
    interval = e.cramp_night_interval()
    text = (
        f"period {_epoch_number(analysis, e)} ({e.start:%d %b %Y}), {e.settings.describe()}: "
        f"{e.cramp_nights} of {e.nights_logged} logged nights with cramps"
    )
    if interval:
        text += f" (95% interval {interval[0]:.0%} to {interval[1]:.0%})"
    if e.made_because_of_cramps:
        text += ", began with a change made because of cramps"
    return text


def dose_response_alt(analysis: Analysis) -> str:
    epochs, unit, other_unit = _counted_epochs(analysis)
    if not epochs:
        return "Cramp nights by amplitude: no logged nights with stimulation on yet."
    text = (
        f"Share of cramp nights in each settings period, by amplitude in {unit}, in time "
        "order: " + "; ".join(_epoch_words(analysis, e) for e in epochs[-12:]) + "."
    )
    if other_unit:
        text += f" {other_unit} periods with the amplitude in another unit are not shown."
    return text


# --- Rolling rate -----------------------------------------------------------------------------

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


# --- Trade-off ---------------------------------------------------------------------------------

TRADEOFF_EPOCHS = 8  # the most recent; all of them are in the settings-period table


def _tradeoff_epochs(analysis: Analysis) -> list[Epoch]:
    return [e for e in analysis.epochs if e.nights_logged][-TRADEOFF_EPOCHS:]


def _epoch_tick(analysis: Analysis, e: Epoch, *, full: bool) -> str:
    s = e.settings
    lines = [f"{_epoch_number(analysis, e)}: " + (
        f"{s.amplitude:g} {s.amplitude_unit}" if s.stimulation_on else "off"
    )]
    if full and s.stimulation_on:
        lines.append(f"{s.pulse_width_us} µs, {s.frequency_hz:g} Hz")
    lines += [f"{e.start:%d %b %y}", f"{e.nights_logged} nights"]
    return "\n".join(lines)


def draw_tradeoff(fig: Canvas, analysis: Analysis, benefit_label: str = "therapy benefit") -> None:
    """Two aligned panels on one axis of settings periods in time order: above, the share of
    cramp nights (95% Wilson interval); below, the mean therapy benefit. No second y-axis."""
    epochs = _tradeoff_epochs(analysis)
    if not epochs:
        _message(fig, "No logged nights yet")
        return
    # Room between the panels for the lower one's top value and the upper one's 0%.
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"hspace": 0.35})
    xs = np.arange(len(epochs))
    rates, errors = _interval_bars(epochs)
    top.plot(xs, rates, color=CRAMPS, linewidth=0.8, alpha=0.5, zorder=1)
    top.errorbar(xs, rates, yerr=errors, fmt="none", ecolor="#555555", elinewidth=1, capsize=3,
                 zorder=2)
    reactive = np.array([e.made_because_of_cramps for e in epochs])
    top.scatter(xs[~reactive], rates[~reactive], s=40, color=CRAMPS, zorder=3)
    if reactive.any():
        top.scatter(xs[reactive], rates[reactive], s=40, facecolor="white", edgecolor=CRAMPS,
                    linewidth=1.6, zorder=3, label="began with a change made because of cramps")
        top.legend(loc="upper left", fontsize=8, frameon=False, borderaxespad=0.1)
    top.set_ylim(-0.03, 1.45 if reactive.any() else 1.1)  # headroom for the key
    top.set_yticks([0, 0.5, 1.0])
    top.spines["left"].set_bounds(0, 1)
    top.yaxis.set_major_formatter(PercentFormatter(1.0))
    top.set_ylabel("nights with\ncramps")
    top.set_title(f"Cramp nights and {benefit_label}", loc="left", fontsize=10)
    scored = [(x, e.mean_benefit) for x, e in zip(xs, epochs, strict=True)
              if e.mean_benefit is not None]
    if scored:
        bx, by = zip(*scored, strict=True)
        bottom.plot(bx, by, "s", color=AMPLITUDE, markersize=6)
        bottom.plot(bx, by, color=AMPLITUDE, linewidth=0.8, alpha=0.5)
    for x, e in zip(xs, epochs, strict=True):
        if e.mean_benefit is None:
            bottom.text(x, 5, "no score", ha="center", va="center", fontsize=8.5, color=MUTED)
        else:
            bottom.annotate(f"{e.mean_benefit:.1f}", (x, e.mean_benefit), xytext=(0, 5),
                            textcoords="offset points", ha="center", fontsize=9)
    bottom.set_ylim(0, 10.9)
    bottom.set_yticks([0, 5, 10])
    bottom.set_ylabel(f"{benefit_label}\n(mean, 0-10)")
    ticks = [_epoch_tick(analysis, e, full=len(epochs) <= 6) for e in epochs]
    bottom.set_xticks(xs, ticks, fontsize=8.5 if len(epochs) <= 6 else 7.5)
    for ax in (top, bottom):
        ax.tick_params(axis="y", labelsize=9.5)
    bottom.set_xlim(-0.5, len(epochs) - 0.5)


def tradeoff_chart(
    analysis: Analysis, fmt: str = "svg", benefit_label: str = "therapy benefit"
) -> bytes:
    fig = Figure(figsize=(5.6, 4.8), layout="constrained")
    draw_tradeoff(fig, analysis, benefit_label)
    return save(fig, fmt)


def tradeoff_alt(analysis: Analysis) -> str:
    epochs = _tradeoff_epochs(analysis)
    if not epochs:
        return "Trade-off chart: no logged nights yet."
    parts = []
    for e in epochs:
        benefit = "no benefit score"
        if e.mean_benefit is not None:
            benefit = f"benefit {e.mean_benefit:.1f} of 10"
        rate = f"{e.cramp_night_rate:.0%}" if e.cramp_night_rate is not None else "–"
        parts.append(
            f"period {_epoch_number(analysis, e)} ({e.start:%d %b %Y}, {e.settings.describe()}): "
            f"{rate} of {e.nights_logged} logged nights with cramps, {benefit}"
        )
    intro = "Cramp nights and the therapy's benefit in each settings period, in time order. "
    return intro + "; ".join(parts) + "."


# --- The patient's own last 30 nights ---------------------------------------------------------

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


# The patient's chart at night, on the page's own dark background (static/css/app.css): light
# text, the same hues a little lighter so bars and marks keep their contrast on black.
DARK_THEME = {
    "background": "#0b0d10",
    "text": "#dee2e6",
    "cramps": "#F07A3A",
    "free": "#2FC49A",
    "missing": "#9aa0a6",
}
LIGHT_THEME = {
    "background": "white",
    "text": "#222222",
    "cramps": CRAMPS,
    "free": CRAMP_FREE,
    "missing": "#888888",
}


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
               hatch="//", edgecolor=background, width=0.75, label="cramps")
    if free:
        ax.plot(free, [0.15] * len(free), "o", color=theme["free"], markersize=5,
                label="no cramps")
    if missing:
        ax.plot(missing, [0.15] * len(missing), "x", color=theme["missing"], markersize=4,
                label="not logged")
    ax.tick_params(labelsize=10, colors=text)
    top = max([c for _, c in cramps], default=1)
    ax.set_ylim(0, top + 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ticks = xs[::10] if len(xs) else xs
    ax.set_xticks(ticks, [f"{nights[i].date:%d %b}" for i in ticks])
    ax.set_ylabel("cramps", fontsize=10, color=text)
    ax.legend(loc="upper left", fontsize=9, frameon=False, ncols=3, handletextpad=0.2,
              columnspacing=0.8, labelcolor=text)
    ax.set_title("My last 30 nights", loc="left", fontsize=12, color=text)
    return save(fig, fmt, facecolor=background)


def last_30_alt(nights: Sequence[NightCount]) -> str:
    logged = [n for n in nights if n.cramps is not None]
    with_cramps = [n for n in logged if n.cramps]
    if not logged:
        return "My last 30 nights: nothing logged yet."
    not_logged = sum(1 for n in nights if n.not_logged)
    return (
        f"My last 30 nights: {len(logged)} logged, {len(with_cramps)} with cramps, "
        f"{len(logged) - len(with_cramps)} without, {not_logged} not logged."
    )


# --- Registry for the chart views ------------------------------------------------------------

CHARTS: dict[str, tuple[Callable[..., bytes], Callable[[Analysis], str], str]] = {
    "timeline": (timeline_chart, timeline_alt, "Timeline, last 90 nights"),
    "timeline-all": (whole_timeline_chart, whole_timeline_alt, "Timeline, whole diary"),
    "dose-response": (dose_response_chart, dose_response_alt, "Cramp nights by amplitude"),
    "rolling": (rolling_chart, rolling_alt, "14-night cramp-night rate"),
    "time-of-night": (time_of_night_chart, time_of_night_alt, "When in the night"),
    "tradeoff": (tradeoff_chart, tradeoff_alt, "Trade-off"),
}


def comparison_rows(analysis: Analysis, limit: int = 6) -> list[list[str]]:
    """The before/after table as text cells, most recent change first (the PDF's lead)."""
    rows = []
    for c in reversed(analysis.comparisons[-limit:]):
        rows.append([
            f"{c.first_night:%d %b %y}",
            c.describe_change(),
            "yes" if c.made_because_of_cramps else "no",
            f"{c.before_cramp_nights}/{c.before_nights}",
            f"{c.after_cramp_nights}/{c.after_nights}",
            c.verdict_label,
        ])
    return rows


def epoch_rows(epochs: Sequence[Epoch], limit: int = 12) -> list[list[str]]:
    rows = []
    for epoch in epochs[-limit:]:
        rows.append([
            str(epoch.index + 1),
            f"{epoch.start:%d %b %y} – {epoch.end:%d %b %y}",
            epoch.settings.describe() + (" *" if epoch.made_because_of_cramps else ""),
            f"{epoch.nights_logged}/{epoch.nights_elapsed}",
            _fmt(epoch.cramps_per_logged_night, "{:.2f}"),
            _fmt(epoch.cramp_night_rate, "{:.0%}"),
            _fmt(epoch.mean_severity, "{:.1f}"),
        ])
    return rows


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else pattern.format(value)

