"""A setting's number in the reader's format, with no trailing zeros: 1.50 is "1.5" in
English and "1,5" in German; 14.0 is "14" in both (what stringformat:"g" gave in English)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from diary.words import localised

register = template.Library()


@register.filter
def setting_number(value: object) -> object:
    try:
        amount = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError, TypeError):
        return value
    return localised(format(amount, "f"))
