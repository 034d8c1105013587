"""The visit summary's lines never run into each other: each sits on a baseline one step below
the last, whatever marks its letters carry (Arabic's hamza and damma above, "أُ", made a line
sit lower than its neighbours when lines hung from the top of their own ink, and its letters
ran into the next line's)."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from insights import pdf

# Lines as the before/after table and its note wrap them, with and without tall marks.
ARABIC = ["2 نوفمبر 2026: سعة التحفيز (أُجري بسبب", "التشنّجات)", "أُجري بسبب التشنّجات",
          "الإجراء المتّخذ (الانحدار نحو المتوسط)", "ليالي الصحو", "إِ أُ"]
LATIN = ["Érythème Åland", "night gyp", "Ängste ÉÈ", "plain text", "Über", "jpqy"]


def ink(language: str, line: int, lines: list[str]) -> np.ndarray:
    """Where line `line` of the paragraph puts ink, drawn alone on the page."""
    with translation.override(language):
        fig = Figure(figsize=pdf.A4, dpi=150)
        step = pdf._line_height(pdf.SMALL_PT)
        pdf._text(fig, pdf.MARGIN, 1 + line * step, lines[line], size=pdf.SMALL_PT)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., :3].min(axis=2) < 200


@pytest.mark.parametrize(("language", "lines"), [("ar", ARABIC), ("fr", LATIN), ("en", LATIN)])
def test_consecutive_lines_never_touch(language: str, lines: list[str]) -> None:
    drawn = [ink(language, k, lines) for k in range(len(lines))]
    assert all(mask.any() for mask in drawn)
    for k in range(len(lines) - 1):
        touching = int((drawn[k] & drawn[k + 1]).sum())
        assert touching == 0, f"{language}: line {k + 1} touches line {k + 2} in {touching} px"


def test_a_table_widens_a_narrow_column_so_no_word_is_broken() -> None:
    # The before/after table's columns (as in insights.pdf) with German headings and French
    # and German verdicts: each narrow column takes room from the widest for its longest word.
    columns = [("Erste Nacht: Änderung", pdf.WIDTH - 4.6), ("Krampfnächte", 1.0),
               ("Krämpfe\npro Nacht", 0.55), ("Höchster\nSchweregrad", 0.55),
               ("Schlaf-\nstörung", 0.75), ("Nächte mit\nAufwachen", 0.5), ("Bewertung", 0.7)]
    rows = [["17. Nov 2026: Impulsbreite 210 → 180 µs", "vorher 10 von 14", "1,21", "6,5", "—",
             "9 von 14", "Pas d'amélioration"]]
    widths = pdf._fitted_widths(columns, rows, pdf.SMALL_PT)
    assert sum(widths) == pytest.approx(sum(width for _name, width in columns))
    assert widths[0] >= (pdf.WIDTH - 4.6) / 2
    for k, (heading, _width) in enumerate(columns):
        for text in (heading, rows[0][k]):
            for part in text.split("\n"):
                lines = pdf._wrap(part, widths[k] - 0.08, pdf.SMALL_PT, 4)
                assert " ".join(lines).split() == part.split(), (heading, lines)
