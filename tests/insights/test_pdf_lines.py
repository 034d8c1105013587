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
