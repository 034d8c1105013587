"""The therapy_loss flag's words about the cramps follow the cramp-night figures of the
reduction (the before/after table's row): "better" only when they fell."""

from __future__ import annotations

import pytest

from insights.ladder import Flag, evaluate
from tests.insights.builders import day, night, patient, settings


def loss_with_cramp_nights(before: int, after: int) -> Flag:
    """14 logged nights at benefit 8 before a reduction, 14 at benefit 5 since; `before` and
    `after` of them with a cramp."""
    history = [settings(day(-1), amplitude=3.0), settings(day(14), amplitude=2.0)]
    nights = [night(day(i), int(i < before), benefit=8) for i in range(14)]
    nights += [night(day(14 + i), int(i < after), benefit=5) for i in range(14)]
    result = evaluate(patient(nights, history))
    return next(f for f in result.flags if f.code == "therapy_loss")


def test_cramps_are_called_fewer_only_when_cramp_nights_fell() -> None:
    words = loss_with_cramp_nights(10, 3).explanation
    assert words.startswith(
        "Cramp nights fell since the amplitude was reduced (10 of 14 logged nights with cramps "
        "before, 3 of 14 since), but the therapy is weaker: the daily therapy score"
    )


def test_when_cramp_nights_rose_it_says_so_and_never_better() -> None:
    # The newcomer's case: 7 of 14 before, 10 of 14 after.
    words = loss_with_cramp_nights(7, 10).explanation
    assert words.startswith(
        "Cramps are not better: cramp nights rose since the amplitude was reduced (7 of 14 "
        "logged nights with cramps before, 10 of 14 since), and the therapy is weaker"
    )
    assert "may be better" not in words and "fell" not in words


@pytest.mark.parametrize("count", [0, 7])
def test_unchanged_cramp_nights_are_called_unchanged(count: int) -> None:
    words = loss_with_cramp_nights(count, count).explanation
    assert words.startswith(
        f"Cramp nights are unchanged since the amplitude was reduced ({count} of 14 logged "
        f"nights with cramps before, {count} of 14 since), and the therapy is weaker"
    )
    assert "better" not in words


def test_the_loss_itself_is_still_stated() -> None:
    words = loss_with_cramp_nights(7, 10).explanation
    assert words.endswith(
        "the daily therapy score (bladder or bowel control) is at least 2 points or 30% below "
        "what it was before the reduction."
    )
