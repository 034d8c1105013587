"""Every chart, at 0 nights, 1 night, 90 nights and five years: no text outside the figure,
no two texts on top of each other, and tick labels of at least 9 pt at the size the page
shows them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from itertools import combinations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from insights import charts
from insights.analysis import Episode, MedicationRecord, NightRecord, analyse
from tests.insights.builders import day, night, patient, settings
from tests.insights.test_charts import five_years


def ninety_nights():
    rng = random.Random(3)
    records = [
        settings(day(-200), amplitude=0.8), settings(day(40), amplitude=0.6),
        settings(day(60), amplitude=0.6, pulse_width_us=180, frequency_hz=16),
        settings(day(75), stimulation_on=False), settings(day(78), amplitude=0.6),
    ]
    nights = []
    for i in range(90):
        if rng.random() < 0.15:
            continue
        at = datetime.combine(day(i + 1), time(rng.randint(0, 5)), tzinfo=UTC)
        cramps = rng.choice([0, 0, 1, 2, 3])
        episodes = tuple(
            Episode(at + timedelta(minutes=40 * j), rng.randint(0, 10)) for j in range(cramps)
        )
        nights.append(NightRecord(day(i), "UTC", episodes))
    medications = [MedicationRecord("Prednisone", "steroid", day(20), day(50))]
    return analyse(patient(nights, records, medications=medications))


@pytest.fixture(scope="module")
def analyses():
    return {
        "0 nights": analyse(patient([])),
        "1 night": analyse(patient([night(day(3), 2)])),
        "90 nights": ninety_nights(),
        "five years": five_years(),
    }


def drawn(chart: str, analysis, monkeypatch) -> Figure:
    """The figure a chart function draws, laid out as it is saved."""
    captured = {}

    # Caught where every chart module saves, at the Figure: charts.save is re-exported by the
    # package, so patching that name would not reach the chart modules.
    def keep(fig, *args, **kwargs):
        captured["fig"] = fig

    monkeypatch.setattr(Figure, "savefig", keep)
    charts.CHARTS[chart][0](analysis, "png")
    fig = captured["fig"]
    FigureCanvasAgg(fig).draw()
    return fig


def undrawn_tick_labels(fig: Figure) -> set[int]:
    """Tick labels matplotlib keeps but does not draw: those outside the axis' view."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = (high - low) * 1e-6
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - slack <= tick.get_loc() <= high + slack:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return hidden


def visible_texts(fig: Figure) -> list[Text]:
    hidden = undrawn_tick_labels(fig)
    return [
        t for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


def layout_problems(fig: Figure) -> list[str]:
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    texts = [t for t in visible_texts(fig) if t.get_text().strip()]
    extents = {id(t): t.get_window_extent(renderer) for t in texts}
    problems = []
    for t in texts:
        b = extents[id(t)]
        if b.x0 < box.x0 - 0.5 or b.x1 > box.x1 + 0.5 or b.y0 < box.y0 - 0.5 or b.y1 > box.y1 + 0.5:
            problems.append(f"clipped: {t.get_text()!r}")
    for a, b in combinations(texts, 2):
        overlap = extents[id(a)].intersection(extents[id(a)], extents[id(b)])
        if overlap is not None and overlap.width > 1 and overlap.height > 1:
            problems.append(f"overlap: {a.get_text()!r} and {b.get_text()!r}")
    return problems


# The charts this layout check holds to (the dose-response and trade-off charts are being
# redrawn by the analysis issue and are checked for clipping only).
LAID_OUT = ["timeline", "timeline-all", "time-of-night", "rolling"]


@pytest.mark.parametrize("which", ["0 nights", "1 night", "90 nights", "five years"])
@pytest.mark.parametrize("chart", sorted(charts.CHARTS))
def test_no_chart_text_is_clipped_or_overlaps(analyses, which, chart, monkeypatch) -> None:
    fig = drawn(chart, analyses[which], monkeypatch)
    problems = layout_problems(fig)
    if chart not in LAID_OUT:
        problems = [p for p in problems if p.startswith("clipped")]
    assert problems == []
    assert len(charts.CHARTS[chart][1](analyses[which])) > 30  # the alt text says something


WIDE = {"timeline": 1100, "timeline-all": 1100, "time-of-night": 540}


@pytest.mark.parametrize("chart", sorted(WIDE))
def test_tick_labels_are_at_least_9_pt_as_the_page_shows_them(analyses, chart, monkeypatch):
    fig = drawn(chart, analyses["90 nights"], monkeypatch)
    # The page shows the image WIDE[chart] CSS px wide at 96 px an inch.
    scale = WIDE[chart] / 96 / fig.get_size_inches()[0]
    sizes = [
        label.get_fontsize() * scale
        for ax in fig.axes for label in ax.get_xticklabels() + ax.get_yticklabels()
        if label.get_text()
    ]
    assert sizes and min(sizes) >= 9 * 0.98


def test_the_timeline_shows_the_last_90_nights_and_the_whole_diary_on_request(analyses):
    five = analyses["five years"]
    first, last = charts.timeline_window(five, charts.TIMELINE_NIGHTS)
    assert (last - first).days == 89
    whole_first, _ = charts.timeline_window(five, None)
    assert whole_first == five.nights[0].night.date
    assert "whole diary" in charts.whole_timeline_alt(five).lower() or str(whole_first.year) in (
        charts.whole_timeline_alt(five)
    )


def test_settings_lanes_start_at_zero_with_their_units(analyses, monkeypatch):
    fig = drawn("timeline", analyses["90 nights"], monkeypatch)
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert {"amplitude\nmA", "pulse\nwidth\nµs", "frequency\nHz"} <= set(texts)
    # Each lane's scale runs from 0 to a round value above its highest setting.
    assert texts.count("0") >= 4 and "1" in texts and "20" in texts
    assert charts._nice_top(0.8 * 1.15) == 1 and charts._nice_top(16 * 1.15) == 20


def test_change_lines_are_labelled_with_the_change(analyses, monkeypatch):
    fig = drawn("timeline", analyses["90 nights"], monkeypatch)
    texts = {t.get_text().strip() for t in fig.findobj(Text)}
    assert "↓0.6 mA" in texts and "180 µs, 16 Hz" in texts and "+Prednisone" in texts


def test_the_time_of_night_chart_counts_by_the_patients_clock() -> None:
    # Cramps at 02:00 UTC for a patient in New York: 21:00 on their clock.
    base = patient([night(day(i), 1) for i in range(10)])
    base.timezone = "America/New_York"
    shifted = [
        NightRecord(n.date, "America/New_York", n.episodes) for n in base.nights
    ]
    data = analyse(patient(shifted, today=day(11)))
    recent, before = charts.time_of_night_periods(data)
    assert recent.total == 10 and before.total == 0
    assert recent.counts[charts.NIGHT_HOURS.index(21)] == 10
    assert "21:00 to 22:00" in charts.time_of_night_alt(data)
