"""`{{ value|day }}` ('6 Dec 2026'), `{{ value|day_month }}` ('6 Dec'), `{{ moment|day_time }}`
('6 Dec 2026 21:40'): dates as each language writes them (diary.words), where a template
would otherwise fix one order for every language with `|date:"j M Y"`. A built-in library
(config/settings.py TEMPLATES), like Django's own `date`, whose time-zone handling it shares."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from diary import words

register = template.Library()


def _shown(value: object, write: object) -> str:
    if not isinstance(value, date):
        return ""
    return write(value)  # type: ignore[operator]


@register.filter(expects_localtime=True)
def day(value: object) -> str:
    return _shown(value, words.day_month_year)


@register.filter(expects_localtime=True)
def day_month(value: object) -> str:
    return _shown(value, words.day_month)


@register.filter(expects_localtime=True)
def day_time(value: object) -> str:
    if not isinstance(value, datetime):
        return _shown(value, words.day_month_year)
    return words.day_time(value)
