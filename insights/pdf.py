"""The one-page visit summary: matplotlib's PDF backend, no extra dependency. It reuses the
charts' draw functions on sub-figures of one A4 page."""

from __future__ import annotations

import io
import textwrap

from matplotlib.figure import Figure

from diary.models import Patient
from insights import charts
from insights.analysis import Analysis
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
    header, timeline, middle, table = fig.subfigures(4, 1, height_ratios=[2.3, 3.0, 2.2, 2.6])
    _header(header, patient, device, analysis, flags)
    charts.draw_timeline(timeline, analysis, left=0.12)
    left, right = middle.subfigures(1, 2)
    for sub, draw in ((left, charts.draw_dose_response), (right, charts.draw_tradeoff)):
        sub.subplots_adjust(left=0.16, right=0.88, top=0.86, bottom=0.2)
        draw(sub, analysis)
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
    for correlation in analysis.correlations.values():
        text = correlation.sentence + (f" {correlation.caution}" if correlation.caution else "")
        for part in textwrap.wrap(text, 120):
            lines.append((part, 8, "normal"))
    y = 0.95
    for text, size, weight in lines[:16]:
        sub.text(0.05, y, text, fontsize=size, fontweight=weight, va="top")
        y -= 0.075 if size < 12 else 0.11


def _epoch_table(sub, analysis: Analysis) -> None:  # noqa: ANN001
    sub.text(0.05, 0.96, "Settings epochs (most recent 12)", fontsize=10, fontweight="bold",
             va="top")
    rows = charts.epoch_rows(analysis.epochs)
    if not rows:
        sub.text(0.05, 0.8, "No settings recorded.", fontsize=9)
        return
    ax = sub.add_axes((0.05, 0.02, 0.9, 0.86))
    ax.axis("off")
    table = ax.table(
        cellText=rows,
        colLabels=["dates", "settings", "logged", "cramps/night", "cramp nights", "severity"],
        loc="upper center",
        colWidths=[0.22, 0.3, 0.1, 0.13, 0.13, 0.1],
    )
    table.auto_set_font_size(False)
    table.set_fontsize(7.5)
    table.scale(1, 1.25)
