"""The visit summary: one A4 page a clinician reads in thirty seconds, the answer first.

matplotlib's PDF backend, no extra dependency: text is laid out top to bottom in inches, the
timeline reuses the chart's draw function on a sub-figure. A second page is added only when
the history does not fit (many flags, changes or medicines): a block never splits a table row
or a flag, and a block that does not fit starts the next page.

In the reader's language: the words through gettext, dates and numbers through
insights.charts.text; in a right-to-left language every line is mirrored (set from the right
margin, right-aligned), tables' columns too, while the timeline keeps time running left to
right as charts do.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import matplotlib
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from diary.models import MEDICATION_CATEGORY_CHOICES, Patient
from diary.words import day, day_time, number
from insights import charts
from insights.analysis import Analysis, adherence_between, first_night_under
from insights.association import association_sentences
from insights.burden import Burden
from insights.charts.text import right_to_left
from insights.data import cached_analysis
from insights.evidence import SOURCES_PENDING_REVIEW, rule_source_in_words
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

# The text's share of its usual size: a summary that would spill onto a second page by a little
# (German runs about 30% longer than English) is set a little smaller to stay on one; beyond
# the smallest, the history itself needs the second page. A context variable, so that two
# summaries printed at once in two threads never share it.
TEXT_SCALES = (1.0, 0.95, 0.9, 0.85)
_text_scale: ContextVar[float] = ContextVar("visit_summary_text_scale", default=1.0)


# DejaVu Sans: a capital's height is 0.73 em; the accents above it reach about 0.93 em.
ASCENT = 0.76


def _line_height(size: float) -> float:
    # Arabic's marks above and below the letters need more room between lines.
    return size * (1.4 if right_to_left() else 1.3) / 72


def _wrap(text: str, width_in: float, size: float, minimum: int = 12) -> list[str]:
    # DejaVu Sans averages under 0.54 em a character: lines that fit, with a little to spare.
    chars = max(int(width_in / (0.54 * size / 72)), minimum)
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
    size *= _text_scale.get()
    lines = _wrap(text, WIDTH - indent, size)
    step = _line_height(size)

    def draw(fig: Figure, top: float) -> None:
        for k, line in enumerate(lines):
            _text(fig, MARGIN + indent, top + k * step, line, size=size, weight=weight,
                  colour=colour)

    return Block(len(lines) * step + after, draw)


def _text(fig: Figure, x_in: float, y_in: float, text: str, *, size: float = BODY_PT,
          weight: str = "normal", colour: str = "#111111") -> None:
    """A line whose start is `x_in` from the left margin's edge, or from the right one in a
    right-to-left language."""
    rtl = right_to_left()
    x = (A4[0] - x_in if rtl else x_in) / A4[0]
    # On a baseline one ascent below `y_in`, not by the top of each line's own ink: a line
    # with a tall mark (Arabic's hamza and damma, "أُ") would otherwise sit lower than its
    # neighbours and run into the next line.
    baseline = y_in + ASCENT * size / 72
    fig.text(x, 1 - baseline / A4[1], text, fontsize=size, fontweight=weight, color=colour,
             va="baseline", ha="right" if rtl else "left")


def _heading(text: str) -> Block:
    block = _paragraph(text, size=10.5, weight="bold", after=0.05)
    block.keep_with_next = True
    return block


def _gap(inches: float) -> Block:
    return Block(inches, lambda fig, top: None)


def _fitted_widths(columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[str]],
                   size: float) -> list[float]:
    """The columns' widths, each narrower column widened to hold its longest word (heading or
    cell) whole, taken from the widest column, which keeps at least half its width: German's
    "Schweregrad" and French's "amélioration" are not broken where the English words fit."""
    widths = [w for _, w in columns]
    widest = widths.index(max(widths))
    spare = widths[widest] / 2
    em = size / 72
    for k, (heading, _width) in enumerate(columns):
        if k == widest:
            continue
        # A character is under 0.54 em on average (as _wrap counts), a bold heading's 0.62; a
        # heading's lines as its translator broke them ("Noches con\ndespertar") stay whole.
        cells = max((len(w) for row in rows for w in str(row[k]).split()), default=0) * 0.54
        bold = max((len(line) for line in str(heading).split("\n")), default=0) * 0.62
        grow = min(max(0.0, max(cells, bold) * em + 0.09 - widths[k]), spare)
        widths[k] += grow
        widths[widest] -= grow
        spare -= grow
    return widths


def _table(columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[str]],
           size: float = SMALL_PT) -> list[Block]:
    """A header block and one block per row; each cell wraps within its column."""
    size *= _text_scale.get()
    step = _line_height(size)
    widths = _fitted_widths(columns, rows, size)
    lefts = [MARGIN + sum(widths[:k]) for k in range(len(widths))]

    def row_block(cells: Sequence[str], weight: str, minimum: int = 12) -> Block:
        # A cell's own line breaks are kept (a before/after pair), each part wrapped to fit.
        wrapped = [
            [
                line for part in str(c).split("\n")
                for line in _wrap(part, w - 0.08, size, minimum)
            ]
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

    # A heading's long word (German's "Schlafstörung") is broken within its narrow column
    # rather than written over the next one.
    header = row_block([name for name, _ in columns], "bold", minimum=4)
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
        return "—" if value is None else number(value, f".{digits}f")

    sleep = one(burden.mean_sleep_disturbance, 1)
    if burden.disturbance_nights:
        sleep += f" ({burden.disturbance_nights})"
    return [
        one(burden.cramps_per_night, 2), one(burden.mean_minutes, 1),
        one(burden.mean_worst_severity, 1), sleep,
        # Translators: a table cell: nights the patient was woken by cramps, of nights logged.
        _("%(woken)s of %(nights)s") % {"woken": burden.woken_nights, "nights": burden.nights}
        if burden.nights else "—",
    ]


def _d(value: date | None) -> str:
    return day(value) if value else "—"


def _when(moment: datetime) -> str:
    return day_time(moment)


def summary_blocks(patient: Patient, analysis: Analysis, flags: Sequence[Any],
                   printed_at: datetime) -> list[Block]:
    """The page's content, the answer first: who and what period, the ladder and its
    evidence, then the timeline, the changes, the medicines."""
    # Named as the patient page names them: the display name, else the username, then the
    # identifiers and the zone every time is in.
    user = patient.user
    zone = ZoneInfo(patient.timezone)
    who = [
        # Translators: the patient's login name, printed under their display name.
        _("Username %(username)s") % {"username": user.username} if patient.display_name
        else "",
        # Translators: the clinic's record number of the patient.
        _("Record %(number)s") % {"number": patient.record_number} if patient.record_number
        else "",
        # Translators: when the summary was printed, a date and time.
        _("printed %(when)s") % {"when": _when(printed_at.astimezone(zone))},
        # Translators: zone is a time zone name ("Europe/London"); every time on the page is
        # on the patient's clock.
        _("times in %(zone)s, the patient's clock") % {"zone": patient.timezone},
    ]
    blocks = [
        _paragraph(_("Visit summary: %(name)s") % {"name": patient_name(patient)}, size=13,
                   weight="bold", after=0.02),
        _paragraph(" · ".join(w for w in who if w), size=SMALL_PT),
    ]
    device = current_device(patient)
    if device is not None:
        # Translators: therapy is the kind of stimulator ("Sacral neuromodulation"), phase
        # its stage ("permanent implant"), lead where its lead is placed.
        blocks.append(_paragraph(_(
            "Device: %(therapy)s, %(phase)s, implanted %(implanted)s, lead %(lead)s."
        ) % {
            "therapy": device.get_therapy_display(),
            "phase": device.get_phase_display().lower(),
            "implanted": _d(device.implanted_on),
            # Translators: where the lead sits was not recorded.
            "lead": device.lead_site or _("not recorded"),
        }))
    first, last = charts.timeline_window(analysis, charts.TIMELINE_NIGHTS)
    coverage = adherence_between([a.night for a in analysis.nights], first, last)
    period = {
        "first": _d(first), "last": _d(last), "coverage": coverage.describe(),
        "recent": analysis.adherence_14.describe(),
    }
    if analysis.nights:
        # Translators: coverage and recent say how many nights were logged ("60 of 90
        # nights (67%)").
        text = _(
            "Period: the nights of %(first)s to %(last)s; diary since %(since)s. Data "
            "coverage: %(coverage)s; last 14 nights: %(recent)s. Unlogged nights are missing, "
            "never counted as cramp-free."
        ) % {**period, "since": _d(analysis.nights[0].night.date)}
    else:
        # Translators: coverage and recent say how many nights were logged ("60 of 90
        # nights (67%)").
        text = _(
            "Period: the nights of %(first)s to %(last)s. Data coverage: %(coverage)s; last "
            "14 nights: %(recent)s. Unlogged nights are missing, never counted as cramp-free."
        ) % period
    blocks.append(_paragraph(text))
    current = analysis.changes[-1] if analysis.changes else None
    if current is not None:
        # Translators: settings are the stimulator's ("2 mA · 210 µs · 14 Hz").
        blocks.append(_paragraph(_(
            "Current settings: %(settings)s (since the night of %(since)s)."
        ) % {
            "settings": current.describe(),
            "since": _d(first_night_under(current, analysis.timezone)),
        }, weight="bold"))
    else:
        blocks.append(_paragraph(_("Current settings: none recorded."), weight="bold"))
    if analysis.outcome is not None:
        # One line: the page must stay one page for a typical diary.
        blocks.append(_paragraph(short_sentence(analysis.outcome)))
    blocks.append(_gap(0.05))

    steps = [f.step for f in flags if f.step is not None]
    step = max(steps) if steps else None
    if step is not None:
        # Translators: a heading: the highest step of the management ladder a flag is on,
        # and that step's name.
        heading = _("Management ladder: step %(step)s: %(name)s") % {
            "step": step, "name": STEP_NAMES.get(step, ""),
        }
    else:
        heading = _("Management ladder: no flag: nothing in the diary calls for a step")
    blocks.append(_heading(heading))
    if flags:
        blocks.append(_paragraph(str(SOURCES_PENDING_REVIEW), size=SMALL_PT, colour="#444444"))
    for flag in flags:
        # The flag in the reader's language (insights.summary.flag_words, through
        # active_flags_with_acknowledgement).
        values = {"title": flag.shown_title, "step": flag.step, "since": _d(flag.since)}
        if flag.step is None:
            # Translators: a flag that is for information, on no step of the ladder, and the
            # date its condition has held since.
            line = _("%(title)s (information, holds since %(since)s)") % values
        else:
            # Translators: a flag, its step of the management ladder, and the date its
            # condition has held since.
            line = _("%(title)s (step %(step)s, holds since %(since)s)") % values
        blocks.append(_paragraph(f"• {line}", weight="bold"))
        for line in flag.evidence_words:
            blocks.append(_paragraph(line, size=SMALL_PT, indent=0.2, after=0))
        if flag.ack_at:
            values = {
                # Translators: who acknowledged a flag, when their account no longer exists.
                "who": flag.ack_by or _("a former user"),
                "when": _when(flag.ack_at.astimezone(zone)), "note": flag.ack_note,
            }
            if flag.ack_note:
                # Translators: who acknowledged the flag, when, and the note they wrote.
                acknowledged = _("Acknowledged by %(who)s on %(when)s: “%(note)s”.") % values
            else:
                acknowledged = _("Acknowledged by %(who)s on %(when)s.") % values
            if flag.is_alerting:
                acknowledged += " " + _("New evidence since.")
        else:
            acknowledged = _("Not acknowledged yet.")
        blocks.append(_paragraph(acknowledged, size=SMALL_PT, indent=0.2, after=0))
        for line in rule_source_in_words(flag.code)[:1]:  # the page gives the rest
            blocks.append(_paragraph(line, size=SMALL_PT, indent=0.2, colour="#444444",
                                     after=0))
        blocks.append(_gap(0.04))
    blocks += _last_visit(patient, zone)
    blocks.append(_heading(_("Before and after each settings change")))
    blocks.append(_paragraph(_(
        "Up to 14 logged nights a side (7 after to judge). The reading uses the share of cramp "
        "nights; the burden is shown, not judged."
    ), size=SMALL_PT))
    rows = [
        [
            _change_cell(c),
            # Translators: a table cell's two lines: cramp nights of the nights logged before
            # a settings change, then after it.
            _("before %(cramp_nights)s of %(nights)s") % {
                "cramp_nights": c.before_cramp_nights, "nights": c.before_nights,
            } + "\n" + _("after %(cramp_nights)s of %(nights)s") % {
                "cramp_nights": c.after_cramp_nights, "nights": c.after_nights,
            },
            *(f"{b}\n{a}" for b, a in zip(
                _burden_cells(c.before_burden), _burden_cells(c.after_burden), strict=True
            )),
            str(c.verdict_label),
        ]
        for c in reversed(analysis.comparisons)
    ]
    if rows:
        blocks += _table(
            # Translators: the before/after table's column headings, each on up to two short
            # lines; "Reading" is the verdict on the change (better, worse, too early).
            [(_("First night: change"), WIDTH - 4.6), (_("Cramp nights"), 1.0),
             # Translators: column headings of a narrow column, on two short lines.
             (_("Cramps\na night"), 0.55), (_("Minutes\na night"), 0.55),
             (_("Worst\nseverity"), 0.55), (_("Sleep\ndisturbance"), 0.75),
             (_("Nights\nwoken"), 0.5), (_("Reading"), 0.7)],
            rows,
        )
        if any(c.made_because_of_cramps for c in analysis.comparisons):
            blocks.append(_paragraph(_(
                "Made because of cramps: cramps were active before the change; the nights "
                "after it are its test, and cramps at their worst often ease whatever is done "
                "(regression to the mean)."
            ), size=SMALL_PT, after=0.02))
    else:
        blocks.append(_paragraph(_("No settings change yet."), size=SMALL_PT))
    blocks.append(_gap(0.05))

    medications = sorted(analysis.medications, key=lambda m: m.started_on, reverse=True)
    if medications:
        blocks.append(_heading(_("Medicines")))
        blocks += _table(
            # Translators: the medicines table's column headings.
            [(_("Medicine"), 2.4), (_("Kind"), 1.6), (_("Started"), 1.2),
             (_("Stopped"), WIDTH - 5.2)],
            [
                [m.name, str(CATEGORIES.get(m.category, m.category)), _d(m.started_on),
                 _d(m.stopped_on) if m.stopped_on else _("still taking")]
                for m in medications
            ],
        )
    else:
        blocks.append(_paragraph(_("Medicines: none recorded."), size=10.5, weight="bold"))
    blocks.append(_gap(0.05))
    blocks.append(_heading(_("Timeline: the last 90 nights")))
    blocks.append(_timeline(analysis))
    blocks.append(_heading(_(
        "What the diary can say about each setting (each settings period counts once)"
    )))
    # The same sentences as the page and `analyze --json`, each with its caution.
    for sentence in association_sentences(analysis):
        blocks.append(_paragraph(sentence, size=SMALL_PT, after=0.01))
    blocks.append(_epoch_charts(analysis))
    return blocks


def _change_cell(c: Any) -> str:  # noqa: ANN401 - an insights.analysis Comparison
    values = {"date": _d(c.first_night), "change": c.describe_change()}
    if c.made_because_of_cramps:
        # Translators: a table cell: the first night under a settings change, and the change.
        return _("%(date)s: %(change)s (made because of cramps)") % values
    # Translators: a table cell: the first night under a settings change, and the change.
    return _("%(date)s: %(change)s") % values


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
            f"{number(float(row.amplitude))} {row.amplitude_unit}" if row.amplitude is not None
            else "",
            f"{row.pulse_width_us} µs" if row.pulse_width_us else "",
            f"{number(float(row.frequency_hz))} Hz" if row.frequency_hz is not None else "",
        ]
        return " · ".join(p for p in parts if p) or "—"

    def threshold(value: Any, unit: str) -> str:  # noqa: ANN401 - a Decimal or None
        return f"{number(float(value))} {unit}" if value is not None else "—"

    rows = [
        [
            # Translators: after an electrode configuration: the lead was left in place.
            row.electrodes + (" " + _("(left in place)") if row.left_in_place else ""),
            programme(row),
            threshold(row.sensory_threshold, row.amplitude_unit),
            threshold(row.motor_threshold, row.amplitude_unit),
            row.felt_at or "—",
            ", ".join(response_labels(therapy, row.responses)) or "—",
        ]
        for row in visit.configurations.all()
    ]
    # Translators: a column heading: for a sacral stimulator, the muscle response seen at
    # programming; for a spinal one, the areas of the body its paraesthesia covers.
    what = _("Motor response") if therapy == "sacral" else _("Areas covered")
    return [
        _heading(_("Last programming visit: %(when)s") % {
            "when": _when(visit.visited_at.astimezone(zone)),
        }),
        *_table(
            # Translators: the programming visit table's column headings: the electrodes, the
            # programme (amplitude, pulse width, frequency), the sensory and motor thresholds
            # and where the patient felt the stimulation.
            [(_("Electrodes"), 1.3), (_("Programme"), 1.6),
             (pgettext("threshold", "Sensory"), 0.75), (pgettext("threshold", "Motor"), 0.75),
             (_("Felt where"), 1.35), (what, WIDTH - 5.75)],
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


def _fitted_pages(patient: Patient, analysis: Analysis, flags: Sequence[Any],
                  printed_at: datetime) -> list[Page]:
    """The pages at the largest text size that keeps the summary on one page, else at the
    usual size over as many pages as the history needs."""
    for scale in TEXT_SCALES:
        token = _text_scale.set(scale)
        try:
            pages = paginate(summary_blocks(patient, analysis, flags, printed_at))
        finally:
            _text_scale.reset(token)
        if len(pages) == 1:
            return pages
        if scale == TEXT_SCALES[0]:
            usual = pages
    return usual


def visit_summary_pages(patient: Patient, *, now: datetime | None = None) -> list[Figure]:
    """The summary's pages as figures: printed to PDF, or drawn as PNG to look at."""
    state = ladder_state(patient)  # never a ladder older than the diary printed beside it
    analysis = cached_analysis(patient)
    flags = active_flags_with_acknowledgement(state)
    pages = _fitted_pages(patient, analysis, flags, now or timezone.now())
    figures = []
    for page_number, page in enumerate(pages, start=1):
        fig = Figure(figsize=A4, facecolor="white")
        for block, top in page:
            block.draw(fig, top)
        # On every page, in bold: the summary informs, the clinician decides.
        decision = _(DECISION_SUPPORT)
        _text(fig, MARGIN, A4[1] - MARGIN - 0.1, decision, size=9, weight="bold")
        # Beside it, or under it where the words run longer than in English.
        beside = len(decision) * 0.56 * 9 / 72 < 3.2
        footer = _("StimDiary visit summary: %(name)s · page %(page)s of %(pages)s") % {
            "name": patient_name(patient), "page": page_number, "pages": len(pages),
        }
        _text(fig, MARGIN + 3.3 if beside else MARGIN,
              A4[1] - MARGIN - (0.08 if beside else -0.08), footer, size=8, colour="#444444")
        figures.append(fig)
    return figures


def visit_summary_pdf(patient: Patient, *, now: datetime | None = None) -> bytes:
    buffer = io.BytesIO()
    metadata = {
        "Title": _("Visit summary: %(name)s") % {"name": patient_name(patient)},
        "CreationDate": None,
    }
    with PdfPages(buffer, metadata=metadata) as pdf:
        for fig in visit_summary_pages(patient, now=now):
            pdf.savefig(fig, facecolor="white")
    return buffer.getvalue()
