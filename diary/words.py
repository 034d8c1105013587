"""Numbers and dates in the reader's language, for every sentence, chart and table the
project writes (settings, the ladder, the association, the PDF): the one place.

Python rounds, then Django puts the locale's separator in: formats.number_format truncates a
float's decimals, and the English sentences must read as they always have ("1.5", "33%",
"6 Dec"); German gets "1,5", "33 %" (as its catalogue says), "6. Dez.".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def localised(text: str) -> str:
    """Python's formatted number with the locale's separator; "nan" and "inf" (a statistic
    of no data) as Python writes them, since Django's number_format cannot take them."""
    amount = Decimal(text)
    return formats.number_format(amount) if amount.is_finite() else text


def number(value: float, spec: str = "g") -> str:
    """`format(value, spec)` with the locale's decimal separator: number(1.25, ".1f")."""
    return localised(format(value, spec))


def percent(value: float, places: int = 0) -> str:
    """f"{value:.0%}" in the reader's language: '33%'."""
    digits = format(value, f".{places}%")[:-1]
    # Translators: a percentage; %(value)s is the number ("33"). Keep the sign, add a space
    # where your language writes one ("33 %").
    return _("%(value)s%%") % {"value": localised(digits)}


def day_month(day: date) -> str:
    """'6 Dec' in English, '6. Dez' in German."""
    # Translators: how a day and its month are written, in Django's date syntax: j the day,
    # M the short month ("Dec"), b the same in lower case ("dec"), F the month's whole name.
    # German "j. M", Spanish "j b".
    return formats.date_format(day, pgettext("date format", "j M"))


def day_month_year(day: date) -> str:
    """'6 Dec 2026' in English, '6. Dez 2026' in German."""
    # Translators: how a date is written, in Django's date syntax: j the day, M the short
    # month ("Dec"), b the same in lower case ("dec"), F the month's whole name, Y the year.
    # German "j. M Y", Spanish "j b Y".
    return formats.date_format(day, pgettext("date format", "j M Y"))


def day_time(moment: datetime) -> str:
    """'6 Dec 2026 21:40' in English: a moment already on the reader's wall clock."""
    # Translators: a date and a time of day, in Django's date syntax (see "j M Y"); H:i is the
    # 24-hour time. German "j. M Y, H:i".
    return formats.date_format(moment, pgettext("date format", "j M Y H:i"))


def day(value: date, fmt: str | None = None) -> str:
    """A date in the active language: day_month_year's, or `fmt` in Django's date syntax."""
    return formats.date_format(value, fmt) if fmt else day_month_year(value)


def settled(value: Any) -> Any:
    """`value` with every lazy translation in it (through dicts, lists and tuples) made a plain
    string in the active language: for a cache whose key names the language. A lazy string
    read back from the cache rebuilds its proxy class, about as slow as rendering it."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: settled(item) for key, item in value.items()}
    if isinstance(value, list):
        return [settled(item) for item in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(settled(item) for item in value)
    return value
