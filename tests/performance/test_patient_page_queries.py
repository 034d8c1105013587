"""Issue 9: the clinician's patient page costs at most 12 queries, the same for a month of
nights as for years of them (`make bench` measures five years; 400 nights keep this fast)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diary.models import Patient
from tests.performance.conftest import synthetic_patients

MAX_QUERIES = 12


def page_queries(client: Client, patient: Patient) -> int:
    url = reverse("clinic:patient", args=[patient.pk])
    assert client.get(url).status_code == 200  # warms the session and the chart cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_patient_page_costs_the_same_queries_for_30_and_400_nights(
    dr_bench: User, bench_client: Client
) -> None:
    (month,) = synthetic_patients(dr_bench, patients=1, days=30, seed=1)
    (years,) = synthetic_patients(dr_bench, patients=1, days=400, seed=2)
    assert years.nights.count() > 10 * month.nights.count()
    assert page_queries(bench_client, month) == page_queries(bench_client, years)


def test_the_patient_page_needs_at_most_12_queries(
    dr_bench: User, bench_client: Client, django_assert_max_num_queries
) -> None:
    (patient,) = synthetic_patients(dr_bench, patients=1, days=400, seed=3)
    url = reverse("clinic:patient", args=[patient.pk])
    bench_client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert bench_client.get(url).status_code == 200
