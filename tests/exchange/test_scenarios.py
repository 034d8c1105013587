from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from diary.models import Patient
from exchange.scenarios import SCENARIOS, build_bundle, bundle_text

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
BY_NAME = {s.username: s for s in SCENARIOS}


@pytest.mark.parametrize("name", list(BY_NAME))
def test_the_committed_seed_is_what_the_scenario_script_makes(name: str) -> None:
    assert (SEEDS / f"{name}.json").read_text(encoding="utf-8") == bundle_text(
        build_bundle(BY_NAME[name])
    )


def cramp_flags(name: str) -> list[bool]:
    nights = json.loads((SEEDS / f"{name}.json").read_text())["nights"]
    return [bool(n["episodes"]) for n in nights]


def longest_cramp_free_run_before_a_cramp(flags: list[bool]) -> int:
    run = longest = 0
    for cramp in flags:
        if cramp:
            longest, run = max(longest, run), 0
        else:
            run += 1
    return longest


@pytest.mark.parametrize("name", list(BY_NAME))
def test_no_scenario_looks_like_a_sudden_onset_after_28_quiet_nights(name: str) -> None:
    assert longest_cramp_free_run_before_a_cramp(cramp_flags(name)) < 28


@pytest.mark.parametrize("name,active", [
    ("alice", True), ("bob", False), ("carmen", True), ("dan", True), ("erin", False),
    ("frank", False), ("grace", True),
])
def test_cramps_are_active_now_only_where_the_ladder_needs_it(name: str, active: bool) -> None:
    assert (sum(cramp_flags(name)[-14:]) >= 3) is active


def test_alice_feels_stimulation_elsewhere_on_recent_nights() -> None:
    nights = json.loads((SEEDS / "alice.json").read_text())["nights"][-14:]
    elsewhere = [n for n in nights
                 if any(e["stimulation_felt"] == "different_location" for e in n["episodes"])]
    assert len(elsewhere) >= 2


def test_nobody_turns_the_device_off_for_relief_twice() -> None:
    for name in BY_NAME:
        nights = json.loads((SEEDS / f"{name}.json").read_text())["nights"]
        offs = sum("device_off" in e["relieved_by"] for n in nights for e in n["episodes"])
        assert offs < 2, name


def test_carmens_cramps_begin_after_a_quiet_fortnight_but_not_a_quiet_month() -> None:
    bundle = json.loads((SEEDS / "carmen.json").read_text())
    started = next(m for m in bundle["medications"] if m["name"] == "prednisone")["started_on"]
    nights = bundle["nights"]
    onset = next(i for i, n in enumerate(nights) if n["episodes"] and n["date"] >= started)
    last_before = max(i for i, n in enumerate(nights[:onset]) if n["episodes"])
    assert 14 <= onset - last_before - 1 < 28  # a new onset, yet not a sudden one


def test_carmens_cramps_begin_within_14_days_of_prednisone() -> None:
    bundle = json.loads((SEEDS / "carmen.json").read_text())
    started = date.fromisoformat(
        next(m for m in bundle["medications"] if m["name"] == "prednisone")["started_on"])
    after = [date.fromisoformat(n["date"]) for n in bundle["nights"]
             if n["episodes"] and date.fromisoformat(n["date"]) >= started]
    assert 0 <= (after[0] - started).days <= 14


def test_seed_demo_is_idempotent_and_ends_yesterday(db, settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Patient.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Patient.objects.count()) == counts
    lee = User.objects.get(username="dr.lee")
    assert sorted(lee.patients_in_care.values_list("user__username", flat=True)) == [
        "alice", "carmen"]
    okafor = User.objects.get(username="dr.okafor")
    assert list(okafor.patients_in_care.values_list("user__username", flat=True)) == ["bob"]
    rivera = User.objects.get(username="dr.rivera")
    assert rivera.patients_in_care.count() == len(SCENARIOS)
    assert User.objects.get(username="admin").is_superuser
    assert lee.check_password("stimdiary-demo")
    alice = Patient.objects.get(user__username="alice")
    assert alice.user.check_password("stimdiary-demo")
    # "Yesterday" as the diary means it: the last night that is over (before NIGHT_END_HOUR
    # in the small hours, that is the night before yesterday's date).
    assert alice.nights.latest("date").date == alice.last_completed_night()


def test_seed_demo_refuses_without_debug(db, settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_each_demo_patient_raises_its_flag_and_only_it(db, settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    for name, scenario in BY_NAME.items():
        out = io.StringIO()
        call_command("analyze", name, "--json", stdout=out)
        codes = {flag["code"] for flag in json.loads(out.getvalue())["flags"]}
        assert codes == set(scenario.expected_flags), name
