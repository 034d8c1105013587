"""Words, numbers and dates on the charts and the visit summary in the reader's language.

Right-to-left text needs nothing here: matplotlib 3.11 lays text out with libraqm, which
shapes Arabic (joined letters) and orders mixed runs by the Unicode bidi algorithm, on every
backend (PNG, PDF; SVG keeps the logical text for the browser to lay out). Reshaping it again
(arabic-reshaper, python-bidi) would reverse it twice; tests/insights/test_chart_language.py
checks the shaping, so a matplotlib built without libraqm fails there rather than on a page.
What the charts do need: month names and decimal separators of the active language, where
matplotlib's strftime and Python's format() follow the C locale.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
from django.utils import translation

from diary.words import day


def right_to_left() -> bool:
    return translation.get_language_bidi()


class LocalDateFormatter(mdates.ConciseDateFormatter):
    """matplotlib's ConciseDateFormatter (a part of the date only where it changes over the
    ticks) with its formats in Django's date syntax, so month names follow the active
    language. Ticks finer than a day (a short axis) are hours: the parent formats them."""

    def __init__(self, locator: mdates.DateLocator, formats: Sequence[str] = ("Y", "M", "d"),
                 zero_formats: Sequence[str] = ("", "Y", "M"),
                 offset_formats: Sequence[str] = ("", "Y", "Y-M"), *,
                 show_offset: bool = True) -> None:
        super().__init__(locator, show_offset=show_offset)
        self.day_formats = list(formats)
        self.day_zero_formats = list(zero_formats)
        self.day_offset_formats = list(offset_formats)

    def format_ticks(self, values):  # noqa: ANN001, ANN201 - matplotlib's signature
        if not len(values):
            return []
        ticks = [mdates.num2date(value, tz=self._tz) for value in values]
        parts = np.array([t.timetuple()[:6] for t in ticks])
        level = next((k for k in range(5, -1, -1) if len(np.unique(parts[:, k])) > 1), 5)
        if level > 2:
            return super().format_ticks(values)
        show_offset = self.show_offset
        if level < 2 and np.any(np.unique(parts[:, level]) == 1):
            show_offset = False  # the year is in the ticks
        labels = []
        for k, tick in enumerate(ticks):
            zero = parts[k][level] == (0, 1, 1)[level]  # a year's or a month's first tick
            fmt = self.day_zero_formats[level] if zero else self.day_formats[level]
            labels.append(day(tick, fmt) if fmt else "")
        self._offset_string = (
            day(ticks[-1], self.day_offset_formats[level])
            if show_offset and self.day_offset_formats[level] else ""
        )
        return labels
