"""The factor table on the clinician's patient page (issue 16): for each factor the check-in
asks about, the cramp-night rate with and without it, the nights on each side, "not enough
nights" below 5 a side, and no p-value. The therapy_loss flag shows and is acknowledged like
any flag."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse

from diary.models import Patient
from diary.services import night_check_in
from insights.data import today_for
from insights.models import Flag, FlagAcknowledgement
from tests.factories import change_settings, local, log_cramp, log_cramp_free


def log_lumbar_nights(patient: Patient) -> None:
    """10 nights with lumbar support (1 with a cramp), then 10 without (4 with cramps, the
    latest), ending last night: active cramps that come mostly without the support."""
    first = today_for(patient) - timedelta(days=20)
    for i in range(20):
        night_date = first + timedelta(days=i)
        support = i < 10
        cramp = i == 9 or i >= 16
        if cramp:
            log_cramp(patient, local(patient, night_date + timedelta(days=1), 2))
        night_check_in(patient=patient, night_date=night_date, cramp_free=not cramp,
                       lumbar_support=support, alcohol=i % 2 == 0)


def factor_section(html: str) -> str:
    match = re.search(r'<section[^>]*aria-labelledby="factors-heading".*?</section>', html, re.S)
    assert match, "no factor table on the page"
    return match.group(0)


def rows(section: str) -> dict[str, str]:
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section, re.S):
        label = re.search(r'<th scope="row"[^>]*>([^<]+)', row)
        if label:
            out[label.group(1).strip()] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    return out


def test_the_table_shows_each_factors_rates_and_nights(alice: Patient, lee_client: Client):
    log_lumbar_nights(alice)
    response = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert response.status_code == 200
    table = rows(factor_section(response.content.decode()))
    assert list(table) == [
        "Lumbar support in bed", "Less activity than usual", "Fewer fluids than usual", "Alcohol",
    ]
    assert "1 of 10 nights (10%)" in table["Lumbar support in bed"]
    assert "4 of 10 nights (40%)" in table["Lumbar support in bed"]
    # Alcohol every other night: 2 cramp nights of 10 with it (nights 16, 18), 3 of 10 without.
    assert "2 of 10 nights (20%)" in table["Alcohol"] and "3 of 10 nights (30%)" in table["Alcohol"]
    # Activity and fluids were never answered.
    assert "Not enough nights (0 with, 0 without)" in table["Less activity than usual"]
    assert "Not enough nights" in table["Fewer fluids than usual"]


def test_the_table_and_the_flag_read_the_same_nights(alice: Patient, lee_client: Client):
    log_lumbar_nights(alice)
    html = lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    flag = Flag.objects.get(patient=alice, code="rule_out_other_causes", resolved_at=None)
    assert flag.evidence["reasons"] == ["lumbar_support"]
    assert flag.evidence["notes"][0].startswith(
        "Cramps on 1 of 10 logged nights with lumbar support (10%) and on 4 of 10 without "
        "lumbar support (40%)."
    )
    assert "possible lumbar spinal stenosis" in html


def test_below_five_nights_a_side_the_table_says_not_enough(alice: Patient, lee_client: Client):
    first = today_for(alice) - timedelta(days=8)
    for i in range(8):
        log_cramp_free(alice, first + timedelta(days=i), lumbar_support=i < 4)
    section = factor_section(
        lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    )
    assert "Not enough nights (4 with, 4 without)" in rows(section)["Lumbar support in bed"]


def test_the_table_has_no_p_values(alice: Patient, lee_client: Client) -> None:
    log_lumbar_nights(alice)
    section = factor_section(
        lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    )
    assert "No test of chance" in section
    assert not re.search(r"\bp\s*[<=]", section)


def test_only_the_care_team_sees_the_table(
    alice: Patient, bob: Patient, okafor_client: Client, bob_client: Client
) -> None:
    log_lumbar_nights(alice)
    url = reverse("clinic:patient", args=[alice.pk])
    assert okafor_client.get(url).status_code == 404
    response = bob_client.get(url)
    assert response.status_code == 302
    assert b"factors-heading" not in response.content


def test_therapy_loss_shows_without_a_step_and_is_acknowledged(
    alice: Patient, lee_client: Client
) -> None:
    today = today_for(alice)
    reduced_on = today - timedelta(days=12)
    for i in range(14):
        log_cramp_free(alice, reduced_on - timedelta(days=14 - i), therapy_benefit=8)
    change_settings(alice, local(alice, reduced_on, 10), amplitude="1.5",
                    reason="reduce_amplitude")
    for i in range(12):  # up to last night
        log_cramp_free(alice, reduced_on + timedelta(days=i), therapy_benefit=5)
    flag = Flag.objects.get(patient=alice, code="therapy_loss", resolved_at=None)
    assert flag.step is None and flag.since == reduced_on
    html = lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    assert "Therapy weaker since the amplitude was reduced" in html
    assert "Cramp nights are unchanged since the amplitude was reduced" in html
    assert "Management ladder: step" not in html  # information, no rung

    response = lee_client.post(
        reverse("insights:acknowledge-flag", args=[alice.pk, flag.pk]), {"note": "Discussed"}
    )
    assert response.status_code == 302
    assert FlagAcknowledgement.objects.filter(flag=flag, note="Discussed").exists()
    # One more night of the same is not new evidence; recovery resolves the flag.
    log_cramp_free(alice, reduced_on + timedelta(days=12), therapy_benefit=5)
    flag.refresh_from_db()
    assert flag.resolved_at is None and not flag.alerting
    for i in range(13):
        log_cramp_free(alice, reduced_on + timedelta(days=i), therapy_benefit=8)
    flag.refresh_from_db()
    assert flag.resolved_at is not None
