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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib
import matplotlib.dates as mdates
import numpy as np
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from insights.analysis import Analysis, AttributedNight, Epoch, first_night_under

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


def save(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else None
    fig.savefig(buffer, format=fmt, dpi=PNG_DPI, facecolor="white", metadata=metadata)
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
        if night < first:
            continue
        marks.append(ChangeMark(night, _short_change(previous, change)))
    return marks


def _short_change(previous, change) -> str:  # noqa: ANN001 - Settings pair
    if not change.stimulation_on:
        return "off"
    parts = []
    if not previous.stimulation_on:
        parts.append("on")
    if change.amplitude != previous.amplitude:
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
    if label and len(marks) <= 30:
        for mark in marks:
            ax.text(np.datetime64(mark.night, "D"), 1.0, " " + mark.label, rotation=90,
                    transform=ax.get_xaxis_transform(), va="top", ha="right", fontsize=7,
                    color="#333333")


def _shade_off(ax, periods: Sequence[tuple[date, date]], *, label: bool) -> None:  # noqa: ANN001
    # Hatched (not only grey) where labelled, so "off" never rests on colour alone.
    for start, end in periods:
        ax.axvspan(np.datetime64(start, "D"), np.datetime64(end, "D"), facecolor=OFF, alpha=0.45,
                   hatch="///" if label else None, edgecolor="#888888", linewidth=0)
        if label:
            ax.text(np.datetime64(start, "D"), 0.56, " device off",
                    transform=ax.get_xaxis_transform(), fontsize=7, color="#333333", va="bottom")


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

def draw_timeline(fig: Canvas, analysis: Analysis, *, left: float = 0.085) -> None:
    """One axes, so five years render fast: nightly cramps at the bottom, and above them one
    lane per setting (amplitude, pulse width, frequency) with its value written at each change,
    all on the same date axis."""
    first, last = _span(analysis)
    grid = fig.add_gridspec(1, 1, left=left, right=0.985, top=0.92, bottom=0.08)
    ax = fig.add_subplot(grid[0])
    lanes = ax.get_xaxis_transform()  # x in dates, y in axes fraction
    nights = [a for a in analysis.nights if a.night.date >= first]
    with_cramps = [a for a in nights if a.night.cramps]
    free = [a for a in nights if not a.night.cramps]
    span_days = max((last - first).days, 1)
    width = max(0.6, min(6.0, 500 / span_days))
    top = max([a.night.cramps for a in with_cramps], default=3)
    cramp_share = 0.52  # the bottom half of the axes; the lanes above
    ax.set_ylim(-0.04 * top / cramp_share, top / cramp_share)
    if with_cramps:
        ax.vlines(_days([a.night.date for a in with_cramps]), 0,
                  [a.night.cramps for a in with_cramps], colors=CRAMPS, linewidth=width,
                  label="cramps that night")
    if free:
        ax.plot(_days([a.night.date for a in free]), np.zeros(len(free)), "|",
                color=CRAMP_FREE, markersize=5, label="logged, no cramps")
    ax.set_yticks(range(0, top + 1, max(1, top // 4 or 1)))
    ax.set_ylabel("cramps per night")
    ax.yaxis.set_label_coords(-0.04, 0.26)  # beside the cramps, clear of the lane names
    ax.spines["left"].set_bounds(0, top)
    # The key is written in the title rather than a legend box: as clear, and a fifth of the
    # render time of five years.
    ax.set_title(
        "Cramps per night (bars; a tick: logged, no cramps; unlogged nights blank) "
        "and the settings in effect",
        loc="left", fontsize=9.5,
    )
    unit = analysis.changes[-1].amplitude_unit if analysis.changes else "mA"
    for k, (attribute, colour, name, fmt) in enumerate((
        ("frequency_hz", FREQUENCY, "frequency\nHz", "{:g}"),
        ("pulse_width_us", PULSE_WIDTH, "pulse width\nµs", "{:g}"),
        ("amplitude", AMPLITUDE, f"amplitude\n{unit}", "{:g}"),
    )):
        base, height = 0.60 + 0.135 * k, 0.075
        ax.text(-0.008, base + height / 2, name, transform=ax.transAxes, fontsize=7.5,
                color=colour, fontweight="bold", va="center", ha="right")
        xs, ys = _step_series(analysis, attribute, last)
        finite = ys[np.isfinite(ys)] if len(ys) else ys
        if not len(finite):
            continue
        low, high = float(finite.min()), float(finite.max())
        scaled = base + (height * (ys - low) / (high - low) if high > low else height / 2 + 0 * ys)
        ax.step(xs, scaled, where="post", color=colour, linewidth=1.8, transform=lanes)
        previous = None
        start = np.datetime64(first, "D")
        for x, end, value, y in zip(xs[:-1], xs[1:], ys[:-1], scaled[:-1], strict=True):
            # Each value is written where it starts, or at the left edge when it began earlier.
            if np.isfinite(value) and value != previous and end > start:
                ax.text(max(x, start), y + 0.012, fmt.format(value), transform=lanes,
                        fontsize=7, color="#222222", va="bottom")
            previous = value
    off = _off_periods(analysis, last)
    _shade_off(ax, off, label=True)
    _mark_changes(ax, _change_marks(analysis, first), label=False)
    for med in analysis.medications:
        if med.started_on >= first:
            x = np.datetime64(med.started_on, "D")
            ax.vlines([x], 0, 0.55, transform=lanes, colors=MEDICATION, linestyles="dotted",
                      linewidth=1.6)
            ax.text(x, 0.555, f" started {med.name}", transform=lanes, fontsize=7,
                    color="#7a4f00", va="bottom", ha="left")
    if not (with_cramps or free):
        ax.text(0.5, 0.25, "No nights logged yet", transform=ax.transAxes, ha="center",
                color=MUTED)
    ax.set_xlim(np.datetime64(first, "D"), np.datetime64(last + timedelta(days=1), "D"))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


TIMELINE_SIZE = (10, 5.2)
PNG_DPI = 150


def timeline_chart(analysis: Analysis, fmt: str = "svg") -> bytes:
    # A fixed layout: the constrained layout engine would double the render time.
    fig = Figure(figsize=TIMELINE_SIZE)
    draw_timeline(fig, analysis)
    return save(fig, fmt)


def timeline_alt(analysis: Analysis) -> str:
    if not analysis.nights:
        return "Timeline of cramps and stimulator settings: no nights logged yet."
    first, last = _span(analysis)
    nights = analysis.nights
    cramp_nights = sum(1 for a in nights if a.night.cramps)
    text = (
        f"Timeline from {first:%d %b %Y} to {last:%d %b %Y}: {len(nights)} nights logged, "
        f"{cramp_nights} with cramps (most in one night: {max(a.night.cramps for a in nights)}). "
    )
    n_changes = max(len(analysis.changes) - 1, 0)
    if analysis.changes:
        plural = "change" if n_changes == 1 else "changes"
        text += f"{n_changes} settings {plural}; now {analysis.changes[-1].describe()}. "
    off = sum(1 for c in analysis.changes if not c.stimulation_on)
    if off:
        text += f"The device was off {off} times (shaded). "
    if analysis.medications:
        text += "Medication starts are marked. "
    return text.strip()


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
            xs[same] += (np.arange(len(same)) - (len(same) - 1) / 2) * span * 0.035
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
    for x, rate, epoch in zip(xs, rates, epochs, strict=True):
        ax.annotate(f"{_epoch_number(analysis, epoch)}", (x, rate), xytext=(5, 3),
                    textcoords="offset points", fontsize=10, color="#222222")
    ax.set_ylim(-0.03, 1.12)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("nights with cramps")
    ax.set_xlabel(f"amplitude ({unit})")
    ticks = sorted(set(amplitudes.tolist()))
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_xlim(amplitudes.min() - span * 0.2, amplitudes.max() + span * 0.2)
    ax.legend(loc="upper left", fontsize=8.5, frameon=False)
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
    _shade_off(ax, [p for p in _off_periods(analysis, last) if p[1] >= first], label=True)
    _mark_changes(ax, _change_marks(analysis, first), label=True)
    ax.set_xlim(np.datetime64(first, "D"), np.datetime64(last + timedelta(days=1), "D"))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_title("Share of cramp nights over the last 14 logged nights (dashed: settings changes)",
                 loc="left")


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
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"hspace": 0.12})
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
        top.legend(loc="upper left", fontsize=8.5, frameon=False)
    top.set_ylim(-0.03, 1.1)
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
    cramps: int | None  # None: not logged


def last_nights(counts: dict[date, int], last: date, days: int = 30) -> list[NightCount]:
    """The `days` nights ending with `last` (the latest night that is over)."""
    first = last - timedelta(days=days - 1)
    return [NightCount(d, counts.get(d)) for d in (first + timedelta(days=i) for i in range(days))]


def last_30_chart(nights: Sequence[NightCount], fmt: str = "svg") -> bytes:
    # Narrow and with large text: it is read on a phone.
    fig = Figure(figsize=(4.4, 3.0), layout="constrained")
    ax = fig.subplots()
    xs = np.arange(len(nights))
    cramps = [(i, n.cramps) for i, n in enumerate(nights) if n.cramps]
    free = [i for i, n in enumerate(nights) if n.cramps == 0]
    missing = [i for i, n in enumerate(nights) if n.cramps is None]
    if cramps:
        ax.bar([i for i, _ in cramps], [c for _, c in cramps], color=CRAMPS, hatch="//",
               edgecolor="white", width=0.75, label="cramps")
    if free:
        ax.plot(free, [0.15] * len(free), "o", color=CRAMP_FREE, markersize=5, label="no cramps")
    if missing:
        ax.plot(missing, [0.15] * len(missing), "x", color="#888888", markersize=4,
                label="not logged")
    ax.tick_params(labelsize=10)
    top = max([c for _, c in cramps], default=1)
    ax.set_ylim(0, top + 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ticks = xs[::10] if len(xs) else xs
    ax.set_xticks(ticks, [f"{nights[i].date:%d %b}" for i in ticks])
    ax.set_ylabel("cramps", fontsize=10)
    ax.legend(loc="upper left", fontsize=9, frameon=False, ncols=3, handletextpad=0.2,
              columnspacing=0.8)
    ax.set_title("My last 30 nights", loc="left", fontsize=12)
    return save(fig, fmt)


def last_30_alt(nights: Sequence[NightCount]) -> str:
    logged = [n for n in nights if n.cramps is not None]
    with_cramps = [n for n in logged if n.cramps]
    if not logged:
        return "My last 30 nights: nothing logged yet."
    return (
        f"My last 30 nights: {len(logged)} logged, {len(with_cramps)} with cramps, "
        f"{len(logged) - len(with_cramps)} without, {len(nights) - len(logged)} not logged."
    )


# --- Registry for the chart views ------------------------------------------------------------

CHARTS: dict[str, tuple[Callable[..., bytes], Callable[[Analysis], str], str]] = {
    "timeline": (timeline_chart, timeline_alt, "Timeline"),
    "dose-response": (dose_response_chart, dose_response_alt, "Cramp nights by amplitude"),
    "rolling": (rolling_chart, rolling_alt, "14-night cramp-night rate"),
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

