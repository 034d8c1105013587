"""A visit summary a little too long for one page (German runs about 30% longer than English)
is set a little smaller to stay on one; a long history keeps the usual size over two pages."""

from __future__ import annotations

import pytest

from insights import pdf


def summary_of(lines: int, monkeypatch: pytest.MonkeyPatch) -> list[pdf.Page]:
    monkeypatch.setattr(
        pdf, "summary_blocks", lambda *args: [pdf._paragraph("a line") for _ in range(lines)]
    )
    return pdf._fitted_pages(None, None, [], None)


def test_a_summary_a_little_too_long_is_set_smaller_on_one_page(monkeypatch) -> None:
    usual = pdf.paginate([pdf._paragraph("a line") for _ in range(65)])
    assert len(usual) == 2
    pages = summary_of(65, monkeypatch)
    assert len(pages) == 1
    assert pages[0][-1][0].height < usual[0][-1][0].height


def test_a_long_history_keeps_the_usual_size_over_two_pages(monkeypatch) -> None:
    pages = summary_of(120, monkeypatch)
    assert len(pages) == 2
    assert pages[0][0][0].height == pdf._paragraph("a line").height
