"""The charts of settings periods, numbered in time order as the settings-period table
numbers them: cramp nights by amplitude (dose-response) and the trade-off between cramp nights
and the therapy's benefit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from diary.words import day, number
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
        _message(fig, _("No logged nights with stimulation on yet"))
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
               label=_("settings period (number: order in time)"))
    if reactive.any():
        ax.scatter(xs[reactive], rates[reactive], s=48, facecolor="white", edgecolor=CRAMPS,
                   linewidth=1.6, zorder=3,
                   label=_("began with a change made because of cramps"))
    ax.plot([], [], color="#555555", marker="_", markersize=8, linewidth=1,
            # Translators: the key of the error bars: a 95% confidence interval.
            # xgettext:no-python-format
            label=_("95% interval"))
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
    ax.set_ylabel(_("nights with cramps"))
    # Translators: the x-axis label; unit is the amplitude's unit, mA or V.
    ax.set_xlabel(_("amplitude (%(unit)s)") % {"unit": unit})
    ticks = sorted(set(amplitudes.tolist()))
    ax.set_xticks(ticks, [number(t) for t in ticks])
    ax.set_xlim(amplitudes.min() - span * 0.2, amplitudes.max() + span * 0.2)
    ax.legend(loc="upper left", fontsize=8, frameon=False, borderaxespad=0.2, labelspacing=0.25)
    ax.tick_params(labelsize=9.5)
    title = _("Cramp nights by amplitude, per period")
    if other_unit:
        # Translators: the chart's title; n counts settings periods left out of the chart.
        title = ngettext(
            "Cramp nights by amplitude, per period (%(n)s in another unit not shown)",
            "Cramp nights by amplitude, per period (%(n)s in another unit not shown)",
            other_unit,
        ) % {"n": other_unit}
    ax.set_title(title, loc="left", fontsize=10)


def dose_response_chart(analysis: Analysis, fmt: str = "svg") -> bytes:
    # Drawn at about the size it is shown (half a laptop page), so its text is not scaled down.
    fig = Figure(figsize=(5.6, 4.0), layout="constrained")
    draw_dose_response(fig, analysis)
    return save(fig, fmt)


def _epoch_words(analysis: Analysis, e: Epoch) -> str:
    interval = e.cramp_night_interval()
    values = {
        "number": _epoch_number(analysis, e), "date": day(e.start, "d M Y"),
        "settings": e.settings.describe(), "cramp_nights": e.cramp_nights,
        "nights": e.nights_logged, "interval": "",
    }
    if interval:
        # Translators: inserted after "logged nights with cramps": a 95% confidence interval
        # of the share, from low to high ("20%"), with its leading space.
        values["interval"] = _(" (95%% interval %(low)s to %(high)s)") % {
            "low": f"{interval[0]:.0%}", "high": f"{interval[1]:.0%}",
        }
    if e.made_because_of_cramps:
        # Translators: one settings period in a chart's description for screen readers;
        # number is its order in time, settings the stimulator's settings.
        return ngettext(
            "period %(number)s (%(date)s), %(settings)s: %(cramp_nights)s of %(nights)s logged "
            "night with cramps%(interval)s, began with a change made because of cramps",
            "period %(number)s (%(date)s), %(settings)s: %(cramp_nights)s of %(nights)s logged "
            "nights with cramps%(interval)s, began with a change made because of cramps",
            e.nights_logged,
        ) % values
    # Translators: one settings period in a chart's description for screen readers; number
    # is its order in time, settings the stimulator's settings.
    return ngettext(
        "period %(number)s (%(date)s), %(settings)s: %(cramp_nights)s of %(nights)s logged "
        "night with cramps%(interval)s",
        "period %(number)s (%(date)s), %(settings)s: %(cramp_nights)s of %(nights)s logged "
        "nights with cramps%(interval)s",
        e.nights_logged,
    ) % values


def dose_response_alt(analysis: Analysis) -> str:
    epochs, unit, other_unit = _counted_epochs(analysis)
    if not epochs:
        return _("Cramp nights by amplitude: no logged nights with stimulation on yet.")
    # Translators: periods lists the settings periods, separated by ";".
    text = _(
        "Share of cramp nights in each settings period, by amplitude in %(unit)s, in time "
        "order: %(periods)s."
    ) % {"unit": unit, "periods": "; ".join(_epoch_words(analysis, e) for e in epochs[-12:])}
    if other_unit:
        text += " " + ngettext(
            "%(n)s period with the amplitude in another unit is not shown.",
            "%(n)s periods with the amplitude in another unit are not shown.", other_unit,
        ) % {"n": other_unit}
    return text



# --- Trade-off ---------------------------------------------------------------------------------

TRADEOFF_EPOCHS = 8  # the most recent; all of them are in the settings-period table


def _tradeoff_epochs(analysis: Analysis) -> list[Epoch]:
    return [e for e in analysis.epochs if e.nights_logged][-TRADEOFF_EPOCHS:]


def _epoch_tick(analysis: Analysis, e: Epoch, *, full: bool) -> str:
    s = e.settings
    lines = [f"{_epoch_number(analysis, e)}: " + (
        f"{number(s.amplitude)} {s.amplitude_unit}" if s.stimulation_on
        else pgettext("stimulation", "off")
    )]
    if full and s.stimulation_on:
        lines.append(f"{s.pulse_width_us} µs, {number(s.frequency_hz)} Hz")
    lines += [
        day(e.start, "d M y"),
        ngettext("%(n)s night", "%(n)s nights", e.nights_logged) % {"n": e.nights_logged},
    ]
    return "\n".join(lines)


def draw_tradeoff(fig: Canvas, analysis: Analysis, benefit_label: str | None = None) -> None:
    """Two aligned panels on one axis of settings periods in time order: above, the share of
    cramp nights (95% Wilson interval); below, the mean therapy benefit. No second y-axis."""
    benefit_label = benefit_label or _("therapy benefit")
    epochs = _tradeoff_epochs(analysis)
    if not epochs:
        _message(fig, _("No logged nights yet"))
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
                    linewidth=1.6, zorder=3,
                    label=_("began with a change made because of cramps"))
        top.legend(loc="upper left", fontsize=8, frameon=False, borderaxespad=0.1)
    top.set_ylim(-0.03, 1.45 if reactive.any() else 1.1)  # headroom for the key
    top.set_yticks([0, 0.5, 1.0])
    top.spines["left"].set_bounds(0, 1)
    top.yaxis.set_major_formatter(PercentFormatter(1.0))
    # Translators: the y-axis label, on two short lines.
    top.set_ylabel(_("nights with\ncramps"))
    # Translators: the chart's title; benefit is what the therapy's daily score rates, e.g.
    # "bladder control".
    title = _("Cramp nights and %(benefit)s") % {"benefit": benefit_label}
    top.set_title(title, loc="left", fontsize=10)
    scored = [(x, e.mean_benefit) for x, e in zip(xs, epochs, strict=True)
              if e.mean_benefit is not None]
    if scored:
        bx, by = zip(*scored, strict=True)
        bottom.plot(bx, by, "s", color=AMPLITUDE, markersize=6)
        bottom.plot(bx, by, color=AMPLITUDE, linewidth=0.8, alpha=0.5)
    for x, e in zip(xs, epochs, strict=True):
        if e.mean_benefit is None:
            # Translators: no therapy benefit score was logged in this settings period.
            bottom.text(x, 5, _("no score"), ha="center", va="center", fontsize=8.5, color=MUTED)
        else:
            bottom.annotate(number(e.mean_benefit, ".1f"), (x, e.mean_benefit), xytext=(0, 5),
                            textcoords="offset points", ha="center", fontsize=9)
    bottom.set_ylim(0, 10.9)
    bottom.set_yticks([0, 5, 10])
    # Translators: the y-axis label, benefit on its first line.
    bottom.set_ylabel(_("%(benefit)s\n(mean, 0-10)") % {"benefit": benefit_label})
    ticks = [_epoch_tick(analysis, e, full=len(epochs) <= 6) for e in epochs]
    bottom.set_xticks(xs, ticks, fontsize=8.5 if len(epochs) <= 6 else 7.5)
    for ax in (top, bottom):
        ax.tick_params(axis="y", labelsize=9.5)
    bottom.set_xlim(-0.5, len(epochs) - 0.5)


def tradeoff_chart(analysis: Analysis, fmt: str = "svg", benefit_label: str | None = None) -> bytes:
    fig = Figure(figsize=(5.6, 4.8), layout="constrained")
    draw_tradeoff(fig, analysis, benefit_label)
    return save(fig, fmt)


def tradeoff_alt(analysis: Analysis) -> str:
    epochs = _tradeoff_epochs(analysis)
    if not epochs:
        return _("Trade-off chart: no logged nights yet.")
    parts = []
    for e in epochs:
        values = {
            "number": _epoch_number(analysis, e), "date": day(e.start, "d M Y"),
            "settings": e.settings.describe(), "nights": e.nights_logged,
            "rate": f"{e.cramp_night_rate:.0%}" if e.cramp_night_rate is not None else "–",
            "benefit": number(e.mean_benefit, ".1f") if e.mean_benefit is not None else "",
        }
        if e.mean_benefit is not None:
            # Translators: one settings period in a chart's description for screen readers:
            # rate is a share ("40%"), benefit the mean daily score out of 10 ("6.5").
            parts.append(ngettext(
                "period %(number)s (%(date)s, %(settings)s): %(rate)s of %(nights)s logged "
                "night with cramps, benefit %(benefit)s of 10",
                "period %(number)s (%(date)s, %(settings)s): %(rate)s of %(nights)s logged "
                "nights with cramps, benefit %(benefit)s of 10",
                e.nights_logged,
            ) % values)
        else:
            # Translators: one settings period in a chart's description for screen readers:
            # rate is a share ("40%").
            parts.append(ngettext(
                "period %(number)s (%(date)s, %(settings)s): %(rate)s of %(nights)s logged "
                "night with cramps, no benefit score",
                "period %(number)s (%(date)s, %(settings)s): %(rate)s of %(nights)s logged "
                "nights with cramps, no benefit score",
                e.nights_logged,
            ) % values)
    # Translators: periods lists the settings periods, separated by ";".
    return _(
        "Cramp nights and the therapy's benefit in each settings period, in time order. "
        "%(periods)s."
    ) % {"periods": "; ".join(parts)}
