"""The one-page visit summary: matplotlib's PDF backend, no extra dependency. It reuses the
charts' draw functions on sub-figures of one A4 page."""

from __future__ import annotations

import io
import textwrap

from matplotlib.figure import Figure

from diary.models import Patient
from insights import charts
from insights.analysis import Analysis
from insights.association import association_sentences
from insights.data import cached_analysis
from insights.ladder import DECISION_SUPPORT
from insights.models import Flag
from programming.services import current_device

A4 = (8.27, 11.69)


def visit_summary_pdf(patient: Patient) -> bytes:
    analysis = cached_analysis(patient)
    device = current_device(patient)
    flags = list(Flag.objects.filter(patient=patient).active().order_by("-step"))
    fig = Figure(figsize=A4)
    header, answer, timeline, middle, table = fig.subfigures(
        5, 1, height_ratios=[1.45, 2.65, 2.5, 2.75, 2.3]
    )
    _header(header, patient, device, analysis, flags)
    # The answer first: each change against the nights before it, then what the whole diary
    # can and cannot say (the same sentences as the page and `analyze --json`).
    _before_after(answer, analysis)
    charts.draw_timeline(timeline, analysis, left=0.12)
    left, right = middle.subfigures(1, 2)
    left.subplots_adjust(left=0.16, right=0.95, top=0.88, bottom=0.16)
    charts.draw_dose_response(left, analysis)
    right.subplots_adjust(left=0.2, right=0.97, top=0.88, bottom=0.27)
    charts.draw_tradeoff(right, analysis)
    _epoch_table(table, analysis)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="pdf", facecolor="white", metadata={"Title": "Visit summary"})
    return buffer.getvalue()


def _header(sub, patient: Patient, device, analysis: Analysis, flags: list[Flag]) -> None:  # noqa: ANN001
    name = patient.user.get_full_name() or patient.user.username
    lines = [(f"Visit summary: {name}", 13, "bold")]
    if device is not None:
        lines.append((
            f"Device: {device.get_therapy_display()}, {device.get_phase_display().lower()}, "
            f"implanted {device.implanted_on:%d %b %Y}, lead {device.lead_site or 'not recorded'}",
            9, "normal",
        ))
    current = analysis.changes[-1].describe() if analysis.changes else "none recorded"
    lines.append((f"Current settings: {current}", 9, "normal"))
    lines.append((
        f"Diary: {analysis.adherence.describe()}; last 14 nights: "
        f"{analysis.adherence_14.describe()}",
        9, "normal",
    ))
    step = max((f.step for f in flags if f.step is not None), default=None)
    ladder = f"step {step}" if step is not None else "no flag"
    lines.append((f"Management ladder position: {ladder}. {DECISION_SUPPORT}", 9, "bold"))
    for flag in flags:
        step_text = "info" if flag.step is None else f"step {flag.step}"
        lines.append((f"• {flag.title} ({step_text}, since {flag.since or '–'})", 8.5, "normal"))
    y = 0.95
    for text, size, weight in lines[:9]:
        sub.text(0.05, y, text, fontsize=size, fontweight=weight, va="top")
        y -= 0.12 if size < 12 else 0.17


def _before_after(sub, analysis: Analysis) -> None:  # noqa: ANN001
    sub.text(0.05, 0.98, "Before and after each settings change (cramp nights / logged nights)",
             fontsize=10, fontweight="bold", va="top")
    rows = charts.comparison_rows(analysis, limit=4)
    y = 0.86
    if rows:
        ax = sub.add_axes((0.05, y - 0.085 * (len(rows) + 1), 0.9, 0.085 * (len(rows) + 1)))
        ax.axis("off")
        table = ax.table(
            cellText=rows,
            colLabels=["first night", "change", "because of cramps", "before", "after",
                       "verdict"],
            loc="upper center", colWidths=[0.1, 0.42, 0.16, 0.07, 0.07, 0.18], cellLoc="left",
        )
        table.auto_set_font_size(False)
        table.set_fontsize(7.5)
        y -= 0.085 * (len(rows) + 1) + 0.03
        if any(c.made_because_of_cramps for c in analysis.comparisons[-4:]):
            note = textwrap.fill(
                "Made because of cramps: cramps were active before the change; the nights after "
                "it are its test, and cramps at their worst often ease whatever is done "
                "(regression to the mean).", 150)
            sub.text(0.05, y, note, fontsize=7, va="top")
            y -= 0.045 * (note.count("\n") + 1) + 0.025
    else:
        sub.text(0.05, y, "No settings change yet.", fontsize=8, va="top")
        y -= 0.08
    for sentence in association_sentences(analysis):
        text = textwrap.fill(sentence, 145)
        sub.text(0.05, y, text, fontsize=7.5, va="top")
        y -= 0.05 * (text.count("\n") + 1) + 0.015


def _epoch_table(sub, analysis: Analysis) -> None:  # noqa: ANN001
    sub.text(0.05, 0.96, "Settings periods (most recent 12; *: began with a change made because "
             "of cramps)", fontsize=10, fontweight="bold", va="top")
    rows = charts.epoch_rows(analysis.epochs)
    if not rows:
        sub.text(0.05, 0.8, "No settings recorded.", fontsize=9)
        return
    ax = sub.add_axes((0.05, 0.02, 0.9, 0.86))
    ax.axis("off")
    table = ax.table(
        cellText=rows,
        colLabels=["no.", "dates", "settings", "logged", "cramps/night", "cramp nights",
                   "severity"],
        loc="upper center",
        colWidths=[0.05, 0.2, 0.29, 0.09, 0.12, 0.13, 0.1],
    )
    table.auto_set_font_size(False)
    table.set_fontsize(7.5)
    table.scale(1, 1.25)
