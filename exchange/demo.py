"""Loading the demo: the scenario bundles in seeds/, moved in time so the last night is
yesterday, and the demo accounts around them. Idempotent: a patient already present is left
as it is."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from clinic.models import Clinic, Clinician, default_clinic
from diary.models import Patient, last_completed_night
from exchange.bundle import bundle_import, bundle_shift, bundle_validate, last_night
from exchange.scenarios import SCENARIOS

DEMO_PASSWORD = "stimdiary-demo"
SEEDS = Path(settings.BASE_DIR) / "seeds"
# Who cares for whom. dr.rivera holds every demo patient: one log-in shows every ladder path.
CARE_TEAMS = {
    "dr.lee": ("alice", "carmen"),
    "dr.okafor": ("bob",),
    "dr.rivera": tuple(s.username for s in SCENARIOS),
}
# A second, small clinic shows the separation: dr.novak sees pia (grace's diary under another
# name) and none of the patients above; dr.rivera, in the default clinic, does not see pia.
SECOND_CLINIC = {"name": "Pain clinic", "slug": "pain"}
SECOND_CLINIC_TEAM = ("dr.novak", "pia", "grace")  # clinician, patient, scenario it copies
# Has not logged last night yet: `make run` shows the evening reminder this patient gets.
NOT_YET_LOGGED_LAST_NIGHT = "frank"


@dataclass
class SeedReport:
    loaded: list[str]
    present: list[str]


def seed_patient(path: Path, clinic: Clinic, username: str = "") -> tuple[Patient, bool]:
    bundle = json.loads(path.read_text(encoding="utf-8"))
    if username:
        bundle["patient"]["username"] = username
    username = bundle["patient"]["username"]
    existing = Patient.objects.filter(user__username=username).first()
    if existing is not None:
        return existing, False
    zone = ZoneInfo(bundle["patient"]["timezone"])
    # The diary ends with the latest night that is over where the patient lives (the night
    # before it for the patient who has not logged yet).
    latest = last_completed_night(zone)
    if username == NOT_YET_LOGGED_LAST_NIGHT:
        latest -= timedelta(days=1)
    last = last_night(bundle)
    if last is not None:
        bundle = bundle_shift(bundle, (latest - last).days)
        answered_by_now(bundle)
    patient = bundle_import(bundle_validate(bundle), clinic=clinic)
    patient.user.set_password(DEMO_PASSWORD)
    patient.user.email = demo_email(username)
    patient.user.save(update_fields=["password", "email"])
    return patient, True


def demo_email(username: str) -> str:
    return f"{username}@example.org"  # a reserved domain: nothing can be delivered there


def answered_by_now(bundle: dict) -> None:
    """A night that ended minutes ago was answered at most now: a check-in time moved past the
    present (the scenario's 09:00 when the demo is loaded at 06:30) becomes the present."""
    now = timezone.now()
    for night in bundle["nights"]:
        at = night.get("checked_in_at")
        if at and datetime.fromisoformat(at) > now:
            night["checked_in_at"] = now.isoformat()


def ensure_user(username: str, **flags: bool) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": demo_email(username), **flags}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_seed(refresh: Callable[[Patient], None] | None = None) -> SeedReport:
    report = SeedReport(loaded=[], present=[])
    # Every demo account is in the one clinic a single-clinic installation has.
    clinic = default_clinic()
    patients: dict[str, Patient] = {}
    for scenario in SCENARIOS:
        patient, created = seed_patient(SEEDS / f"{scenario.username}.json", clinic)
        patients[scenario.username] = patient
        (report.loaded if created else report.present).append(scenario.username)
    for username, team in CARE_TEAMS.items():
        clinician = ensure_user(username)
        Clinician.objects.get_or_create(user=clinician, defaults={"clinic": clinic})
        for patient_name in team:
            patients[patient_name].care_team.add(clinician)
    clinician_name, patient_name, scenario = SECOND_CLINIC_TEAM
    second = Clinic.objects.get_or_create(
        slug=SECOND_CLINIC["slug"], defaults={"name": SECOND_CLINIC["name"]}
    )[0]
    patient, created = seed_patient(SEEDS / f"{scenario}.json", second, username=patient_name)
    patients[patient_name] = patient
    (report.loaded if created else report.present).append(patient_name)
    clinician = ensure_user(clinician_name)
    Clinician.objects.get_or_create(user=clinician, defaults={"clinic": second})
    patient.care_team.add(clinician)
    ensure_user("admin", is_staff=True, is_superuser=True)
    if refresh is not None:
        for patient in patients.values():
            refresh(patient)
    return report
