"""The visit summary: one A4 page a clinician reads in thirty seconds, the answer first.

matplotlib's PDF backend, no extra dependency: text is laid out top to bottom in inches, the
timeline reuses the chart's draw function on a sub-figure. A second page is added only when
the history does not fit (many flags, changes or medicines): a block never splits a table row
or a flag, and a block that does not fit starts the next page.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import matplotlib
from django.utils import timezone
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from diary.models import MEDICATION_CATEGORY_CHOICES, Patient
from insights import charts
from insights.analysis import Analysis, adherence_between, first_night_under
from insights.association import association_sentences
from insights.burden import Burden
from insights.data import cached_analysis
from insights.evidence import SOURCES_PENDING_REVIEW, evidence_in_words, rule_source_in_words
from insights.ladder import DECISION_SUPPORT, STEP_NAMES
from insights.outcomes import short_sentence
from insights.panel import active_flags_with_acknowledgement
from insights.summary import ladder_state
from programming.models import ProgrammingVisit, VisitConfiguration, response_labels
from programming.services import current_device

A4 = (8.27, 11.69)
MARGIN = 0.45
WIDTH = A4[0] - 2 * MARGIN
BODY_PT = 8.5
SMALL_PT = 7.5
# 2.7, not 3.0, since the before/after table carries the cramp burden: alice still fits one page.
TIMELINE_HEIGHT = 2.7
CATEGORIES = dict(MEDICATION_CATEGORY_CHOICES)

# TrueType text: a PDF reader (and a test) can search and copy it.
matplotlib.rcParams["pdf.fonttype"] = 42


def _line_height(size: float) -> float:
    return size * 1.3 / 72


def _wrap(text: str, width_in: float, size: float) -> list[str]:
    # DejaVu Sans averages under 0.54 em a character: lines that fit, with a little to spare.
    chars = max(int(width_in / (0.54 * size / 72)), 12)
    return textwrap.wrap(text, chars, break_long_words=True) or [""]


@dataclass
class Block:
    """Something of a known height (inches) drawn at a given top (inches from the top)."""

    height: float
    draw: Callable[[Figure, float], None]
    keep_with_next: bool = False  # a heading never ends a page
    optional: bool = False  # printed only where it fits: it never adds a page


def _paragraph(text: str, *, size: float = BODY_PT, weight: str = "normal", indent: float = 0,
               colour: str = "#111111", after: float = 0.02) -> Block:
    lines = _wrap(text, WIDTH - indent, size)
    step = _line_height(size)

    def draw(fig: Figure, top: float) -> None:
        for k, line in enumerate(lines):
            _text(fig, MARGIN + indent, top + k * step, line, size=size, weight=weight,
                  colour=colour)

    return Block(len(lines) * step + after, draw)


def _text(fig: Figure, x_in: float, y_in: float, text: str, *, size: float = BODY_PT,
          weight: str = "normal", colour: str = "#111111") -> None:
    fig.text(x_in / A4[0], 1 - y_in / A4[1], text, fontsize=size, fontweight=weight,
             color=colour, va="top", ha="left")


def _heading(text: str) -> Block:
    block = _paragraph(text, size=10.5, weight="bold", after=0.05)
    block.keep_with_next = True
    return block


def _gap(inches: float) -> Block:
    return Block(inches, lambda fig, top: None)


def _table(columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[str]],
           size: float = SMALL_PT) -> list[Block]:
    """A header block and one block per row; each cell wraps within its column."""
    step = _line_height(size)
    widths = [w for _, w in columns]
    lefts = [MARGIN + sum(widths[:k]) for k in range(len(widths))]

    def row_block(cells: Sequence[str], weight: str) -> Block:
        # A cell's own line breaks are kept (a before/after pair), each part wrapped to fit.
        wrapped = [
            [line for part in str(c).split("\n") for line in _wrap(part, w - 0.08, size)]
            for c, w in zip(cells, widths, strict=True)
        ]
        height = max(len(w) for w in wrapped) * step + 0.05

        def draw(fig: Figure, top: float) -> None:
            for left, lines in zip(lefts, wrapped, strict=True):
                for k, line in enumerate(lines):
                    _text(fig, left, top + k * step, line, size=size, weight=weight)
            y = 1 - (top + height - 0.02) / A4[1]
            fig.add_artist(matplotlib.lines.Line2D(
                [MARGIN / A4[0], (MARGIN + WIDTH) / A4[0]], [y, y], color="#cccccc",
                linewidth=0.5,
            ))

        return Block(height, draw)

    header = row_block([name for name, _ in columns], "bold")
    header.keep_with_next = True
    return [header] + [
        row_block(row, "normal") for row in rows
    ]


def _timeline(analysis: Analysis) -> Block:
    def draw(fig: Figure, top: float) -> None:
        # A sub-figure takes its place from the grid's ratios (not its margins).
        side = MARGIN / 2
        grid = fig.add_gridspec(
            3, 3, wspace=0, hspace=0, width_ratios=[side, A4[0] - 2 * side, side],
            height_ratios=[top, TIMELINE_HEIGHT, A4[1] - top - TIMELINE_HEIGHT],
        )
        charts.draw_timeline(fig.add_subfigure(grid[1, 1]), analysis, overview=False)

    return Block(TIMELINE_HEIGHT + 0.05, draw)


EPOCH_CHARTS_HEIGHT = 3.3


def _epoch_charts(analysis: Analysis) -> Block:
    """The cramp-night rate per settings period and the trade-off with therapy benefit, side
    by side: printed when they fit on the last page, otherwise left to the patient's page (a
    second page only when the history itself needs one)."""

    def draw(fig: Figure, top: float) -> None:
        grid = fig.add_gridspec(
            3, 2, wspace=0, hspace=0, width_ratios=[1, 1],
            height_ratios=[top, EPOCH_CHARTS_HEIGHT, A4[1] - top - EPOCH_CHARTS_HEIGHT],
        )
        for column, chart in ((0, charts.draw_dose_response), (1, charts.draw_tradeoff)):
            sub = fig.add_subfigure(grid[1, column])
            sub.subplots_adjust(left=0.2, right=0.95, top=0.88, bottom=0.2)
            chart(sub, analysis)

    return Block(EPOCH_CHARTS_HEIGHT, draw, optional=True)


def _burden_cells(burden: Burden) -> list[str]:
    """Cramps a night, minutes a night, worst severity, sleep disturbance (answered nights),
    nights woken: '—' where a figure cannot be computed."""
    def one(value: float | None, digits: int) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    sleep = one(burden.mean_sleep_disturbance, 1)
    if burden.disturbance_nights:
        sleep += f" ({burden.disturbance_nights})"
    return [
        one(burden.cramps_per_night, 2), one(burden.mean_minutes, 1),
        one(burden.mean_worst_severity, 1), sleep,
        f"{burden.woken_nights} of {burden.nights}" if burden.nights else "—",
    ]


def _d(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "—"


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y %H:%M}"


def summary_blocks(patient: Patient, analysis: Analysis, flags: Sequence[Any],
                   printed_at: datetime) -> list[Block]:
    """The page's content, the answer first: who and what period, the ladder and its
    evidence, then the timeline, the changes, the medicines."""
    # Named as the patient page names them: the display name, else the username, then the
    # identifiers and the zone every time is in.
    user = patient.user
    zone = ZoneInfo(patient.timezone)
    who = [f"Username {user.username}" if patient.display_name else "",
           f"Record {patient.record_number}" if patient.record_number else "",
           f"printed {_when(printed_at.astimezone(zone))}",
           f"times in {patient.timezone}, the patient's clock"]
    blocks = [
        _paragraph(f"Visit summary: {patient_name(patient)}", size=13, weight="bold",
                   after=0.02),
        _paragraph(" · ".join(w for w in who if w), size=SMALL_PT),
    ]
    device = current_device(patient)
    if device is not None:
        blocks.append(_paragraph(
            f"Device: {device.get_therapy_display()}, {device.get_phase_display().lower()}, "
            f"implanted {_d(device.implanted_on)}, lead {device.lead_site or 'not recorded'}."
        ))
    first, last = charts.timeline_window(analysis, charts.TIMELINE_NIGHTS)
    coverage = adherence_between([a.night for a in analysis.nights], first, last)
    since = f"; diary since {_d(analysis.nights[0].night.date)}" if analysis.nights else ""
    blocks += [
        _paragraph(
            f"Period: the nights of {_d(first)} to {_d(last)}{since}. Data coverage: "
            f"{coverage.describe()}; last 14 nights: {analysis.adherence_14.describe()}. "
            "Unlogged nights are missing, never counted as cramp-free."
        ),
    ]
    current = analysis.changes[-1] if analysis.changes else None
    if current is not None:
        blocks.append(_paragraph(
            f"Current settings: {current.describe()} (since the night of "
            f"{_d(first_night_under(current, analysis.timezone))}).", weight="bold",
        ))
    else:
        blocks.append(_paragraph("Current settings: none recorded.", weight="bold"))
    if analysis.outcome is not None:
        # One line: the page must stay one page for a typical diary.
        blocks.append(_paragraph(short_sentence(analysis.outcome)))
    blocks.append(_gap(0.05))

    steps = [f.step for f in flags if f.step is not None]
    step = max(steps) if steps else None
    position = (
        f"step {step}: {STEP_NAMES.get(step, '')}" if step is not None
        else "no flag: nothing in the diary calls for a step"
    )
    blocks.append(_heading(f"Management ladder: {position}"))
    if flags:
        blocks.append(_paragraph(SOURCES_PENDING_REVIEW, size=SMALL_PT, colour="#444444"))
    for flag in flags:
        step_text = "information" if flag.step is None else f"step {flag.step}"
        blocks.append(_paragraph(
            f"• {flag.title} ({step_text}, holds since {_d(flag.since)})", weight="bold",
        ))
        for line in evidence_in_words(flag.evidence):
            blocks.append(_paragraph(line, size=SMALL_PT, indent=0.2, after=0))
        if flag.ack_at:
            note = f": “{flag.ack_note}”" if flag.ack_note else ""
            fresh = " New evidence since." if flag.is_alerting else ""
            acknowledged = (
                f"Acknowledged by {flag.ack_by or 'a former user'} on "
                f"{_when(flag.ack_at.astimezone(zone))}{note}.{fresh}"
            )
        else:
            acknowledged = "Not acknowledged yet."
        blocks.append(_paragraph(acknowledged, size=SMALL_PT, indent=0.2, after=0))
        for line in rule_source_in_words(flag.code)[:1]:  # the page gives the rest
            blocks.append(_paragraph(line, size=SMALL_PT, indent=0.2, colour="#444444",
                                     after=0))
        blocks.append(_gap(0.04))
    blocks += _last_visit(patient, zone)
    blocks.append(_heading("Before and after each settings change"))
    blocks.append(_paragraph(
        "Up to 14 logged nights a side (7 after to judge). The reading uses the share of cramp "
        "nights; the burden is shown, not judged.", size=SMALL_PT,
    ))
    rows = [
        [
            f"{_d(c.first_night)}: {c.describe_change()}"
            + (" (made because of cramps)" if c.made_because_of_cramps else ""),
            f"before {c.before_cramp_nights} of {c.before_nights}\n"
            f"after {c.after_cramp_nights} of {c.after_nights}",
            *(f"{b}\n{a}" for b, a in zip(
                _burden_cells(c.before_burden), _burden_cells(c.after_burden), strict=True
            )),
            c.verdict_label,
        ]
        for c in reversed(analysis.comparisons)
    ]
    if rows:
        blocks += _table(
            [("First night: change", WIDTH - 4.6), ("Cramp nights", 1.0),
             ("Cramps\na night", 0.55), ("Minutes\na night", 0.55), ("Worst\nseverity", 0.55),
             ("Sleep\ndisturbance", 0.75), ("Nights\nwoken", 0.5), ("Reading", 0.7)],
            rows,
        )
        if any(c.made_because_of_cramps for c in analysis.comparisons):
            blocks.append(_paragraph(
                "Made because of cramps: cramps were active before the change; the nights "
                "after it are its test, and cramps at their worst often ease whatever is done "
                "(regression to the mean).", size=SMALL_PT, after=0.02,
            ))
    else:
        blocks.append(_paragraph("No settings change yet.", size=SMALL_PT))
    blocks.append(_gap(0.05))

    medications = sorted(analysis.medications, key=lambda m: m.started_on, reverse=True)
    if medications:
        blocks.append(_heading("Medicines"))
        blocks += _table(
            [("Medicine", 2.4), ("Kind", 1.6), ("Started", 1.2), ("Stopped", WIDTH - 5.2)],
            [
                [m.name, CATEGORIES.get(m.category, m.category), _d(m.started_on),
                 _d(m.stopped_on) if m.stopped_on else "still taking"]
                for m in medications
            ],
        )
    else:
        blocks.append(_paragraph("Medicines: none recorded.", size=10.5, weight="bold"))
    blocks.append(_gap(0.05))
    blocks.append(_heading("Timeline: the last 90 nights"))
    blocks.append(_timeline(analysis))
    blocks.append(_heading(
        "What the diary can say about each setting (each settings period counts once)"
    ))
    # The same sentences as the page and `analyze --json`, each with its caution.
    for sentence in association_sentences(analysis):
        blocks.append(_paragraph(sentence, size=SMALL_PT, after=0.01))
    blocks.append(_epoch_charts(analysis))
    return blocks


def _last_visit(patient: Patient, zone: ZoneInfo) -> list[Block]:
    """The latest programming visit's configurations (issue 25): what the ladder's visit
    reasons read, for the clinician to see beside them."""
    visit = (
        ProgrammingVisit.objects.for_patient(patient).select_related("device")
        .prefetch_related("configurations").first()
    )
    if visit is None:
        return []
    therapy = visit.device.therapy

    def programme(row: VisitConfiguration) -> str:
        parts = [
            f"{float(row.amplitude):g} {row.amplitude_unit}" if row.amplitude is not None
            else "",
            f"{row.pulse_width_us} µs" if row.pulse_width_us else "",
            f"{float(row.frequency_hz):g} Hz" if row.frequency_hz is not None else "",
        ]
        return " · ".join(p for p in parts if p) or "—"

    def threshold(value: Any, unit: str) -> str:
        return f"{float(value):g} {unit}" if value is not None else "—"

    rows = [
        [
            row.electrodes + (" (left in place)" if row.left_in_place else ""),
            programme(row),
            threshold(row.sensory_threshold, row.amplitude_unit),
            threshold(row.motor_threshold, row.amplitude_unit),
            row.felt_at or "—",
            ", ".join(response_labels(therapy, row.responses)) or "—",
        ]
        for row in visit.configurations.all()
    ]
    what = "Motor response" if therapy == "sacral" else "Areas covered"
    return [
        _heading(f"Last programming visit: {_when(visit.visited_at.astimezone(zone))}"),
        *_table(
            [("Electrodes", 1.3), ("Programme", 1.6), ("Sensory", 0.75), ("Motor", 0.75),
             ("Felt where", 1.35), (what, WIDTH - 5.75)],
            rows,
        ),
        _gap(0.05),
    ]


Page = list[tuple[Block, float]]


def paginate(blocks: Sequence[Block], page_height: float = A4[1]) -> list[Page]:
    """Blocks placed top to bottom, a new page when the next does not fit above the footer."""
    bottom = page_height - MARGIN - 0.25
    pages: list[Page] = [[]]
    top = MARGIN
    for k, block in enumerate(blocks):
        needed = block.height
        for following in blocks[k + 1:]:  # a heading and a table's header keep their next
            if not blocks[blocks.index(following) - 1].keep_with_next:
                break
            needed += following.height
        if top + needed > bottom and block.optional:
            continue
        if top + needed > bottom and pages[-1]:
            pages.append([])
            top = MARGIN
        pages[-1].append((block, top))
        top += block.height
    return pages


def patient_name(patient: Patient) -> str:
    return patient.display_name or patient.user.username


def visit_summary_pages(patient: Patient, *, now: datetime | None = None) -> list[Figure]:
    """The summary's pages as figures: printed to PDF, or drawn as PNG to look at."""
    state = ladder_state(patient)  # never a ladder older than the diary printed beside it
    analysis = cached_analysis(patient)
    flags = active_flags_with_acknowledgement(state)
    pages = paginate(summary_blocks(patient, analysis, flags, now or timezone.now()))
    figures = []
    for number, page in enumerate(pages, start=1):
        fig = Figure(figsize=A4, facecolor="white")
        for block, top in page:
            block.draw(fig, top)
        # On every page, in bold: the summary informs, the clinician decides.
        _text(fig, MARGIN, A4[1] - MARGIN - 0.1, DECISION_SUPPORT, size=9, weight="bold")
        _text(fig, MARGIN + 3.3, A4[1] - MARGIN - 0.08,
              f"StimDiary visit summary: {patient_name(patient)} · page {number} of "
              f"{len(pages)}", size=8, colour="#444444")
        figures.append(fig)
    return figures


def visit_summary_pdf(patient: Patient, *, now: datetime | None = None) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Title": f"Visit summary: {patient_name(patient)}", "CreationDate": None}
    with PdfPages(buffer, metadata=metadata) as pdf:
        for fig in visit_summary_pages(patient, now=now):
            pdf.savefig(fig, facecolor="white")
    return buffer.getvalue()
