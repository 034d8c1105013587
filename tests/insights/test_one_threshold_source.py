"""The ladder and the page's before/after comparison read the same thresholds: with
LADDER_MIN_NIGHTS_AFTER=4, five cramp nights after a reduction make the ladder say "reprogram"
and the page say "not improved", never "too early" beside it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from insights.data import cached_analysis, today_for
from insights.summary import ladder_state
from insights.thresholds import Thresholds
from tests.factories import change_settings, local, log_nights


def reduced_then_five_cramp_nights(patient) -> None:
    today = today_for(patient)
    first = today - timedelta(days=20)
    log_nights(patient, first, [1] * 14)  # cramps active
    change_settings(patient, local(patient, first + timedelta(days=14), 12), amplitude="1.5",
                    reason="reduce_amplitude")
    log_nights(patient, first + timedelta(days=14), [1] * 5)  # five nights, cramps go on


@pytest.mark.parametrize(("min_after", "verdict", "reprogram"), [
    (7, "too_early", False),
    (4, "not_improved", True),
])
def test_the_ladder_and_the_page_judge_a_change_by_the_same_rule(
    settings, alice, lee_client, min_after, verdict, reprogram
) -> None:
    settings.LADDER_MIN_NIGHTS_AFTER = min_after
    reduced_then_five_cramp_nights(alice)
    alice.refresh_from_db()
    assert ("reprogram" in [f.code for f in ladder_state(alice).flags]) is reprogram
    assert cached_analysis(alice).comparisons[-1].verdict == verdict
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert ("too early to judge" in body) is (verdict == "too_early")
    assert ("Consider reprogramming" in body) is reprogram


def test_the_thresholds_come_from_the_settings(settings) -> None:
    settings.LADDER_MIN_NIGHTS_AFTER = 4
    settings.LADDER_IMPROVED_RATIO = 0.25
    t = Thresholds.from_settings()
    assert (t.min_nights_after, t.improved_ratio, t.window_nights) == (4, 0.25, 14)
