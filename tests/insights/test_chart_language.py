"""The charts in the reader's language: Arabic drawn shaped and right to left by matplotlib
itself, month names and decimal separators of the active language, and a cache that never
serves one language's chart to another's reader."""

from __future__ import annotations

from datetime import date

import matplotlib.dates as mdates
import numpy as np
from django.core.cache import cache
from django.utils import translation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from diary.models import Patient
from diary.words import day, number
from insights import charts
from insights.analysis import analyse
from insights.charts.text import LocalDateFormatter, right_to_left
from insights.views import chart_cache_key, render_chart
from tests.insights.builders import day as diary_day
from tests.insights.builders import night, patient, settings


def pixels(text: str) -> np.ndarray:
    fig = Figure(figsize=(4, 1))
    FigureCanvasAgg(fig)
    fig.text(0.02, 0.3, text, fontsize=20)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[:, :, 0] < 128


def ink_width(image: np.ndarray) -> int:
    columns = np.flatnonzero(image.any(axis=0))
    return int(columns.max()) + 1


def test_arabic_words_are_drawn_right_to_left() -> None:
    # "one three": read from the right, so "three" is drawn at the left.
    both, three = pixels("واحد ثلاثة"), pixels("ثلاثة")
    width = ink_width(three)
    assert (both[:, :width] == three[:, :width]).all()


def test_arabic_letters_are_joined() -> None:
    # The same two letters with a zero-width non-joiner between them take their isolated
    # forms; joined, they are drawn differently. Without shaping both would look the same.
    assert not np.array_equal(pixels("بب"), pixels("ب\u200cب"))


def test_only_arabic_reads_right_to_left() -> None:
    with translation.override("en"):
        assert not right_to_left()
    with translation.override("ar"):
        assert right_to_left()


def test_numbers_and_dates_follow_the_language() -> None:
    with translation.override("en"):
        assert (number(1.5), number(2.0), number(0.25, ".1f")) == ("1.5", "2", "0.2")
        assert day(date(2026, 12, 6)) == "6 Dec 2026"
    with translation.override("de"):
        assert number(1.5) == "1,5"
        assert day(date(2026, 12, 6)) == "6. Dez 2026"
    # Each language writes a date its own way (the catalogues' "date format" entries).
    with translation.override("fr"):
        assert day(date(2026, 6, 6)) == "6 juin 2026"
    with translation.override("es"):
        assert day(date(2026, 12, 6)) == "6 dic 2026"


def ticks(formatter: mdates.DateFormatter, first: date, last: date) -> list[str]:
    values = mdates.date2num(
        [np.datetime64(d, "D") for d in (first, date(2026, 1, 1), date(2026, 1, 15), last)]
    )
    return formatter.format_ticks(values)


def test_date_ticks_read_in_english_as_matplotlib_wrote_them() -> None:
    locator = mdates.AutoDateLocator()
    concise = mdates.ConciseDateFormatter(locator)
    local = LocalDateFormatter(locator)
    with translation.override("en"):
        for first, last in ((date(2025, 12, 1), date(2026, 2, 1)),
                            (date(2025, 11, 20), date(2026, 1, 30))):
            assert ticks(local, first, last) == ticks(concise, first, last)
            assert local.get_offset() == concise.get_offset()


def test_date_ticks_name_the_months_in_the_readers_language() -> None:
    local = LocalDateFormatter(mdates.AutoDateLocator(), formats=("Y", "M Y", "j M"),
                               zero_formats=("", "Y", "M Y"), show_offset=False)
    with translation.override("de"):
        labels = ticks(local, date(2025, 12, 1), date(2026, 2, 1))
    assert "Dez 2025" in labels and "Jan 2026" in labels and "15. Jan" in labels


def test_the_chart_cache_key_names_the_language(alice: Patient) -> None:
    with translation.override("en"):
        english = chart_cache_key(alice, "timeline", "svg")
    with translation.override("de"):
        german = chart_cache_key(alice, "timeline", "svg")
    with translation.override("ar"):
        arabic = chart_cache_key(alice, "timeline", "svg")
    assert len({english, german, arabic}) == 3


def test_a_german_reader_never_gets_the_english_chart_from_the_cache(alice: Patient) -> None:
    cache.clear()
    with translation.override("en"):
        english = render_chart(alice, "timeline", "svg")
    with translation.override("de"):
        german = render_chart(alice, "timeline", "svg")
    assert english != german
    with translation.override("en"):
        assert render_chart(alice, "timeline", "svg") == english


def test_a_chart_draws_in_arabic() -> None:
    analysis = analyse(patient(
        [night(diary_day(i), i % 3) for i in range(40)],
        [settings(diary_day(-1), amplitude=2.0), settings(diary_day(20), amplitude=1.5)],
    ))
    with translation.override("ar"):
        for draw, alt, _title in charts.CHARTS.values():
            assert draw(analysis, "png").startswith(b"\x89PNG")
            assert alt(analysis)
