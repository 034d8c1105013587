"""No stored value makes a page answer 500. The forms now refuse dates outside the diary's
bounds, but a database may hold rows from before the bounds existed: they are written here
straight through the ORM, bypassing every check, and every page must still answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.models import CrampEpisode, DailyOutcome, Medication, Night, Patient
from exchange.csv_reports import COHORT_KINDS, PATIENT_KINDS
from insights import charts
from programming.models import SettingsRecord
from tests.conftest import client_for
from tests.factories import make_clinician, make_patient
from tests.security.sweep import ARGUMENT, SELECTORS, all_routes, body, clinician_pages

YEAR_1 = datetime(1, 1, 1, 0, 0, tzinfo=UTC)
YEAR_9999 = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)


def remote_changes_in_the_year_1(patient: Patient) -> list[SettingsRecord]:
    device = patient.devices.get()
    return [
        SettingsRecord.objects.create(
            device=device, effective_at=YEAR_1.replace(day=day), amplitude=Decimal(amplitude),
            amplitude_unit="mA", pulse_width_us=210, frequency_hz=Decimal("14"),
            source="patient_remote", reason="other",
        )
        for day, amplitude in ((1, "1.0"), (2, "1.5"), (3, "2.5"))
    ]


def test_three_remote_changes_in_the_year_1_leave_every_clinician_page_working(
    bob: Patient, okafor_client: Client
) -> None:
    # bob lives in New York: the year 1 at midnight UTC is before the calendar begins there.
    remote_changes_in_the_year_1(bob)
    for url in clinician_pages(bob):
        response = okafor_client.get(url)
        assert response.status_code == 200, url
        assert body(response), url
    page = okafor_client.get(reverse("clinic:patient", args=[bob.pk])).content.decode()
    assert page.count("patient remote") >= 3  # the records are shown, not hidden


def test_the_visit_summary_and_charts_still_show_the_diary_within_the_bounds(
    bob: Patient, okafor_client: Client
) -> None:
    remote_changes_in_the_year_1(bob)
    svg = okafor_client.get(reverse("insights:chart", args=[bob.pk, "timeline", "svg"]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    pdf = okafor_client.get(reverse("insights:visit-summary", args=[bob.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def extreme_rows(patient: Patient, moments: list[datetime]) -> dict[str, int]:
    """Every kind of dated row, at each moment: settings, night, check-in, cramp, medicine."""
    device = patient.devices.get()
    ids: dict[str, int] = {"patient_id": patient.pk, "device_id": device.pk}
    for moment in moments:
        remote = SettingsRecord.objects.create(
            device=device, effective_at=moment, amplitude=Decimal("1.5"), amplitude_unit="mA",
            pulse_width_us=210, frequency_hz=Decimal("14"), source="patient_remote",
        )
        night = Night.objects.create(
            patient=patient, date=moment.date(), timezone=patient.timezone,
            checked_in_at=moment, therapy_benefit=3,
        )
        episode = CrampEpisode.objects.create(
            night=night, started_at=moment, severity=5, relieved_by=["device_off"],
            stimulation_felt="different_location",
        )
        medication = Medication.objects.create(
            patient=patient, name="Prednisone", category="steroid",
            started_on=moment.date(), stopped_on=moment.date(),
        )
        DailyOutcome.objects.create(
            patient=patient, date=moment.date(), voids=32767, leaks=32767, pads=0,
            pain_average=32767, pain_worst=32767, bowel_incontinence_episodes=32767, pgic=32767,
        )
        ids.update(
            record_id=remote.pk, night_id=night.pk, episode_id=episode.pk,
            medication_id=medication.pk,
        )
    Medication.objects.create(
        patient=patient, name="Simvastatin", category="statin",
        started_on=date(2025, 1, 1), stopped_on=date(9999, 12, 31),
    )
    return ids


def every_get_url(ids: dict[str, int]) -> list[tuple[str, str]]:
    """(audience, url) for every page of the project a patient or clinician can GET."""
    out = []
    for route in all_routes():
        if route.is_public or "flag_id" in route.arguments:
            continue
        url = "/" + ARGUMENT.sub(
            lambda m: str(ids.get(m["name"], SELECTORS.get(m["name"]))), route.route
        )
        urls = [url]
        if "chart" in route.arguments:
            urls = [
                url.replace("/timeline.svg", f"/{chart}.{fmt}")
                for chart in charts.CHARTS for fmt in charts.FORMATS
            ]
        elif "fmt" in route.arguments:
            urls = [url.replace(".svg", f".{fmt}") for fmt in charts.FORMATS]
        elif "kind" in route.arguments:
            urls = [url.replace("episodes", kind) for kind in {*PATIENT_KINDS, *COHORT_KINDS}]
        out += [(route.audience, u) for u in urls]
    return out


def server_errors(patient: Patient, clinician: User, ids: dict[str, int]) -> list[tuple]:
    """Every GET page of the patient's, as the patient and as their clinician: the ones that
    answered 5xx (streamed bodies read to the end)."""
    clients = {"patient": client_for(patient.user), "clinician": client_for(clinician)}
    clients["account"] = clients["patient"]
    failures = []
    for audience, url in every_get_url(ids):
        response = clients[audience].get(url)
        body(response)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    return failures


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati"])
def test_rows_at_both_ends_of_the_calendar_break_no_page(db, zone: str) -> None:
    patient = make_patient("extreme", timezone=zone)
    clinician: User = make_clinician("dr.extreme", patients=(patient,))
    ids = extreme_rows(patient, [YEAR_1, YEAR_9999])
    assert server_errors(patient, clinician, ids) == []


def extreme_burden(patient: Patient) -> dict[str, int]:
    """Recent nights, inside the analysis, each with a sleep disturbance the form would refuse
    or its edges (0, 10, 11, the largest the column holds, none) and cramps as long and as
    severe as the columns hold, on both sides of a settings change."""
    first = patient.last_completed_night() - timedelta(days=20)
    device = patient.devices.get()
    SettingsRecord.objects.create(
        device=device, effective_at=datetime.combine(first + timedelta(days=10), time(12),
                                                     tzinfo=patient.tz),
        amplitude=Decimal("1.5"), amplitude_unit="mA", pulse_width_us=210,
        frequency_hz=Decimal("14"), source="clinic", reason="reduce_amplitude",
    )
    ids: dict[str, int] = {"patient_id": patient.pk, "device_id": device.pk}
    values = [0, 10, 11, 32767, None]
    for offset in range(20):
        night = Night.objects.create(
            patient=patient, date=first + timedelta(days=offset), timezone=patient.timezone,
            checked_in_at=timezone.now(), sleep_disturbance=values[offset % len(values)],
        )
        if offset % 2:
            episode = CrampEpisode.objects.create(
                night=night, severity=32767, duration_min=32767, woke_from_sleep=offset % 3 == 0,
                started_at=datetime.combine(night.date + timedelta(days=1), time(2),
                                            tzinfo=patient.tz),
            )
            ids.update(episode_id=episode.pk)
        ids.update(night_id=night.pk)
    ids["record_id"] = SettingsRecord.objects.filter(device=device).latest("id").pk
    ids["medication_id"] = Medication.objects.create(
        patient=patient, name="Prednisone", category="steroid", started_on=first
    ).pk
    # The daily outcome (issue 24) at the column's edges, on both sides of the change.
    for offset in range(20):
        extreme = values[offset % len(values)]
        DailyOutcome.objects.create(
            patient=patient, date=first + timedelta(days=offset), leaks=extreme,
            voids=extreme, urgency_episodes=32767, pads=extreme, pain_average=extreme,
            pain_worst=extreme, bowel_incontinence_episodes=extreme, pgic=extreme,
        )
    return ids


def test_a_stored_extreme_sleep_disturbance_breaks_no_page(db) -> None:
    patient = make_patient("disturbed", timezone="Pacific/Kiritimati")
    clinician: User = make_clinician("dr.disturbed", patients=(patient,))
    ids = extreme_burden(patient)
    assert server_errors(patient, clinician, ids) == []
    # The extremes were read, not skipped: each side's 8 answers (0, 10, 11, 32767 twice)
    # are averaged on the clinician's page.
    page = client_for(clinician).get(reverse("clinic:patient", args=[patient.pk]))
    assert page.content.decode().count("sleep disturbance 8197.0 (8 answered)") == 2


@pytest.mark.parametrize("therapy, indication", [
    ("sacral", "bladder"), ("sacral", "bowel"), ("spinal_cord", "bladder"),
])
def test_a_stored_extreme_daily_outcome_breaks_no_page(db, therapy: str, indication: str) -> None:
    patient = make_patient("outcomes", timezone="Pacific/Kiritimati", therapy=therapy)
    patient.sacral_indication = indication
    patient.save(update_fields=["sacral_indication"])
    clinician: User = make_clinician("dr.outcomes", patients=(patient,))
    ids = extreme_burden(patient)
    extreme_rows(patient, [YEAR_1, YEAR_9999])
    assert server_errors(patient, clinician, ids) == []
    # The extremes were read: the page states the outcome, not an error.
    page = client_for(clinician).get(reverse("clinic:patient", args=[patient.pk]))
    assert "The therapy" in page.content.decode()
