"""Charts render for no nights, one night and five years, from plain data (no database)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from insights import charts
from insights.analysis import MedicationRecord, analyse
from tests.insights.builders import day, night, patient, settings


def five_years():
    rng = random.Random(7)
    records = [settings(day(-1), amplitude=2.0)]
    for k in range(1, 20):
        records.append(settings(day(k * 90), amplitude=1.0 + (k % 5) * 0.5,
                                pulse_width_us=150 + (k % 3) * 30))
    records.append(settings(day(1500), stimulation_on=False))
    records.append(settings(day(1510), amplitude=2.0))
    nights = [night(day(i), rng.choice([0, 0, 1, 2]), benefit=rng.randint(3, 9))
              for i in range(5 * 365) if rng.random() > 0.1]
    meds = [MedicationRecord("Atorvastatin", "statin", day(400))]
    return analyse(patient(nights, records, medications=meds))


@pytest.fixture(scope="module")
def analyses():
    return {
        "none": analyse(patient([])),
        "one": analyse(patient([night(day(3), 2)])),
        "five years": five_years(),
    }


@pytest.mark.parametrize("which", ["none", "one", "five years"])
@pytest.mark.parametrize("chart", sorted(charts.CHARTS))
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_every_chart_renders(analyses, which, chart, fmt) -> None:
    draw, alt, _ = charts.CHARTS[chart]
    content = draw(analyses[which], fmt)
    if fmt == "png":
        assert content.startswith(b"\x89PNG")
    else:
        assert b"<svg" in content[:2000]
    assert len(alt(analyses[which])) > 20


def test_alt_text_says_what_the_timeline_shows_in_words(analyses) -> None:
    text = charts.whole_timeline_alt(analyses["five years"])
    assert "nights logged" in text and "settings changes" in text and "device was off" in text
    recent = charts.timeline_alt(analyses["five years"])
    assert "of 90 nights logged" in recent and "severe" in recent
    assert charts.timeline_alt(analyses["none"]).endswith("no nights logged yet.")


def test_the_rolling_rate_counts_logged_nights_only() -> None:
    data = analyse(patient([night(day(i * 3), 1 if i % 2 else 0) for i in range(20)]))
    dates, rates = charts.rolling_rate(data.nights)
    assert dates[0] == day(18)  # the 7th logged night
    assert rates[-1] == pytest.approx(7 / 14)


def test_the_last_30_nights_tell_missing_from_cramp_free() -> None:
    nights = charts.last_nights({day(29): 2, day(28): 0, day(0): 5}, last=day(29))
    assert len(nights) == 30 and nights[-1].cramps == 2 and nights[-2].cramps == 0
    assert nights[0].date == day(0) and nights[0].cramps == 5
    assert charts.last_30_alt(nights) == (
        "My last 30 nights: 3 logged, 2 with cramps, 1 without, 27 not logged."
    )
    assert charts.last_30_chart(nights, "png").startswith(b"\x89PNG")
    assert charts.last_30_chart(charts.last_nights({}, last=day(30)), "svg")


def test_no_pyplot_anywhere() -> None:
    import insights.charts
    import insights.pdf

    # Every module of the charts package, not only its __init__.
    paths = [*Path(insights.charts.__file__).parent.glob("*.py"), Path(insights.pdf.__file__)]
    assert len(paths) > 2
    for path in paths:
        text = path.read_text()
        assert "matplotlib.pyplot" not in text and "import pyplot" not in text, path


def test_the_timeline_and_the_time_of_night_chart_count_the_same_last_90_nights() -> None:
    # dan's charts said 61 and 60 cramps, 82 and 81 nights: the timeline ended on the night in
    # progress, the time-of-night chart on the last night that is over.
    import re

    from insights.analysis import analyse
    from insights.charts import time_of_night_alt, time_of_night_periods, timeline_alt
    from tests.insights.builders import day, nights_from, patient

    counts = [1 if i % 3 == 0 else 0 for i in range(200)]
    analysis = analyse(patient(nights_from(day(0), counts), today=day(200)))
    recent, _ = time_of_night_periods(analysis)
    shown = re.search(r"(\d+) of (\d+) nights logged, \d+ with cramps \((\d+) cramps", 
                      timeline_alt(analysis))
    assert shown is not None
    logged, elapsed, cramps = map(int, shown.groups())
    assert (logged, elapsed) == (recent.nights_logged, 90)
    assert cramps == recent.total
    assert f"In the last 90 nights, {recent.total} cramps" in time_of_night_alt(analysis)
    assert recent.last == day(199)
