"""`{{ moment|wallclock }}`, `{{ moment|wallclock:zone }}`: a stored moment on a zone's wall
clock (the active zone by default), for the `date` and `time` filters after it. Unlike Django's
own conversion it cannot fail: a moment stored before the diary had bounds, so close to the
ends of the calendar that the zone cannot show it, is shown on UTC's clock."""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from diary.validators import local_moment

register = template.Library()


@register.filter(expects_localtime=False)
def wallclock(value: object, zone: str | tzinfo | None = None) -> object:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        return value
    if isinstance(zone, str):
        zone = ZoneInfo(zone)
    # Naive, so the template engine does not convert it a second time.
    return local_moment(value, zone or timezone.get_current_timezone()).replace(tzinfo=None)
