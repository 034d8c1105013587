"""The cramp burden beside the cramp-night share (issue 23): the clinician's before/after table,
the settings periods, the visit summary PDF and `analyze --json`, from the same nights."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from diary.models import Patient
from diary.services import night_check_in
from insights.data import today_for
from tests.factories import change_settings, local, log_cramp, log_cramp_free


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def burden_diary(patient: Patient) -> None:
    """14 nights before a reduction: a cramp of 8 for 20 minutes every night, woken, sleep
    disturbed 6; 14 after: every other night a cramp of 3 for 2 minutes, not woken, sleep
    answered 2 on those nights and 0 on four of the cramp-free ones."""
    first = today_for(patient) - timedelta(days=29)
    for i in range(28):
        night_date = first + timedelta(days=i)
        morning = night_date + timedelta(days=1)
        if i < 14:
            log_cramp(patient, local(patient, morning, 2), severity=8, duration_min=20,
                      woke_from_sleep=True)
            night_check_in(patient=patient, night_date=night_date, cramp_free=False,
                           sleep_disturbance=6)
        elif i % 2:
            log_cramp(patient, local(patient, morning, 3), severity=3, duration_min=2,
                      woke_from_sleep=False)
            night_check_in(patient=patient, night_date=night_date, cramp_free=False,
                           sleep_disturbance=2)
        else:
            log_cramp_free(patient, night_date, sleep_disturbance=0 if i < 22 else None)
    change_settings(patient, local(patient, first + timedelta(days=14), 12), amplitude="1.5",
                    reason="reduce_amplitude")


def visible_text(body: bytes) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body.decode())).split())


def test_the_before_after_table_shows_each_sides_burden_and_which_measure_judges(
    lee_client, alice, bob
) -> None:
    burden_diary(bob)  # another patient's burden, so its absence below means something
    night = log_cramp(bob, local(bob, today_for(bob), 2), severity=9, duration_min=99).night
    night_check_in(patient=bob, night_date=night.date, cramp_free=False, sleep_disturbance=9)
    burden_diary(alice)
    response = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert response.status_code == 200
    page = visible_text(response.content)
    assert "The verdict uses the share of logged nights with cramps" in page
    assert "Verdict (share of cramp nights)" in page
    # Before: 14 of 14 nights, one 20-minute cramp of 8 a night, woken, disturbed 6.
    assert ("14/14 1.00 cramps per logged night 20.0 min a night worst severity 8.0 on cramp "
            "nights sleep disturbance 6.0 (14 answered) woken 14 of 14 nights") in page
    # After: 7 of 14 with cramps; minutes over all 14 nights (the cramp-free ones count 0),
    # worst severity over the 7 cramp nights, sleep over the 11 nights answered.
    assert ("7/14 0.50 cramps per logged night 1.0 min a night worst severity 3.0 on cramp "
            "nights sleep disturbance 1.3 (11 answered) woken 0 of 14 nights") in page
    assert "Improved" in page
    assert "sleep disturbance 9.0" not in page and "99" not in page


def test_the_settings_periods_table_carries_the_burden(lee_client, alice) -> None:
    burden_diary(alice)
    page = visible_text(lee_client.get(reverse("clinic:patient", args=[alice.pk])).content)
    assert "Minutes a night Worst severity, cramp nights Sleep disturbance (answered) " \
        "Nights woken" in page
    assert "1.0 3.0 1.3 (11) 0" in page  # the period after the reduction
    assert "20.0 8.0 6.0 (14) 14" in page


def test_another_clinician_sees_none_of_it(okafor_client, alice) -> None:
    burden_diary(alice)
    assert okafor_client.get(reverse("clinic:patient", args=[alice.pk])).status_code == 404
    response = okafor_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 404


def test_the_visit_summary_prints_the_burden_beside_the_cramp_night_share(
    lee_client, alice
) -> None:
    burden_diary(alice)
    response = lee_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "The reading uses the share of cramp nights; the burden is shown, not judged." in text
    for header in ("Cramp nights", "Cramps a night", "Minutes a night", "Worst severity",
                   "Sleep disturbance", "Nights woken", "Reading"):
        assert all(word in text for word in header.split())
    # Each cell holds the pair, before over after; the text comes out cell by cell.
    assert ("before 14 of 14 after 7 of 14 1.00 0.50 20.0 1.0 8.0 3.0 6.0 (14) 1.3 (11) "
            "14 of 14 0 of 14 Improved") in text


def test_analyze_json_adds_the_burden_and_keeps_every_key(alice) -> None:
    burden_diary(alice)
    out = io.StringIO()
    call_command("analyze", "alice", "--json", stdout=out)
    result = json.loads(out.getvalue())
    [change] = result["before_after"]
    assert change["verdict"] == "improved" and change["verdict_measure"] == "cramp_night_rate"
    assert change["before"] == {
        "logged_nights": 14, "cramp_nights": 14, "cramps": 14, "cramps_per_logged_night": 1.0,
        "mean_total_minutes": 20.0, "total_minutes_nights": 14, "mean_worst_severity": 8.0,
        "mean_sleep_disturbance": 6.0, "sleep_disturbance_nights": 14, "nights_woken": 14,
        "woken_known_nights": 14,
    }
    assert change["after"]["mean_sleep_disturbance"] == round(14 / 11, 4)
    assert change["after"]["mean_total_minutes"] == 1.0
    epoch = result["epochs"][-1]
    for key in ("nights_logged", "cramp_nights", "cramps_per_logged_night", "mean_severity",
                "cramp_night_rate", "made_because_of_cramps"):
        assert key in epoch
    assert epoch["burden"]["mean_worst_severity"] == 3.0
    assert epoch["burden"]["nights_woken"] == 0


def test_each_night_card_on_the_clinicians_page_reads_its_burden(lee_client, alice) -> None:
    last = today_for(alice) - timedelta(days=1)
    log_cramp(alice, local(alice, last + timedelta(days=1), 2), severity=4, duration_min=5)
    log_cramp(alice, local(alice, last + timedelta(days=1), 3), severity=9, duration_min=12,
              woke_from_sleep=True)
    night_check_in(patient=alice, night_date=last, cramp_free=False, sleep_disturbance=8)
    log_cramp(alice, local(alice, last, 2), severity=3)  # the night before: no duration
    log_cramp_free(alice, last - timedelta(days=2), sleep_disturbance=0)
    page = visible_text(lee_client.get(reverse("clinic:patient", args=[alice.pk])).content)
    assert "2 cramps · 17 min in all · sleep disturbed 8/10" in page
    assert "Cramp-free · sleep disturbed 0/10" in page
