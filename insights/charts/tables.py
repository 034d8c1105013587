"""The before/after and settings-period tables as text cells. Kept public through the split;
nothing calls them at present (the visit summary, insights.pdf, builds its own rows)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import pgettext

from diary.words import day, number
from insights.analysis import Analysis, Epoch


def comparison_rows(analysis: Analysis, limit: int = 6) -> list[list[str]]:
    """The before/after table as text cells, most recent change first (the PDF's lead)."""
    rows = []
    for c in reversed(analysis.comparisons[-limit:]):
        rows.append([
            day(c.first_night, "d M y"),
            c.describe_change(),
            # Translators: a table cell: was the change made because of cramps?
            pgettext("made because of cramps", "yes") if c.made_because_of_cramps
            else pgettext("made because of cramps", "no"),
            f"{c.before_cramp_nights}/{c.before_nights}",
            f"{c.after_cramp_nights}/{c.after_nights}",
            c.verdict_label,
        ])
    return rows


def epoch_rows(epochs: Sequence[Epoch], limit: int = 12) -> list[list[str]]:
    rows = []
    for epoch in epochs[-limit:]:
        rows.append([
            str(epoch.index + 1),
            f"{day(epoch.start, 'd M y')} – {day(epoch.end, 'd M y')}",
            epoch.settings.describe() + (" *" if epoch.made_because_of_cramps else ""),
            f"{epoch.nights_logged}/{epoch.nights_elapsed}",
            _fmt(epoch.cramps_per_logged_night, ".2f"),
            _fmt(epoch.cramp_night_rate, ".0%"),
            _fmt(epoch.mean_severity, ".1f"),
        ])
    return rows


def _fmt(value: float | None, spec: str) -> str:
    return "–" if value is None else number(value, spec)
