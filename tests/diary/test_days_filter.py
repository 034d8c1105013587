"""The template filters `day`, `day_month` and `day_time`: a date as the reader's language
writes it (the catalogues' "date format" entries), and nothing at all for no date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation


def shown(source: str, **values: object) -> str:
    return Template(source).render(Context(values))


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "22 Oct 2026 · 22 Oct · 22 Oct 2026 21:40"),
    ("de", "22. Okt 2026 · 22. Okt · 22. Okt 2026, 21:40"),
    ("fr", "22 octobre 2026 · 22 octobre · 22 octobre 2026, 21:40"),
    ("es", "22 oct 2026 · 22 oct · 22 oct 2026, 21:40"),
    ("nl", "22 okt 2026 · 22 okt · 22 okt 2026 21:40"),
])
def test_each_language_writes_the_date_its_own_way(language: str, expected: str) -> None:
    moment = datetime(2026, 10, 22, 21, 40)  # already on a wall clock (the wallclock filter)
    with translation.override(language):
        assert shown("{{ d|day }} · {{ d|day_month }} · {{ m|day_time }}",
                     d=date(2026, 10, 22), m=moment) == expected


def test_no_date_is_nothing_so_a_default_can_follow() -> None:
    assert shown('{{ d|day|default:"—" }}|{{ d|day_time }}|{{ s|day }}', d=None, s="9999") == (
        "—||"
    )


def test_an_aware_moment_is_shown_on_the_active_clock_like_djangos_date() -> None:
    moment = datetime(2026, 10, 22, 22, 30, tzinfo=UTC)
    with timezone.override(ZoneInfo("Europe/Amsterdam")):
        assert shown("{{ m|day_time }}", m=moment) == "23 Oct 2026 00:30"
