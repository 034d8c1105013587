"""The patient's own 30-night chart follows the colour mode: a dark variant for the night."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.insights.test_views import cramps_lately


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_the_dark_variant_is_drawn_on_the_pages_night_background(alice_client, alice) -> None:
    cramps_lately(alice)
    url = reverse("insights:my-last-30-nights", args=["svg"])
    light, dark = alice_client.get(url), alice_client.get(url + "?mode=dark")
    assert light.status_code == 200 and dark.status_code == 200
    assert b"#0b0d10" in dark.content and b"#0b0d10" not in light.content
    assert light.content != dark.content


def test_the_home_page_offers_the_dark_chart_to_a_dark_phone(alice_client, alice) -> None:
    cramps_lately(alice)
    response = alice_client.get(reverse("diary:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<source srcset="/insights/me/last-30-nights.svg?mode=dark" ' \
        'media="(prefers-color-scheme: dark)">' in body


@pytest.mark.parametrize(("night_hours", "dark"), [((0, 24), True), ((24, 0), False)])
def test_at_night_the_server_serves_the_dark_chart_itself(
    alice_client, alice, monkeypatch, night_hours, dark
) -> None:
    # The server's night theme (diary.context_processors): made to hold now, or never.
    monkeypatch.setattr("diary.context_processors.NIGHT_MODE_FROM", night_hours[0])
    monkeypatch.setattr("diary.context_processors.NIGHT_MODE_UNTIL", night_hours[1])
    cramps_lately(alice)
    body = alice_client.get(reverse("diary:home")).content.decode()
    assert ('data-bs-theme="dark"' in body) is dark
    assert ('src="/insights/me/last-30-nights.svg?mode=dark"' in body) is dark
