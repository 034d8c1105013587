"""The cohort's counts come from hand-written SQL for speed; they follow the one Python rule
for "last night" (diary.models.last_completed_night, NIGHT_END_HOUR included) on the same
data, at every hour of the clinic's day."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from clinic.cohort import recent_window
from diary.models import CrampEpisode, Night, last_completed_night
from tests.factories import local, log_cramp, log_cramp_free

CLINIC = "Europe/Amsterdam"


def python_counts(patient, last) -> tuple[int, int]:
    """The rule in Python: the 14 nights ending last night, cramp nights among them."""
    first = last - timedelta(days=13)
    nights = Night.objects.for_patient(patient).between(first, last)
    cramp = {
        e.night_id for e in CrampEpisode.objects.for_patient(patient).filter(night__in=nights)
    }
    return nights.count(), len(cramp)


@pytest.mark.parametrize("hour", [1, 5, 6, 9, 13, 23])
def test_the_cohort_sql_counts_the_nights_the_python_rule_counts(
    settings, alice, carmen, lee_client, hour
) -> None:
    settings.TIME_ZONE = CLINIC
    settings.NIGHT_END_HOUR = 6
    zone = zoneinfo.ZoneInfo(CLINIC)
    now = datetime(2026, 3, 18, hour, 30, tzinfo=zone)
    with time_machine.travel(now, tick=False):
        last = last_completed_night(zone)
        # A night on each edge: 14 back (outside), 13 back (inside), last night, tonight.
        for patient in (alice, carmen):
            log_cramp_free(patient, last - timedelta(days=14))
            log_cramp_free(patient, last - timedelta(days=13))
            log_cramp(patient, local(patient, last + timedelta(days=1), 2))
        going_on = local(alice, last + timedelta(days=1), 23)  # the night going on
        if going_on <= now:  # a cramp is never logged in the future (diary.validators)
            log_cramp(alice, going_on)
        assert recent_window().last == last
        response = lee_client.get(reverse("clinic:cohort"))
        assert response.status_code == 200
        for row in response.context["rows"]:
            patient = alice if row.username == "alice" else carmen
            assert (row.nights_logged_14, row.cramp_nights_14) == python_counts(patient, last)
    # Before NIGHT_END_HOUR the night going on is not last night: it is the one before.
    assert last == now.date() - timedelta(days=1 if hour >= 6 else 2)
