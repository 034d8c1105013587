from __future__ import annotations

import io

from django.contrib.auth.models import User
from django.core.management import call_command

from diary.access import visible_patients
from diary.models import CrampEpisode, Night, Patient
from programming.models import SettingsRecord


def snapshot() -> list[tuple]:
    nights = Night.objects.order_by("patient__user__username", "date").values_list(
        "patient__user__username", "date", "therapy_benefit", "sleep_quality", "fluids")
    episodes = CrampEpisode.objects.order_by("night__patient__user__username", "started_at")
    return list(nights) + list(episodes.values_list("started_at", "severity", "site"))


def test_it_is_deterministic_for_a_seed_and_on_the_clinicians_team(dr_okafor, dr_lee) -> None:
    args = ["--patients", "3", "--days", "40", "--seed", "5", "--clinician", "dr.okafor"]
    call_command("generate_synthetic", *args, stdout=io.StringIO(), stderr=io.StringIO())
    first = snapshot()
    assert Patient.objects.filter(user__username__startswith="syn5-").count() == 3
    assert visible_patients(dr_okafor).filter(user__username__startswith="syn5-").count() == 3
    assert not visible_patients(dr_lee).filter(user__username__startswith="syn").exists()
    assert len(first) > 90

    SettingsRecord.objects.filter(device__patient__user__username__startswith="syn").delete()
    User.objects.filter(username__startswith="syn").delete()
    call_command("generate_synthetic", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert snapshot() == first
