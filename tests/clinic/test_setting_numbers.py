"""A setting's number follows the reader's locale, and reads in English as it always did."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from clinic.templatetags.setting_numbers import setting_number


@pytest.mark.parametrize(
    ("value", "english"),
    [(1.5, "1.5"), (14.0, "14"), (Decimal("1.50"), "1.5"), (Decimal("25.00"), "25"),
     (0.15, "0.15"), (10000.0, "10000")],
)
def test_english_reads_as_before(value, english) -> None:
    with translation.override("en"):
        assert setting_number(value) == english


def test_german_has_a_decimal_comma() -> None:
    with translation.override("de"):
        assert setting_number(Decimal("1.25")) == "1,25"
