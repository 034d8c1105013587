"""The cohort page: my patients only, their recent logging, triage order, bounded queries."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.cohort import recent_window
from diary.models import Patient
from diary.services import night_delete
from insights.models import PatientSummary
from tests.factories import (
    DATABASE_TASKS,
    change_settings,
    local,
    log_cramp,
    log_cramp_free,
    log_nights,
    make_clinician,
    make_patient,
)


def rows(client: Client, **params: str) -> list[Patient]:
    response = client.get(reverse("clinic:cohort"), params)
    assert response.status_code == 200
    return response.context["rows"]


def names(client: Client, **params: str) -> list[str]:
    return [row.username for row in rows(client, **params)]


def test_i_see_my_patients_only(alice: Patient, bob: Patient, lee_client: Client) -> None:
    assert sorted(names(lee_client)) == ["alice", "carmen"]
    assert "bob" not in lee_client.get(reverse("clinic:cohort")).content.decode()


def test_it_counts_logged_and_cramp_nights_of_the_last_14(
    alice: Patient, lee_client: Client
) -> None:
    window = recent_window()
    # 14 nights: 2 with cramps, 3 cramp-free, the rest not logged.
    log_nights(alice, window.first, [1, 0, None, 2, 0, None, None, None, None, None, None, 0])
    log_nights(alice, window.first - timedelta(days=3), [3])  # before the window
    log_cramp_free(alice, window.last)
    night_delete(night=alice.nights.get(date=window.last))  # deleted: not logged

    (row,) = [r for r in rows(lee_client) if r.pk == alice.pk]
    assert row.nights_logged_14 == 5
    assert row.cramp_nights_14 == 2
    assert row.last_night == window.first + timedelta(days=11)


def test_a_patient_with_no_nights_shows_zero_and_a_dash(
    carmen: Patient, lee_client: Client
) -> None:
    (row,) = [r for r in rows(lee_client) if r.pk == carmen.pk]
    assert (row.nights_logged_14, row.cramp_nights_14, row.last_night) == (0, 0, None)
    assert row.ladder_step is None


def test_it_shows_the_current_settings_of_the_corrected_timeline(
    alice: Patient, lee_client: Client
) -> None:
    first = alice.devices.get().settings_records.get()
    change_settings(alice, first.effective_at + timedelta(days=30), amplitude="1.1")
    (row,) = [r for r in rows(lee_client) if r.pk == alice.pk]
    latest = alice.devices.get().settings_records.latest("effective_at")
    assert row.current_settings.record_id == latest.pk
    assert row.current_settings.amplitude == 1.1
    assert "1.1 mA" in lee_client.get(reverse("clinic:cohort")).content.decode()


def test_it_filters_by_therapy_and_phase(
    alice: Patient, carmen: Patient, lee_client: Client
) -> None:
    assert names(lee_client, therapy="drg") == ["carmen"]
    assert names(lee_client, therapy="sacral", phase="permanent") == ["alice"]
    assert names(lee_client, phase="trial") == []
    assert sorted(names(lee_client, therapy="nonsense")) == ["alice", "carmen"]


def summarise(patient: Patient, **fields: object) -> None:
    """A summary made up for the test, current with the patient's data (so not recomputed)."""
    patient.refresh_from_db(fields=["data_version"])
    defaults = {
        "ladder_step": None, "lead_migration": False, "cramp_night_rate_14": None,
        "data_version": patient.data_version,
    }
    PatientSummary.objects.update_or_create(patient=patient, defaults={**defaults, **fields})


def test_triage_puts_lead_migration_then_ladder_step_then_cramp_rate_first(
    alice: Patient, carmen: Patient, lee_client: Client
) -> None:
    dr_lee = User.objects.get(username="dr.lee")
    dev = make_patient("dev")
    erin = make_patient("erin")
    for patient in (dev, erin):
        patient.care_team.add(dr_lee)
    summarise(alice, ladder_step=1, cramp_night_rate_14=0.9)
    summarise(carmen, ladder_step=2, cramp_night_rate_14=0.1)
    summarise(dev, ladder_step=None, lead_migration=True)
    PatientSummary.objects.filter(patient=erin).delete()  # no summary yet: last
    assert names(lee_client) == ["dev", "carmen", "alice", "erin"]
    assert names(lee_client, sort="patient") == ["alice", "carmen", "dev", "erin"]
    page = lee_client.get(reverse("clinic:cohort")).content.decode()
    assert "Possible lead migration" in page and "Step 2" in page


def test_it_sorts_by_cramp_nights(alice: Patient, carmen: Patient, lee_client: Client) -> None:
    window = recent_window()
    log_nights(carmen, window.first, [1, 1])
    log_nights(alice, window.first, [1])
    assert names(lee_client, sort="cramp_nights") == ["carmen", "alice"]
    assert names(lee_client, sort="last_night")[0] == "carmen"


def test_it_pages_by_25(db) -> None:
    patients = [make_patient(f"p{i:02d}") for i in range(27)]
    client = Client()
    client.force_login(make_clinician("dr.busy", patients=tuple(patients)))
    assert len(rows(client)) == 25
    assert len(rows(client, page="2")) == 2


def count_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("clinic:cohort")).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_patients(db) -> None:
    window = recent_window()
    clinician = make_clinician("dr.count")
    client = Client()
    client.force_login(clinician)
    counts = {}
    created = 0
    for target in (3, 30):
        while created < target:
            patient = make_patient(f"p{created:02d}")
            patient.care_team.add(clinician)
            log_nights(patient, window.first, [created % 3, 0, 1])
            if created % 2:
                summarise(patient, ladder_step=created % 4)
            created += 1
        client.get(reverse("clinic:cohort"))  # warm the session's last-seen stamp
        counts[target] = count_queries(client)
    assert counts[3] == counts[30]
    assert counts[30] <= 8


def test_the_cohort_refreshes_a_summary_left_stale_before_it_sorts(
    alice: Patient, carmen: Patient, lee_client: Client, settings
) -> None:
    settings.TASKS = DATABASE_TASKS  # queued for a worker that never comes
    last = alice.last_completed_night()
    for back in range(3):
        log_cramp(alice, local(alice, last - timedelta(days=back) + timedelta(days=1), 2))
    alice.refresh_from_db()
    assert PatientSummary.objects.get(patient=alice).data_version != alice.data_version
    (row,) = [r for r in rows(lee_client) if r.pk == alice.pk]
    assert row.ladder_step == 1
    assert names(lee_client)[0] == "alice"
    assert PatientSummary.objects.get(patient=alice).data_version == alice.data_version


def test_rows_link_to_the_patient_and_sort_links_keep_the_filters(
    alice: Patient, lee_client: Client
) -> None:
    page = lee_client.get(reverse("clinic:cohort"), {"therapy": "sacral", "sort": "ladder"})
    html = page.content.decode()
    assert f'href="{reverse("clinic:patient", args=[alice.pk])}">alice</a>' in html
    assert 'href="?sort=cramp_nights&amp;therapy=sacral"' in html
    assert 'aria-current="true">Ladder ▾</a>' in html


def test_the_ladder_column_names_the_step(
    alice: Patient, carmen: Patient, lee_client: Client
) -> None:
    summarise(alice, ladder_step=2)
    summarise(carmen, ladder_step=0)
    page = lee_client.get(reverse("clinic:cohort")).content.decode()
    assert "Step 2: reprogram" in page
    assert "Step 0: rule out other causes" in page


def test_a_settings_change_with_the_patients_remote_in_the_last_14_nights_is_marked(
    alice: Patient, carmen: Patient, lee_client: Client
) -> None:
    window = recent_window()
    recent = local(alice, window.last - timedelta(days=3), 21)
    change_settings(alice, recent, amplitude=1.0, source="patient_remote")
    # carmen's remote change is older than the window, and a clinic change is no remote one.
    change_settings(carmen, local(carmen, window.first - timedelta(days=5), 21), amplitude=1.0,
                    source="patient_remote")
    change_settings(carmen, local(carmen, window.last - timedelta(days=2), 21), amplitude=0.8)
    marked = {row.username: row.remote_change for row in rows(lee_client)}
    assert marked == {"alice": True, "carmen": False}
    page = lee_client.get(reverse("clinic:cohort")).content.decode()
    assert page.count("Changed with the patient's remote") == 1
