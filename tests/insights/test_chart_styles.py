"""Each chart carries its own colours: the patient's dark 30-night chart, drawn at the same time
as clinicians' light charts in other threads, never leaves the dark style behind (issue 28, 1)."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import matplotlib
import numpy as np
from matplotlib.image import imread

from insights import charts
from insights.analysis import analyse
from tests.insights.builders import day, night, patient, settings

DARK = (0x0B, 0x0D, 0x10)
WHITE = (255, 255, 255)


def corner(png: bytes) -> tuple[int, int, int]:
    pixels = imread(io.BytesIO(png), format="png")
    return tuple(int(round(v * 255)) for v in pixels[2, 2, :3])


def thirty(n: int = 0) -> list[charts.NightCount]:
    return charts.last_nights({day(29): 2 + n % 3, day(10): 0}, last=day(29))


def analysis():
    nights = [night(day(i), i % 3) for i in range(40)]
    return analyse(patient(nights, [settings(day(-1), amplitude=2.0)]))


def test_a_dark_chart_drawn_first_leaves_the_next_light_chart_white() -> None:
    before = dict(matplotlib.rcParams)
    assert corner(charts.last_30_chart(thirty(), "png", dark=True)) == DARK
    assert corner(charts.last_30_chart(thirty(), "png")) == WHITE
    assert corner(charts.timeline_chart(analysis(), "png")) == WHITE
    assert dict(matplotlib.rcParams) == before


def test_charts_drawn_at_once_in_threads_each_keep_their_own_background() -> None:
    data = analysis()

    def draw(k: int) -> tuple[str, tuple[int, int, int]]:
        if k % 3 == 0:
            return "dark", corner(charts.last_30_chart(thirty(k), "png", dark=True))
        if k % 3 == 1:
            return "light", corner(charts.last_30_chart(thirty(k), "png"))
        return "light", corner(charts.rolling_chart(data, "png"))

    for _ in range(5):
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(draw, range(12)))
        assert all(colour == (DARK if kind == "dark" else WHITE) for kind, colour in results)
        # What a later chart starts from is matplotlib's own default, never the dark theme.
        assert np.allclose(matplotlib.colors.to_rgb(matplotlib.rcParams["figure.facecolor"]),
                           (1, 1, 1))
        assert corner(charts.timeline_chart(data, "png")) == WHITE
