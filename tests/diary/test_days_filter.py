"""Dates as each language writes them: the formats of diary.words.DATE_FORMATS are catalogue
entries, the template filter `day` and diary.words.day the only ways a page writes a date, and
no date at all is nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from diary.words import DATE_FORMATS


def shown(source: str, **values: object) -> str:
    return Template(source).render(Context(values))


SOURCE = '{{ d|day }} · {{ d|day:"j M" }} · {{ m|day:"j M Y H:i" }} · {{ d|day:"l j F" }}'


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "22 Oct 2026 · 22 Oct · 22 Oct 2026 21:40 · Thursday 22 October"),
    ("de", "22. Okt 2026 · 22. Okt · 22. Okt 2026, 21:40 · Donnerstag, 22. Oktober"),
    ("fr", "22 octobre 2026 · 22 octobre · 22 octobre 2026, 21:40 · jeudi 22 octobre"),
    ("es", "22 oct 2026 · 22 oct · 22 oct 2026, 21:40 · jueves, 22 de octubre"),
    ("nl", "22 okt 2026 · 22 okt · 22 okt 2026 21:40 · donderdag 22 oktober"),
    ("ar", "22 أكتوبر 2026 · 22 أكتوبر · 22 أكتوبر 2026 21:40 · الخميس، 22 أكتوبر"),
])
def test_each_language_writes_the_date_its_own_way(language: str, expected: str) -> None:
    moment = datetime(2026, 10, 22, 21, 40)  # already on a wall clock (the wallclock filter)
    with translation.override(language):
        assert shown(SOURCE, d=date(2026, 10, 22), m=moment) == expected


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_format_has_a_translation_that_writes_the_day(language: str) -> None:
    with translation.override(language):
        for name in DATE_FORMATS:
            written = shown("{{ d|day:f }}", d=datetime(2026, 10, 22, 21, 40), f=name)
            assert ("22" in written) == ("d" in name or "j" in name), (name, written)
            assert ("2026" in written) == ("Y" in name), (name, written)
            assert ("21:40" in written) == ("H" in name), (name, written)


def test_no_date_is_nothing_so_a_default_can_follow() -> None:
    assert shown('{{ d|day|default:"—" }}|{{ d|day:"j M" }}|{{ s|day }}', d=None, s="9999") == (
        "—||"
    )


def test_a_date_asked_for_with_a_time_is_written_without_one() -> None:
    assert shown('{{ d|day:"j M Y H:i" }}', d=date(2026, 10, 22)) == "22 Oct 2026"


def test_an_aware_moment_is_shown_on_the_active_clock_like_djangos_date() -> None:
    moment = datetime(2026, 10, 22, 22, 30, tzinfo=UTC)
    with timezone.override(ZoneInfo("Europe/Amsterdam")):
        assert shown('{{ m|day:"j M Y H:i" }}', m=moment) == "23 Oct 2026 00:30"


def test_no_page_writes_a_date_in_a_fixed_order() -> None:
    # `|date:"j M Y"` or date_format(d, "j M Y") writes English's order in every language.
    root = Path(settings.BASE_DIR)
    fixed = re.compile(r'\|date:"[^"]*[jdFMlDNbY]|\bdate_format\(')
    found = [
        f"{path.relative_to(root)}:{number}"
        for pattern in ("templates/**/*.html", "templates/**/*.txt", "*/**/*.py")
        for path in root.glob(pattern)
        if ".venv" not in path.parts and "tests" not in path.parts
        and path.name != "words.py"
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if fixed.search(line)
    ]
    assert not found, found
