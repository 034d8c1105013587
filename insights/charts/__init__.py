"""Charts of a patient's analysis: matplotlib's object-oriented Figure API only, never pyplot
(its global figure registry leaks memory in a server). Each chart has a `draw_*` function that
draws into a Figure or SubFigure (so the visit-summary PDF reuses them), a `*_chart` function
that returns the image bytes, and a `*_alt` function that says what it shows in words.

One module per chart or family of charts, sharing one style (style.py): the palette, the text
size, the themes and the rendering. Few artists: one collection per series, never one patch per
night, so five years render as fast as a month. Callers import from here, `insights.charts`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from insights.analysis import Analysis
from insights.charts.changes import ChangeMark
from insights.charts.changes import _short_change as _short_change
from insights.charts.lanes import LANE_NAMES, LANES, Lane
from insights.charts.lanes import _nice_top as _nice_top
from insights.charts.last_30 import NightCount, last_30_alt, last_30_chart, last_nights
from insights.charts.periods import (
    TRADEOFF_EPOCHS,
    dose_response_alt,
    dose_response_chart,
    draw_dose_response,
    draw_tradeoff,
    tradeoff_alt,
    tradeoff_chart,
)
from insights.charts.rolling import draw_rolling, rolling_alt, rolling_chart, rolling_rate
from insights.charts.style import (
    AMPLITUDE,
    CRAMP_FREE,
    CRAMPS,
    DARK_THEME,
    FORMATS,
    FREQUENCY,
    LIGHT_THEME,
    MEDICATION,
    MUTED,
    OFF,
    PNG_DPI,
    PULSE_WIDTH,
    TEXT_PT,
    Canvas,
    save,
)
from insights.charts.tables import comparison_rows, epoch_rows
from insights.charts.time_of_night import (
    NIGHT_HOURS,
    TIME_OF_NIGHT_NIGHTS,
    TIME_OF_NIGHT_SIZE,
    StartHours,
    draw_time_of_night,
    start_hours,
    time_of_night_alt,
    time_of_night_chart,
    time_of_night_periods,
)
from insights.charts.timeline import (
    SEVERITY_BANDS,
    TIMELINE_NIGHTS,
    TIMELINE_SIZE,
    Event,
    draw_timeline,
    timeline_alt,
    timeline_chart,
    timeline_window,
    whole_timeline_alt,
    whole_timeline_chart,
)

# The public names, as when the charts were one module; `_short_change` and `_nice_top` are
# imported above for the tests that reach them through the package.
__all__ = [
    "AMPLITUDE", "CHARTS", "CRAMP_FREE", "CRAMPS", "DARK_THEME", "FORMATS", "FREQUENCY",
    "LANE_NAMES", "LANES", "LIGHT_THEME", "MEDICATION", "MUTED", "NIGHT_HOURS", "OFF",
    "PNG_DPI", "PULSE_WIDTH", "SEVERITY_BANDS", "TEXT_PT", "TIME_OF_NIGHT_NIGHTS",
    "TIME_OF_NIGHT_SIZE", "TIMELINE_NIGHTS", "TIMELINE_SIZE", "TRADEOFF_EPOCHS", "Canvas",
    "ChangeMark", "Event", "Lane", "NightCount", "StartHours", "comparison_rows",
    "dose_response_alt", "dose_response_chart", "draw_dose_response", "draw_rolling",
    "draw_time_of_night", "draw_timeline", "draw_tradeoff", "epoch_rows", "last_30_alt",
    "last_30_chart", "last_nights", "rolling_alt", "rolling_chart", "rolling_rate", "save",
    "start_hours", "time_of_night_alt", "time_of_night_chart", "time_of_night_periods",
    "timeline_alt", "timeline_chart", "timeline_window", "tradeoff_alt", "tradeoff_chart",
    "whole_timeline_alt", "whole_timeline_chart",
]

CHARTS: dict[str, tuple[Callable[..., bytes], Callable[[Analysis], str], str]] = {
    "timeline": (timeline_chart, timeline_alt, _("Timeline, last 90 nights")),
    "timeline-all": (whole_timeline_chart, whole_timeline_alt, _("Timeline, whole diary")),
    "dose-response": (dose_response_chart, dose_response_alt, _("Cramp nights by amplitude")),
    "rolling": (rolling_chart, rolling_alt, _("14-night cramp-night rate")),
    "time-of-night": (time_of_night_chart, time_of_night_alt, _("When in the night")),
    # Translators: a chart's title: fewer cramp nights against less therapy benefit.
    "tradeoff": (tradeoff_chart, tradeoff_alt, _("Trade-off")),
}
