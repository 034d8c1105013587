"""The demo patients: one synthetic diary per path of the management ladder (issue 5).

Deterministic and pure (no database): `python -m exchange.scenarios seeds/` rewrites the
bundles in seeds/, and tests/exchange/test_scenarios.py checks the committed files are exactly
what this script makes. Every person here is invented.

Each scenario is written so that its rule fires and the others do not:
- "background" cramps are the ordinary night cramps many adults have: a cramp night every 9 to
  20 logged nights, so never 3 in 14 nights (no "active cramps") and never 28 cramp-free nights
  in a row before a cramp (which would read as a sudden onset, a lead-migration sign);
- nobody turns the device off for relief more than once (2 would be device_off_relief).
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

END = date(2026, 3, 31)  # the last night; seed_demo moves every scenario so it is yesterday
SEED = 20260331
RELIEFS = ["stretching", "walking", "massage", "heat"]


@dataclass(frozen=True)
class Phase:
    """Nights `first_ago` to `last_ago` before the end (inclusive) and how cramps go in them."""

    first_ago: int
    last_ago: int
    mode: str  # "background", "none" or "active"
    rate: float = 0.0
    severity: tuple[int, int] = (2, 5)
    felt_elsewhere: float = 0.0  # share of episodes felt in a different location
    new_movement: tuple[str, ...] = ()
    # Share of the other episodes (felt in the usual place) that still bring a new movement.
    new_movement_share: float = 0.0


@dataclass(frozen=True)
class Change:
    ago: int
    hour: int
    reason: str
    note: str = ""
    source: str = "clinic"
    amplitude: float | None = None
    pulse_width_us: int | None = None
    frequency_hz: float | None = None
    stimulation_on: bool | None = None


@dataclass(frozen=True)
class Scenario:
    username: str
    ladder_path: str
    expected_flags: tuple[str, ...]
    story: str
    timezone: str
    therapy: str
    phase: str
    lead_site: str
    nights: int
    implanted_ago: int
    initial: tuple[float, int, float]  # amplitude mA, pulse width µs, frequency Hz
    phases: tuple[Phase, ...]
    changes: tuple[Change, ...] = ()
    medications: tuple[tuple[str, str, int, int | None], ...] = ()  # name, category, ago, stop
    side: str = "left"
    benefit: int = 7
    forced_cramps: tuple[int, ...] = ()  # nights (ago) that must have a background cramp
    quiet: tuple[int, ...] = field(default=())  # nights (ago) that must stay cramp-free
    # Therapy-benefit points lost on the nights after an amplitude reduction.
    reduction_benefit_loss: int = 1
    # Night factors that move the cramps (issue 16). None: lumbar support is a fixed habit and
    # no factor changes the chance of a cramp. Otherwise the share of nights with lumbar
    # support, and in active phases the chance of a cramp is multiplied on nights with lumbar
    # support and after a less active day.
    lumbar_share: float | None = None
    lumbar_effect: float = 1.0
    low_activity_effect: float = 1.0
    # The therapy's own outcome (issue 24): the mean daily values on the 3 days before the
    # implant, then from `ago` on (until the next entry) the mean under the settings then.
    # Days are logged as clinics ask: a 3-day bladder diary every 14 days, bowel accidents
    # daily, pain every other day, PGIC every 28 days.
    sacral_indication: str = "bladder"
    outcome_baseline: tuple[tuple[str, float], ...] = ()
    outcome_levels: tuple[tuple[int, tuple[tuple[str, float], ...]], ...] = ()
    pgic_levels: tuple[tuple[int, int], ...] = ()  # from `ago` on, the PGIC answered


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        username="alice", ladder_path="possible lead migration (step 3)",
        # Her bladder control slips after the reduction too: the therapy is weaker.
        expected_flags=("possible_lead_migration", "therapy_loss"),
        story="Sacral stimulation for urge incontinence, stable for over a year. Calf cramps "
        "begin with stimulation felt in the calf instead of the perineum; neither an amplitude "
        "reduction nor reprogramming helps, and bladder control slips.",
        timezone="Europe/Amsterdam", therapy="sacral", phase="permanent", lead_site="left S3",
        nights=180, implanted_ago=560, initial=(2.0, 210, 14),
        phases=(
            Phase(179, 46, "background"),
            Phase(45, 0, "active", rate=0.7, severity=(4, 8), felt_elsewhere=0.5,
                  new_movement=("calf", "thigh_or_hip")),
        ),
        changes=(
            Change(33, 11, "reduce_amplitude", "Calf cramps at night: amplitude lowered.",
                   amplitude=1.5),
            Change(18, 14, "reprogram", "No better: pulse width and frequency changed.",
                   pulse_width_us=180, frequency_hz=16),
        ),
        # Urge incontinence: 4 leaks a day before the implant, 1 with it; back to 3 after
        # the amplitude reduction (and the reprogramming does not bring it back).
        outcome_baseline=(("leaks", 4), ("voids", 13), ("urgency_episodes", 6)),
        outcome_levels=(
            (179, (("leaks", 1), ("voids", 8), ("urgency_episodes", 2))),
            (33, (("leaks", 3), ("voids", 11), ("urgency_episodes", 5))),
        ),
        pgic_levels=((179, 2), (33, 4)),
    ),
    Scenario(
        username="bob", ladder_path="cramps resolved after an amplitude reduction (no flag)",
        expected_flags=(),
        story="Spinal cord stimulation for back and leg pain. Cramps start days after the "
        "amplitude is raised and settle within a week of lowering it again.",
        timezone="America/New_York", therapy="spinal_cord", phase="permanent",
        lead_site="T9-T10", nights=170, implanted_ago=900, initial=(3.0, 300, 40), side="right",
        phases=(
            Phase(169, 123, "background"),
            Phase(122, 89, "active", rate=0.65, severity=(4, 8)),
            Phase(88, 83, "active", rate=0.25, severity=(2, 5)),
            Phase(82, 0, "background"),
        ),
        changes=(
            Change(125, 10, "other", "Raised for better pain relief.", amplitude=4.2),
            Change(90, 15, "reduce_amplitude", "Night cramps since the increase.", amplitude=3.4),
        ),
        # Pain 8 of 10 before the implant, about 3 since: the reduction keeps it there.
        outcome_baseline=(("pain_average", 8), ("pain_worst", 9)),
        outcome_levels=((169, (("pain_average", 3), ("pain_worst", 5))),),
        pgic_levels=((169, 2),),
    ),
    Scenario(
        username="carmen", ladder_path="medication-induced cramps (rule out other causes, step 0)",
        expected_flags=("rule_out_other_causes",),
        story="DRG stimulation for foot pain, no trouble for months. Prednisone is started for "
        "a flare of arthritis; four nights later the cramps begin. The clinic has just lowered "
        "the amplitude, but the timing points at the medication first.",
        timezone="Europe/Madrid", therapy="drg", phase="permanent", lead_site="left L5",
        nights=160, implanted_ago=700, initial=(0.8, 300, 20), benefit=8,
        phases=(
            Phase(159, 27, "background"),
            Phase(26, 0, "active", rate=0.75, severity=(4, 7)),
        ),
        changes=(
            Change(5, 12, "reduce_amplitude", "Cramps since starting prednisone.", amplitude=0.6),
        ),
        medications=(("atorvastatin", "statin", 400, None), ("prednisone", "steroid", 30, None)),
        # 14+ quiet logged nights before the cramps begin (so they read as a new onset), but
        # fewer than 28 (which would read as a sudden onset: a lead-migration sign).
        forced_cramps=(47,), quiet=tuple(range(27, 47)),
        outcome_baseline=(("pain_average", 7), ("pain_worst", 9)),
        outcome_levels=((159, (("pain_average", 2), ("pain_worst", 4))),),
        pgic_levels=((159, 1),),
    ),
    Scenario(
        username="dan", ladder_path="cramps needing reprogramming (step 2)",
        expected_flags=("reprogram",),
        story="Sacral stimulation for faecal incontinence. Calf cramps for seven weeks; the "
        "amplitude was lowered a month ago without any change in the cramps.",
        timezone="Europe/London", therapy="sacral", phase="permanent", lead_site="right S3",
        nights=150, implanted_ago=400, initial=(2.5, 210, 14), side="right",
        phases=(
            Phase(149, 50, "background"),
            Phase(49, 0, "active", rate=0.7, severity=(3, 7)),
        ),
        changes=(
            Change(30, 10, "reduce_amplitude", "Night cramps: amplitude lowered.", amplitude=1.9),
        ),
        # Faecal incontinence: an accident a day before the implant, one a week since,
        # unchanged by the reduction.
        sacral_indication="bowel",
        outcome_baseline=(("bowel_incontinence_episodes", 1), ("bowel_urgency", 1)),
        outcome_levels=((149, (("bowel_incontinence_episodes", 1 / 7), ("bowel_urgency", 0))),),
        pgic_levels=((149, 2),),
    ),
    Scenario(
        username="erin", ladder_path="trial-phase transient that resolves (no flag)",
        expected_flags=(),
        story="A spinal cord stimulation trial. Leg cramps in the first nights settle after a "
        "reprogramming; the rest of the trial is quiet.",
        timezone="America/Chicago", therapy="spinal_cord", phase="trial",
        lead_site="T8-T10 (trial leads)", nights=49, implanted_ago=49, initial=(3.5, 300, 50),
        side="both", benefit=6,
        phases=(
            Phase(48, 37, "active", rate=0.7, severity=(3, 6)),
            Phase(36, 0, "background"),
        ),
        changes=(
            Change(41, 13, "reprogram", "Trial: leg cramps, pulse width shortened.",
                   pulse_width_us=240),
        ),
        quiet=tuple(range(27, 37)), forced_cramps=(21,),
        # Pain 7 before the trial, 3 on it: still 3 after the pulse width was shortened.
        outcome_baseline=(("pain_average", 7), ("pain_worst", 8)),
        outcome_levels=((48, (("pain_average", 3), ("pain_worst", 5))),),
        pgic_levels=((48, 2),),
    ),
    Scenario(
        username="frank", ladder_path="no cramps (no flag)",
        expected_flags=(),
        story="Spinal cord stimulation for failed back surgery syndrome. Logs faithfully, "
        "never a cramp: the cramp-free nights are the data.",
        timezone="Australia/Sydney", therapy="spinal_cord", phase="permanent",
        lead_site="T9-T11", nights=150, implanted_ago=1200, initial=(2.8, 250, 60),
        phases=(Phase(149, 0, "none"),),
        changes=(Change(60, 11, "other", "More coverage of the left leg.", amplitude=3.1),),
        outcome_baseline=(("pain_average", 7), ("pain_worst", 9)),
        outcome_levels=(
            (149, (("pain_average", 4), ("pain_worst", 6))),
            (60, (("pain_average", 3), ("pain_worst", 5))),
        ),
        pgic_levels=((149, 3), (60, 2)),
    ),
    Scenario(
        username="grace",
        ladder_path="every signal the diary collects (issue 16): new movement, lumbar support, "
        "activity, therapy lost",
        expected_flags=(
            "possible_lead_migration", "reprogram", "rule_out_other_causes", "therapy_loss",
        ),
        story="Sacral stimulation for urge incontinence. Night cramps for eight weeks, mostly "
        "on nights she sleeps without her lumbar pillow and after quiet days at home. The "
        "amplitude was lowered a month ago: the cramps went on, and her bladder control fell "
        "from about 8 to 5. In the last two weeks she has felt a new twitch in the calf or hip "
        "with the stimulation.",
        timezone="Europe/Dublin", therapy="sacral", phase="permanent", lead_site="left S3",
        nights=100, implanted_ago=800, initial=(2.4, 210, 14), benefit=8,
        phases=(
            Phase(99, 56, "background"),
            Phase(55, 13, "active", rate=0.5, severity=(3, 7)),
            Phase(12, 0, "active", rate=0.5, severity=(3, 7),
                  new_movement=("calf", "thigh_or_hip"), new_movement_share=0.7),
        ),
        changes=(
            Change(28, 10, "reduce_amplitude", "Night cramps: amplitude lowered.",
                   amplitude=1.8),
        ),
        reduction_benefit_loss=3,
        lumbar_share=0.4, lumbar_effect=0.2, low_activity_effect=4.0,
        outcome_baseline=(("leaks", 5), ("voids", 12)),
        outcome_levels=(
            (99, (("leaks", 1), ("voids", 8))),
            (28, (("leaks", 4), ("voids", 11))),
        ),
        pgic_levels=((99, 2), (28, 4)),
    ),
)


def iso(moment: datetime) -> str:
    """Through UTC and back: a wall-clock time in a spring-forward gap becomes the real one."""
    return moment.astimezone(UTC).astimezone(moment.tzinfo).isoformat()


def json_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def days_before_end(ago: int | None) -> str | None:
    return None if ago is None else (END - timedelta(days=ago)).isoformat()


def phase_on(scenario: Scenario, ago: int) -> Phase | None:
    return next((p for p in scenario.phases if p.last_ago <= ago <= p.first_ago), None)


def build_settings(scenario: Scenario, zone: ZoneInfo) -> list[dict[str, Any]]:
    amplitude, pulse_width, frequency = scenario.initial
    on = True
    implanted = END - timedelta(days=scenario.implanted_ago)
    records = [settings_record(
        datetime.combine(implanted, time(16, 0), tzinfo=zone), amplitude, pulse_width,
        frequency, on, "initial", "Programmed at implant.",
    )]
    for change in sorted(scenario.changes, key=lambda c: -c.ago):
        amplitude = change.amplitude if change.amplitude is not None else amplitude
        pulse_width = change.pulse_width_us if change.pulse_width_us is not None else pulse_width
        frequency = change.frequency_hz if change.frequency_hz is not None else frequency
        on = change.stimulation_on if change.stimulation_on is not None else on
        moment = datetime.combine(END - timedelta(days=change.ago), time(change.hour), tzinfo=zone)
        records.append(settings_record(
            moment, amplitude, pulse_width, frequency, on, change.reason, change.note,
            change.source,
        ))
    return records


def settings_record(
    moment: datetime, amplitude: float, pulse_width: int, frequency: float, on: bool,
    reason: str, note: str, source: str = "clinic",
) -> dict[str, Any]:
    return {
        "effective_at": iso(moment), "amplitude": float(amplitude), "amplitude_unit": "mA",
        "pulse_width_us": pulse_width, "frequency_hz": json_number(frequency),
        "stimulation_on": on, "electrode_configuration": "", "reason": reason,
        "source": source, "note": note, "corrects": None,
    }


def build_bundle(scenario: Scenario, seed: int = SEED) -> dict[str, Any]:
    rng = random.Random(f"{scenario.username}-{seed}")
    zone = ZoneInfo(scenario.timezone)
    settings = build_settings(scenario, zone)
    reductions = [END - timedelta(days=c.ago) for c in scenario.changes
                  if c.reason == "reduce_amplitude"]
    lumbar_habit = rng.random() < 0.4
    nights: list[dict[str, Any]] = []
    since_cramp = 0
    next_gap = rng.randint(9, 20)
    away = 0
    for ago in range(scenario.nights - 1, -1, -1):
        night_date = END - timedelta(days=ago)
        if away:
            away -= 1
            continue
        if ago > 2 and ago not in scenario.forced_cramps and rng.random() < 0.015:
            away = rng.randint(2, 5)  # a trip, a hospital stay: several nights unlogged
            continue
        if ago > 0 and ago not in scenario.forced_cramps and rng.random() < 0.07:
            continue  # forgot to log
        phase = phase_on(scenario, ago)
        factors = draw_factors(scenario, rng)
        count = 0
        if ago in scenario.forced_cramps:
            count = 1
        elif ago in scenario.quiet or phase is None or phase.mode == "none":
            count = 0
        elif phase.mode == "active":
            if rng.random() < cramp_chance(scenario, phase, factors):
                count = rng.choice([1, 1, 1, 2, 2, 3])
        elif since_cramp + 1 >= next_gap:
            count = 1
        since_cramp = 0 if count else since_cramp + 1
        if count:
            next_gap = rng.randint(9, 20)
        nights.append(build_night(scenario, rng, zone, night_date, phase, count, lumbar_habit,
                                  reduced=any(night_date >= r for r in reductions),
                                  factors=factors))
    implanted = END - timedelta(days=scenario.implanted_ago)
    patient: dict[str, Any] = {"username": scenario.username, "timezone": scenario.timezone}
    if scenario.sacral_indication != "bladder":
        patient["sacral_indication"] = scenario.sacral_indication
    outcomes = build_outcomes(scenario)
    return {
        "format": "stimdiary-bundle",
        "version": 1,
        "patient": patient,
        "devices": [{
            "therapy": scenario.therapy, "phase": scenario.phase,
            "implanted_on": implanted.isoformat(), "lead_site": scenario.lead_site,
            "settings": settings,
        }],
        "medications": [
            {
                "name": name, "category": category,
                "started_on": days_before_end(ago), "stopped_on": days_before_end(stop),
            }
            for name, category, ago, stop in sorted(
                scenario.medications, key=lambda m: (-m[2], m[0])
            )
        ],
        "nights": nights,
        **({"outcomes": outcomes} if outcomes else {}),
    }


OUTCOME_VALUES = (
    "voids", "leaks", "urgency_episodes", "pads", "bowel_incontinence_episodes",
    "bowel_urgency", "pain_worst", "pain_average", "pgic",
)
# Day-to-day spread around a level, in whole counts or points, repeating every 4 days: a
# deterministic wobble (no random draw, so the nights drawn above stay as they were).
WOBBLE = (0, 1, 0, -1)


def outcome_kind_of(scenario: Scenario) -> str | None:
    if scenario.therapy == "sacral":
        return scenario.sacral_indication
    return "pain" if scenario.therapy in {"spinal_cord", "drg"} else None


def logs_outcome_on(kind: str, ago: int) -> bool:
    if kind == "bladder":
        return ago % 14 in {0, 1, 2}  # a 3-day diary every two weeks
    if kind == "bowel":
        return True
    return ago % 2 == 0


def level_value(name: str, mean: float, ago: int) -> int:
    if name.startswith("bowel_"):
        # Accidents are whole events: `mean` a day, as one every 1/mean days.
        every = round(1 / mean) if mean else 0
        return int(bool(every) and ago % every == 3 % every)
    top = 10 if name.startswith("pain_") else 60
    return max(0, min(top, round(mean + (WOBBLE[ago % 4] if mean else 0))))


def build_outcomes(scenario: Scenario) -> list[dict[str, Any]]:
    kind = outcome_kind_of(scenario)
    if kind is None or not scenario.outcome_levels:
        return []
    days: list[tuple[int, tuple[tuple[str, float], ...]]] = [
        (scenario.implanted_ago + back, scenario.outcome_baseline) for back in (3, 2, 1)
    ]
    for ago in range(scenario.nights - 1, -1, -1):
        levels = [values for since, values in scenario.outcome_levels if ago <= since]
        if levels and logs_outcome_on(kind, ago):
            days.append((ago, levels[-1]))
    out = []
    for ago, values in days:
        day = {name: None for name in OUTCOME_VALUES}
        day.update({name: level_value(name, mean, ago) for name, mean in values})
        pgic = [answer for since, answer in scenario.pgic_levels if ago <= since]
        if pgic and ago % 28 == 0:
            day["pgic"] = pgic[-1]
        out.append({"date": (END - timedelta(days=ago)).isoformat(), **day})
    return out


def draw_factors(scenario: Scenario, rng: random.Random) -> dict[str, Any] | None:
    """The night's lumbar support and the day's activity, drawn before the cramps when they
    move them; None (and no draw, so the older scenarios stay as they were) otherwise."""
    if scenario.lumbar_share is None:
        return None
    return {
        "lumbar_support": rng.random() < scenario.lumbar_share,
        "activity": rng.choice(["usual", "usual", "low", "high"]),
    }


def cramp_chance(scenario: Scenario, phase: Phase, factors: dict[str, Any] | None) -> float:
    chance = phase.rate
    if factors is not None:
        if factors["lumbar_support"]:
            chance *= scenario.lumbar_effect
        if factors["activity"] == "low":
            chance *= scenario.low_activity_effect
    return min(chance, 0.95)


def build_night(
    scenario: Scenario, rng: random.Random, zone: ZoneInfo, night_date: date,
    phase: Phase | None, count: int, lumbar_habit: bool, reduced: bool,
    factors: dict[str, Any] | None = None,
) -> dict[str, Any]:
    episodes = []
    minute = rng.randint(0, 200)
    for _ in range(count):
        evening = datetime.combine(night_date, time(23, 0), tzinfo=zone)
        episodes.append(build_episode(scenario, rng, evening + timedelta(minutes=minute), phase))
        minute += rng.randint(25, 120)
        if minute > 6 * 60 + 30:
            break
    benefit = scenario.benefit + rng.choice([-1, 0, 0, 0, 1])
    if reduced:
        benefit -= scenario.reduction_benefit_loss
    if scenario.username == "alice" and phase is not None and phase.mode == "active":
        benefit -= 2  # loss of efficacy: a sign of lead migration
    benefit = max(0, min(10, benefit))
    sleep = max(0, min(10, rng.randint(6, 9) - 2 * len(episodes)))
    checked_in = rng.random() < (0.75 if episodes else 0.97)
    morning = datetime.combine(night_date + timedelta(days=1), time(7), tzinfo=zone)
    morning += timedelta(minutes=rng.randint(0, 150))
    return {
        "date": night_date.isoformat(),
        "timezone": scenario.timezone,
        "therapy_benefit": benefit if checked_in else None,
        "sleep_quality": sleep if checked_in else None,
        "fluids": rng.choice(["usual", "usual", "usual", "low", "high"]) if checked_in else "",
        "activity": night_activity(rng, factors) if checked_in else "",
        "alcohol": (rng.random() < 0.15) if checked_in else None,
        "lumbar_support": (
            (factors["lumbar_support"] if factors else lumbar_habit) if checked_in else None
        ),
        "checked_in_at": iso(morning) if checked_in else None,
        "notes": rng.choice(NIGHT_NOTES) if checked_in and rng.random() < 0.06 else "",
        "episodes": episodes,
    }


def night_activity(rng: random.Random, factors: dict[str, Any] | None) -> str:
    return factors["activity"] if factors else rng.choice(["usual", "usual", "low", "high"])


NIGHT_NOTES = [
    "Long walk in the afternoon.", "Slept at my sister's.", "Hot day, drank a lot.",
    "Back ache in the evening.", "Late dinner.", "Bad night, unrelated to cramps.",
]


def build_episode(
    scenario: Scenario, rng: random.Random, started: datetime, phase: Phase | None
) -> dict[str, Any]:
    low, high = phase.severity if phase else (2, 5)
    felt_elsewhere = phase is not None and rng.random() < phase.felt_elsewhere
    if rng.random() < 0.12:
        relieved = ["nothing"]
    else:
        relieved = sorted(rng.sample(RELIEFS, rng.choice([1, 1, 2])), key=RELIEFS.index)
    return {
        "started_at": iso(started),
        "duration_min": rng.randint(1, 15) if rng.random() > 0.05 else None,
        "severity": rng.randint(low, high),
        "side": scenario.side,
        "site": rng.choice(["calf", "calf", "calf", "foot", "thigh"]),
        "woke_from_sleep": rng.random() < 0.75,
        "stimulation_felt": "different_location" if felt_elsewhere else "usual",
        "new_movement": new_movement(rng, phase, felt_elsewhere),
        "relieved_by": relieved,
        "notes": "Felt the buzzing in my calf." if felt_elsewhere and rng.random() < 0.2 else "",
    }


def new_movement(rng: random.Random, phase: Phase | None, felt_elsewhere: bool) -> str:
    if phase is None or not phase.new_movement:
        return "none"
    if felt_elsewhere or (phase.new_movement_share and rng.random() < phase.new_movement_share):
        return rng.choice(phase.new_movement)
    return "none"


def bundle_text(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"


def write_seeds(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for scenario in SCENARIOS:
        path = folder / f"{scenario.username}.json"
        path.write_text(bundle_text(build_bundle(scenario)), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_seeds(Path(sys.argv[1] if len(sys.argv) > 1 else "seeds")):
        print(written)
