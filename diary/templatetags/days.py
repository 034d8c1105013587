"""`{{ value|day }}` ('6 Dec 2026'), `{{ value|day:"l j F" }}` ('Sunday 6 December'): a date as
the reader's language writes it, the format named from diary.words.DATE_FORMATS, where Django's
`date` filter given a format would fix one order for every language. A built-in library
(config/settings.py TEMPLATES) that converts aware moments like Django's own `date`."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from diary import words

register = template.Library()


@register.filter(expects_localtime=True)
def day(value: object, fmt: str = "j M Y") -> str:
    """Nothing for no date, so `|default:"—"` can follow; a day alone where a moment's format
    was asked for a date that has no time."""
    if not isinstance(value, date):
        return ""
    if not isinstance(value, datetime) and "H" in fmt:
        fmt = "j M Y"
    return words.day(value, fmt)
