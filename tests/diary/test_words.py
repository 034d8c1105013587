"""Numbers in the reader's language, and a statistic of no data (NaN, infinity) written as
Python writes it rather than failing the page."""

from __future__ import annotations

import math

import pytest
from django.utils import translation

from diary.words import number, percent


@pytest.mark.parametrize(("language", "expected"), [("en", "1.5"), ("de", "1,5"), ("ar", "1,5")])
def test_a_number_takes_the_readers_decimal_mark(language: str, expected: str) -> None:
    with translation.override(language):
        assert number(1.5) == expected
        assert number(1.25, ".1f") == expected.replace("5", "2")


@pytest.mark.parametrize("language", ["en", "de", "ar"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_no_number_fails_to_be_written(language: str, value: float) -> None:
    with translation.override(language):
        assert number(value).lower() in {"nan", "inf", "-inf"}
        assert number(value, ".1f").lower() in {"nan", "inf", "-inf"}
        assert percent(value).rstrip("% ").lower() in {"nan", "inf", "-inf"}


def test_percent_in_english_reads_as_before() -> None:
    with translation.override("en"):
        assert percent(1 / 3) == "33%"
        assert percent(0.125, 1) == "12.5%"


def test_settled_fixes_lazy_words_through_containers_in_the_active_language() -> None:
    from collections import namedtuple

    from django.utils.functional import Promise
    from django.utils.translation import gettext_lazy

    from diary.words import settled

    Pair = namedtuple("Pair", "a b")
    lazy = gettext_lazy("Settings")
    with translation.override("de"):
        value = settled({"rows": [{"label": lazy}], "both": (lazy, 1), "pair": Pair(1, 2)})
    assert value == {
        "rows": [{"label": "Einstellungen"}], "both": ("Einstellungen", 1), "pair": Pair(1, 2)
    }
    assert not isinstance(value["rows"][0]["label"], Promise)
    assert isinstance(value["pair"], Pair)
