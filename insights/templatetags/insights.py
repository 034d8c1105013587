from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from diary.models import Patient
from insights import charts
from insights.summary import ladder_state

register = template.Library()


@register.inclusion_tag("insights/_home_panel_body.html", takes_context=True)
def my_last_30_nights(context: template.Context, patient: Patient) -> dict[str, Any]:
    """The patient's own chart and, while cramps are active, the safe self-help the source
    gives: never a diagnosis. The chart follows the colour mode: dark when the server picks
    the night theme (diary.context_processors.colour_mode) or the phone asks for dark."""
    from insights.views import last_30_counts

    nights = last_30_counts(patient)
    return {
        "alt": charts.last_30_alt(nights),
        "svg": reverse("insights:my-last-30-nights", args=["svg"]),
        "png": reverse("insights:my-last-30-nights", args=["png"]),
        "svg_dark": reverse("insights:my-last-30-nights", args=["svg"]) + "?mode=dark",
        "night": context.get("colour_mode") == "dark",
        "active_cramps": ladder_state(patient).active_cramps,
    }
