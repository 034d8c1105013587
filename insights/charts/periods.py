"""The charts of settings periods, numbered in time order as the settings-period table
numbers them: cramp nights by amplitude (dose-response) and the trade-off between cramp nights
and the therapy's benefit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from insights.analysis import Analysis, Epoch
from insights.charts.style import AMPLITUDE, CRAMPS, MUTED, Canvas, _message, save

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
