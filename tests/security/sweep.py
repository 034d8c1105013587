"""Every URL of the project, from the URL resolver, with its path arguments filled from alice's
data. Used by the URL sweep and the CSRF test, so a page added anywhere is covered by both
without anyone remembering to list it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from diary.models import CrampEpisode, Medication, Night, Patient
from diary.services import episode_create, medication_create, night_check_in
from exchange.csv_reports import COHORT_KINDS, PATIENT_KINDS
from insights import charts
from programming.models import Device, ProgrammingVisit, SettingsRecord
from programming.services import visit_record_create, visit_report_attach
from tests.factories import local

# Never swept: the Django admin (staff only, its own permission system) and static files.
SKIPPED_PREFIXES = ("admin/", "static/", "media/")
ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

# Strings that appear only in alice's data: another user's response must never contain them.
ALICE_MARKERS = ("Zyxalice", "Qwvmarker", "Zqmedicine", "ZQ night note")


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    arguments: tuple[str, ...]

    @property
    def audience(self) -> str:
        """Who the page is for, by where it lives. A new top-level path must be placed here."""
        if self.route == "":
            return "account"  # the start page sends each user to their own home
        for prefix, audience in sorted(AUDIENCES.items(), key=lambda item: -len(item[0])):
            if self.route.startswith(prefix):
                return audience
        raise AssertionError(
            f"The URL sweep does not know who /{self.route} is for: add its prefix to "
            "AUDIENCES in tests/security/sweep.py."
        )

    @property
    def is_public(self) -> bool:
        return self.name in PUBLIC

    @property
    def is_patient_scoped(self) -> bool:
        return any(name in ALICE_OBJECTS for name in self.arguments)


# The most specific prefix wins.
AUDIENCES = {
    "diary/": "patient",
    "clinic/": "clinician",
    "accounts/": "account",
    "settings/": "account",
    "sw.js": "account",
    "health/": "account",  # public: no log-in, no patient data
    "i18n/": "account",  # public: the language cookie before log-in
    "exports/mine/": "patient",
    "exports/": "clinician",
    "insights/me/": "patient",
    "insights/": "clinician",
}


@dataclass
class AliceWorld:
    patient: Patient
    night: Night
    cramp_free_night: Night
    episode: CrampEpisode
    medication: Medication
    device: Device
    record: SettingsRecord
    flag: Any
    visit: ProgrammingVisit


def build_alice_world(alice: Patient) -> AliceWorld:
    user = alice.user
    user.first_name, user.last_name = "Zyxalice", "Qwvmarker"
    user.save(update_fields=["first_name", "last_name"])
    at = local(alice, date(2025, 4, 3), 2)
    episode, _ = episode_create(patient=alice, started_at=at, severity=6, notes="ZQ night note")
    cramp_free = night_check_in(
        patient=alice, night_date=date(2025, 4, 5), cramp_free=True, notes="ZQ night note"
    )
    medication = medication_create(
        patient=alice, name="Zqmedicine", category="statin", started_on=date(2025, 1, 1)
    )
    device = alice.devices.get()
    flag = apps.get_model("insights", "Flag").objects.create(
        patient=alice, code="sweep", title="Sweep flag", explanation="For the URL sweep.",
        fingerprint="sweep", raised_at=timezone.now(),
    )
    # A programming visit with no new settings (the world keeps one settings record), and its
    # report, carrying a marker: the sweep checks nobody outside the team downloads it.
    visit = visit_record_create(
        device=device, visited_at=local(alice, date(2025, 4, 4), 10), clinician=None,
        configurations=[{"electrodes": "0-3+", "amplitude_unit": "mA", "felt_at": "perineum"}],
        note="ZQ night note",
    )
    visit_report_attach(
        visit=visit, report=ContentFile(b"%PDF-1.4\n% ZQ night note\n%%EOF\n", name="r.pdf")
    )
    return AliceWorld(
        patient=alice,
        night=episode.night,
        cramp_free_night=cramp_free,
        episode=episode,
        medication=medication,
        device=device,
        record=SettingsRecord.objects.for_patient(alice).get(),
        flag=flag,
        visit=visit,
    )


# Every path argument a URL may take, mapped to one of alice's objects. A URL with an argument
# not listed here fails the sweep: a new page cannot slip through unchecked.
ALICE_OBJECTS: dict[str, Callable[[AliceWorld], Any]] = {
    "patient_id": lambda world: world.patient.pk,
    "night_id": lambda world: world.night.pk,
    "episode_id": lambda world: world.episode.pk,
    "medication_id": lambda world: world.medication.pk,
    "device_id": lambda world: world.device.pk,
    "record_id": lambda world: world.record.pk,
    "flag_id": lambda world: world.flag.pk,
    "visit_id": lambda world: world.visit.pk,
}
# Arguments that choose what a page shows, not whose: one valid value each.
SELECTORS: dict[str, str] = {
    "kind": "episodes",
    "chart": "timeline",
    "fmt": "svg",
}
# Arguments that name no patient's object, only on public pages.
PUBLIC_ARGUMENTS: dict[str, str] = {
    "uidb64": "MQ",
    "token": "not-a-real-token",
}

# Pages anyone may open. Each gets its own expectations in test_url_sweep.py.
PUBLIC = {
    "login",
    "logout",
    "clinic:set-password",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "notify:off",
    "service-worker",
    "health-live",
    "health-ready",
    "set_language",
    "javascript-catalog",
    # Sign-in with the hospital's accounts: 404 unless configured (tests/accounts/test_oidc.py).
    "accounts:oidc-sign-in",
    "accounts:oidc-callback",
}
# Views that take a POST without a CSRF token, each with the reason. Their own tests show a
# forged request changes nothing.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: the mail client posts with no token; the signed link
    # is the credential, and all it can do is turn one kind of message off.
    "notify:off",
}


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            if route.startswith(SKIPPED_PREFIXES):
                continue
            arguments = tuple(match["name"] for match in ARGUMENT.finditer(route))
            name = f"{namespace}{pattern.name or route}"
            yield Route(name=name, route=route, arguments=arguments)


def all_routes() -> list[Route]:
    return sorted(_walk(get_resolver().url_patterns, "", ""), key=lambda r: r.route)


def unknown_arguments(route: Route) -> list[str]:
    known = ALICE_OBJECTS.keys() | SELECTORS.keys()
    if route.is_public:
        known |= PUBLIC_ARGUMENTS.keys()
    return [name for name in route.arguments if name not in known]


def url_for(route: Route, world: AliceWorld) -> str:
    missing = unknown_arguments(route)
    assert not missing, (
        f"/{route.route} ({route.name}) takes {missing}, which the URL sweep does not know: "
        "add each to ALICE_OBJECTS in tests/security/sweep.py, mapped to one of alice's objects."
    )

    def value(match: re.Match[str]) -> str:
        name = match["name"]
        if name in ALICE_OBJECTS:
            return str(ALICE_OBJECTS[name](world))
        if name in SELECTORS:
            return SELECTORS[name]
        return PUBLIC_ARGUMENTS[name]

    return "/" + ARGUMENT.sub(value, route.route)


# Models whose rows a refused request must leave exactly as they were.
WATCHED_APPS = (
    "diary", "programming", "clinic", "insights", "exchange", "accounts", "auth", "otp_totp",
    "auditlog", "notify",
)


def database_fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    fingerprint = {}
    for model in apps.get_models():
        if model._meta.app_label in WATCHED_APPS:
            rows = model._default_manager.order_by("pk").values_list()
            fingerprint[model._meta.label] = list(rows)
    return fingerprint


# A POST that would pass most of the project's forms, so a view that forgot its access check
# would write something the fingerprint catches.
KITCHEN_SINK_POST = {
    "severity": "7",
    "started_at": "2025-04-04T02:00",
    "when": "now",
    "date": "2025-04-04",
    "night_date": "2025-04-04",
    "duration_min": "5",
    "side": "left",
    "site": "calf",
    "notes": "written by someone else",
    "name": "Other drug",
    "category": "other",
    "started_on": "2025-01-01",
    "stopped_on": "2025-02-01",
    "amplitude": "1.0",
    "amplitude_unit": "mA",
    "pulse_width_us": "210",
    "frequency_hz": "14",
    "stimulation_on": "on",
    "reason": "other",
    "effective_at": "2025-04-04T10:00",
    "confirm": "1",
    "cramp_free": "1",
    "acknowledge": "1",
    "username": "mallory",
    "timezone": "UTC",
    "new_password1": "an-excellent-passphrase-42",
    "new_password2": "an-excellent-passphrase-42",
}


# --- the pages a patient and their clinician can open, for the tests that render them all ---


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def patient_pages(patient: Patient) -> list[str]:
    urls = [
        reverse("diary:home"), reverse("diary:history"), reverse("diary:medications"),
        reverse("diary:remote-change"), reverse("diary:log-cramp"), reverse("diary:night-new"),
    ]
    urls += [reverse("insights:my-last-30-nights", args=[fmt]) for fmt in charts.FORMATS]
    urls += [reverse("exchange:my-csv", args=[kind]) for kind in PATIENT_KINDS]
    nights = Night.objects.for_patient(patient).order_by("date")
    urls += [reverse("diary:night", args=[n.pk]) for n in nights]
    episodes = CrampEpisode.objects.for_patient(patient)
    urls += [reverse("diary:episode", args=[e.pk]) for e in episodes]
    medications = Medication.objects.for_patient(patient)
    urls += [reverse("diary:medication-stop", args=[m.pk]) for m in medications]
    return urls


def clinician_pages(patient: Patient) -> list[str]:
    urls = [reverse("clinic:cohort"), reverse("clinic:patient", args=[patient.pk])]
    urls += [
        reverse("insights:chart", args=[patient.pk, chart, fmt])
        for chart in charts.CHARTS for fmt in charts.FORMATS
    ]
    urls.append(reverse("insights:visit-summary", args=[patient.pk]))
    urls += [reverse("exchange:patient-csv", args=[patient.pk, k]) for k in PATIENT_KINDS]
    urls += [reverse("exchange:cohort-csv", args=[kind]) for kind in COHORT_KINDS]
    urls.append(reverse("programming:program", args=[patient.pk]))
    urls.append(reverse("programming:planned-trial", args=[patient.pk]))
    records = SettingsRecord.objects.for_patient(patient).filter(correction__isnull=True)
    urls += [reverse("programming:correct", args=[patient.pk, r.pk]) for r in records]
    return urls
