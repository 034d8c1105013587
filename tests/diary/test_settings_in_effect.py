"""Every entry lines up with the settings in effect, through the real write path."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from diary.models import Night
from programming.services import timeline_for
from tests.factories import change_settings, local, log_cramp, log_cramp_free, make_patient

pytestmark = pytest.mark.django_db


def test_an_episode_one_second_before_a_change_keeps_the_old_settings(alice):
    change_at = local(alice, date(2026, 4, 2), 3, 0)
    change_settings(alice, change_at, amplitude="1.0", reason="reduce_amplitude")
    before = log_cramp(alice, change_at - timedelta(seconds=1))
    at = log_cramp(alice, change_at)
    timeline = timeline_for(alice)
    assert timeline.at(before.started_at).amplitude == 2.0
    assert timeline.at(at.started_at).amplitude == 1.0
    assert before.night == at.night  # both on the night of 1 April


def test_the_night_keeps_the_settings_at_its_start_when_changed_mid_night(alice):
    change_settings(alice, local(alice, date(2026, 4, 2), 3, 0), amplitude="1.0")
    night = log_cramp(alice, local(alice, date(2026, 4, 2), 2, 0)).night
    assert timeline_for(alice).for_night(night.date, night.zone).amplitude == 2.0


def test_a_device_off_period_is_in_effect_for_the_nights_inside_it(alice):
    change_settings(
        alice, local(alice, date(2026, 4, 1), 10), stimulation_on=False, reason="device_off"
    )
    change_settings(
        alice, local(alice, date(2026, 4, 4), 10), stimulation_on=True, reason="device_on"
    )
    timeline = timeline_for(alice)
    states = {d: timeline.for_night(date(2026, 4, d), alice.tz).stimulation_on for d in range(1, 5)}
    assert states == {1: False, 2: False, 3: False, 4: True}


def test_a_cramp_on_the_autumn_dst_night_stays_on_one_night(alice):
    zone = alice.tz  # Europe/Amsterdam: 03:00 CEST becomes 02:00 CET on 25 October 2026
    first = log_cramp(alice, datetime(2026, 10, 25, 2, 30, tzinfo=zone, fold=0))
    second = log_cramp(alice, datetime(2026, 10, 25, 2, 30, tzinfo=zone, fold=1))
    utc = ZoneInfo("UTC")
    assert second.started_at.astimezone(utc) - first.started_at.astimezone(utc) == timedelta(
        hours=1
    )
    assert first.night == second.night
    assert first.night.date == date(2026, 10, 24)
    assert Night.objects.count() == 1


def test_a_cramp_on_the_spring_dst_night_stays_on_one_night(alice):
    zone = alice.tz  # 02:00 CET becomes 03:00 CEST on 29 March 2026
    before = log_cramp(alice, datetime(2026, 3, 29, 1, 45, tzinfo=zone))
    after = log_cramp(alice, datetime(2026, 3, 29, 3, 15, tzinfo=zone))
    assert before.night == after.night
    assert before.night.date == date(2026, 3, 28)


def test_the_same_instant_is_a_different_night_in_different_zones(db):
    sydney = make_patient("syd", timezone="Australia/Sydney")
    london = make_patient("lon", timezone="Europe/London")
    moment = datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("UTC"))  # 20:00 in Sydney, 11:00 in London
    assert log_cramp(sydney, moment).night.date == date(2026, 6, 1)
    assert log_cramp(london, moment).night.date == date(2026, 5, 31)


def test_a_patient_who_moves_keeps_every_night_in_place(alice):
    log_cramp_free(alice, date(2026, 5, 1))
    early = log_cramp(alice, local(alice, date(2026, 5, 3), 2))
    alice.timezone = "America/Los_Angeles"
    alice.save()
    later = log_cramp(alice, datetime(2026, 5, 10, 2, 0, tzinfo=ZoneInfo("America/Los_Angeles")))
    early.refresh_from_db()
    assert early.night.date == date(2026, 5, 2)
    assert early.night.timezone == "Europe/Amsterdam"
    assert later.night.date == date(2026, 5, 9)
    assert later.night.timezone == "America/Los_Angeles"
    assert Night.objects.get(date=date(2026, 5, 1)).timezone == "Europe/Amsterdam"


def test_a_correction_moves_derived_settings_with_it(alice):
    wrong = change_settings(alice, local(alice, date(2026, 4, 1), 10), amplitude="3.0")
    episode = log_cramp(alice, local(alice, date(2026, 4, 2), 2))
    assert timeline_for(alice).at(episode.started_at).amplitude == 3.0
    change_settings(alice, wrong.effective_at, amplitude="1.0", corrects=wrong)
    assert timeline_for(alice).at(episode.started_at).amplitude == 1.0
