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
from django.utils.translation import pgettext_lazy


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


# Every way a page writes a date, in Django's date syntax: j the day, M the short month
# ("Dec"), b the same in lower case, F the month's whole name, D and l the weekday short and
# whole, Y the year, H:i the time. Each is a catalogue entry, so each language writes its own
# order and punctuation ("Montag, 6. Dezember"); a page names one of these, never its own.
DATE_FORMATS = {
    # Translators: a date format in Django's date syntax (j day, M short month, b the same in
    # lower case, F whole month, D short weekday, l whole weekday, Y year, H:i time of day).
    # Write your language's own order and punctuation: German "j. M", Spanish "j b".
    "j M": pgettext_lazy("date format", "j M"),
    # Translators: a date format (see "j M"): "6 Dec 2026". German "j. M Y".
    "j M Y": pgettext_lazy("date format", "j M Y"),
    # Translators: a date format (see "j M"): "6 Dec 2026 21:40". German "j. M Y, H:i".
    "j M Y H:i": pgettext_lazy("date format", "j M Y H:i"),
    # Translators: a date format (see "j M"): "6 December". German "j. F", Spanish "j \d\e F".
    "j F": pgettext_lazy("date format", "j F"),
    # Translators: a date format (see "j M"): "6 December 2026". German "j. F Y".
    "j F Y": pgettext_lazy("date format", "j F Y"),
    # Translators: a date format (see "j M"): "Sunday 6 December". German "l, j. F".
    "l j F": pgettext_lazy("date format", "l j F"),
    # Translators: a date format (see "j M"): "Sunday 6 December 2026". German "l, j. F Y".
    "l j F Y": pgettext_lazy("date format", "l j F Y"),
    # Translators: a date format (see "j M"): "Sun 6 Dec". German "D, j. M".
    "D j M": pgettext_lazy("date format", "D j M"),
    # Translators: a date format (see "j M"): "Sun 6 Dec 2026". German "D, j. M Y".
    "D j M Y": pgettext_lazy("date format", "D j M Y"),
    # Translators: a date format (see "j M"): "Sun 6 Dec, 21:40". German "D, j. M, H:i".
    "D j M, H:i": pgettext_lazy("date format", "D j M, H:i"),
    # Translators: a date format for a chart's axis and tables (see "j M"), d the day with a
    # leading zero: "06 Dec". German "d. M".
    "d M": pgettext_lazy("date format", "d M"),
    # Translators: a date format for a chart's table (see "j M"), y the year's last two
    # digits: "06 Dec 26". German "d. M y".
    "d M y": pgettext_lazy("date format", "d M y"),
    # Translators: a date format for a chart (see "j M"): "06 Dec 2026". German "d. M Y".
    "d M Y": pgettext_lazy("date format", "d M Y"),
    # Translators: a month and its year on a chart's axis (see "j M"): "Dec 2026".
    "M Y": pgettext_lazy("date format", "M Y"),
    # Translators: the year and month beside a chart's axis, as matplotlib writes it in
    # English (see "j M"): "2026-Dec". Your language may prefer "M Y".
    "Y-M": pgettext_lazy("date format", "Y-M"),
}
# A format of one part (a year, a month's name, a day's number) has no order to translate.
ONE_PART = frozenset({"Y", "y", "M", "b", "F", "N", "d", "j", "D", "l"})


def day(value: date, fmt: str = "j M Y") -> str:
    """A date (or a moment already on the reader's wall clock) as the active language writes
    it; `fmt` names one of DATE_FORMATS (or is one part, ONE_PART): day(d) is '6 Dec 2026' in
    English, '6. Dez 2026' in German."""
    if fmt in ONE_PART:
        return formats.date_format(value, fmt)
    return formats.date_format(value, str(DATE_FORMATS[fmt]))


def day_month(value: date) -> str:
    """'6 Dec' in English, '6. Dez' in German."""
    return day(value, "j M")


def day_month_year(value: date) -> str:
    """'6 Dec 2026' in English, '6. Dez 2026' in German."""
    return day(value)


def day_time(moment: datetime) -> str:
    """'6 Dec 2026 21:40' in English: a moment already on the reader's wall clock."""
    return day(moment, "j M Y H:i")


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
