"""Summaries refresh off the request path, once per burst of writes, and readers never see a
stale one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from insights import summary
from insights.models import PatientSummary
from tests.factories import local, log_cramp, make_patient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def background(settings):
    settings.SUMMARY_REFRESH = "background"
    settings.SUMMARY_REFRESH_DELAY = 0.05
    yield
    summary.wait_for_refreshes()


def three_cramp_nights(patient) -> None:
    last = patient.last_completed_night()
    for back in range(3):
        log_cramp(patient, local(patient, last - timedelta(days=back) + timedelta(days=1), 2))


def test_a_write_refreshes_the_summary_in_the_background(background):
    patient = make_patient("pat")
    three_cramp_nights(patient)
    summary.wait_for_refreshes()
    patient.refresh_from_db()
    row = PatientSummary.objects.get(patient=patient)
    assert row.data_version == patient.data_version
    assert row.ladder_step == 1 and row.flag_codes == ["reduce_amplitude"]


def test_a_burst_of_writes_makes_one_refresh(background, settings, monkeypatch):
    settings.SUMMARY_REFRESH_DELAY = 0.5
    patient = make_patient("pat")
    summary.wait_for_refreshes()
    calls: list[int] = []
    original = summary.refresh_summary
    monkeypatch.setattr(summary, "refresh_summary", lambda p: calls.append(p.pk) or original(p))
    three_cramp_nights(patient)
    summary.wait_for_refreshes()
    assert calls == [patient.pk]


def test_a_reader_refreshes_a_summary_left_stale(settings):
    settings.SUMMARY_REFRESH = "inline"
    patient = make_patient("pat")
    settings.SUMMARY_REFRESH = "background"
    settings.SUMMARY_REFRESH_DELAY = 3600  # as if the worker died before running it
    three_cramp_nights(patient)
    patient.refresh_from_db()
    assert PatientSummary.objects.get(patient=patient).data_version != patient.data_version
    assert summary.ensure_fresh([patient]) == 1
    row = PatientSummary.objects.get(patient=patient)
    assert row.data_version == patient.data_version and row.ladder_step == 1
    assert summary.ensure_fresh([patient]) == 0
    summary._refresher.due.clear()
