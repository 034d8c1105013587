"""The data version is the truth: with the production task backend (a write queues its
refresh for a worker that has not run yet), every reader shows the new ladder state at once;
the worker's run is only a head start; two refreshes racing leave one active flag per code."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.urls import reverse
from pypdf import PdfReader

from diary.models import Patient
from insights.models import Flag, PatientSummary
from insights.summary import ensure_fresh, ladder_state, refresh_summary
from tests.conftest import client_for
from tests.factories import DATABASE_TASKS, local, log_cramp, make_clinician, make_patient


def three_cramp_nights(patient: Patient) -> None:
    last = patient.last_completed_night()
    for back in range(3):
        log_cramp(patient, local(patient, last - timedelta(days=back) + timedelta(days=1), 2))


def summary_of(patient: Patient) -> PatientSummary | None:
    return PatientSummary.objects.filter(patient=patient).first()


@pytest.fixture
def background(settings, alice) -> Patient:
    """alice, summarised while quiet; from here on the production backend queues refreshes
    that no worker runs."""
    ladder_state(alice)
    settings.TASKS = DATABASE_TASKS
    return alice


def queued_refreshes() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="refresh_ladder_state").count()


@pytest.mark.django_db
def test_a_write_then_at_once_every_reader_shows_the_new_state(
    dr_lee, alice_client, lee_client, background
) -> None:
    alice = background
    three_cramp_nights(alice)
    assert queued_refreshes() == 3  # the worker's job, not done yet
    alice.refresh_from_db()
    assert summary_of(alice).data_version != alice.data_version  # stale in the database

    # The patient's home (template tag): the self-help shows while cramps are active.
    home = alice_client.get(reverse("diary:home"))
    assert home.status_code == 200 and "While the cramps keep coming" in home.content.decode()
    # flags.csv, the one CSV that carries flags.
    PatientSummary.objects.filter(patient=alice).update(data_version=0)  # stale again
    response = lee_client.get(reverse("exchange:cohort-csv", args=["flags"]))
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    (row,) = [line for line in body.splitlines() if line.startswith("alice,")]
    assert "reduce_amplitude" in row and row.split(",")[1] == "1"
    # The cohort page.
    PatientSummary.objects.filter(patient=alice).update(data_version=0)
    cohort = lee_client.get(reverse("clinic:cohort"))
    assert cohort.status_code == 200 and "reduce amplitude" in cohort.content.decode().lower()
    # The patient page.
    PatientSummary.objects.filter(patient=alice).update(data_version=0)
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert page.status_code == 200 and "Consider reducing the amplitude" in page.content.decode()
    # The visit summary PDF.
    PatientSummary.objects.filter(patient=alice).update(data_version=0)
    Flag.objects.filter(patient=alice).delete()
    response = lee_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Consider reducing the amplitude" in " ".join(text.split())
    # analyze.
    PatientSummary.objects.filter(patient=alice).update(data_version=0)
    Flag.objects.filter(patient=alice).delete()
    out = io.StringIO()
    call_command("analyze", "alice", "--json", stdout=out)
    assert '"code": "reduce_amplitude"' in out.getvalue()
    assert queued_refreshes() == 3  # every reader above refreshed for itself


@pytest.mark.django_db(transaction=True)  # the worker closes its connections when done
def test_the_worker_refreshes_what_no_reader_has(background, settings) -> None:
    settings.SUMMARY_REFRESH_DELAY = 0  # due at once, so the batch run takes it
    alice = background
    three_cramp_nights(alice)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    alice.refresh_from_db()
    summary = summary_of(alice)
    assert summary.data_version == alice.data_version and summary.flag_codes == [
        "reduce_amplitude"
    ]


@pytest.mark.django_db
def test_a_reader_leaves_a_current_state_alone(alice, django_assert_num_queries) -> None:
    three_cramp_nights(alice)
    before = summary_of(alice).computed_at
    assert ensure_fresh([alice]) == 0
    fresh = Patient.objects.select_related("summary").get(pk=alice.pk)
    with django_assert_num_queries(0):
        state = ladder_state(fresh)
    assert state.step == 1 and state.summary.computed_at == before


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_one_patient_at_once_both_succeed(settings) -> None:
    """Two gunicorn workers (or a worker and a page) refresh the same stale patient at the
    same moment: the row lock lets one compute, the other finds it done."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the race needs PostgreSQL's row locks")
    settings.TASKS = DATABASE_TASKS
    patient = make_patient("pat")
    three_cramp_nights(patient)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            mine = Patient.objects.get(pk=patient.pk)
            barrier.wait(timeout=10)
            refresh_summary(mine, only_if_stale=True)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    for _ in range(3):  # stale each time, so both threads race to the same work
        Patient.objects.filter(pk=patient.pk).update(data_version=patient.data_version + 100)
        patient.refresh_from_db()
        threads = [threading.Thread(target=refresh) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        active = list(Flag.objects.filter(patient=patient).active().values_list("code", flat=True))
        assert active == ["reduce_amplitude"]
        assert summary_of(patient).data_version == patient.data_version


@pytest.mark.django_db(transaction=True)
def test_two_forced_refreshes_at_once_raise_no_flag_twice(settings) -> None:
    """Even two refreshes that both recompute (refresh_all beside a page) serialise on the lock:
    the second sees the first's flag and keeps it, never a second active one."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the race needs PostgreSQL's row locks")
    settings.TASKS = DATABASE_TASKS
    patient = make_patient("pat")
    make_clinician("dr.x", patients=(patient,))
    three_cramp_nights(patient)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            mine = Patient.objects.get(pk=patient.pk)
            barrier.wait(timeout=10)
            refresh_summary(mine)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Flag.objects.filter(patient=patient, code="reduce_amplitude").count() == 1
    assert client_for(patient.user).get(reverse("diary:home")).status_code == 200
