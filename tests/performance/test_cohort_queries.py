"""Issue 9: the cohort page reads one summary row per patient, so its queries do not grow
with the cohort (`make bench` compares 10 and 1,000 patients; 3 and 30 here)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.performance.conftest import synthetic_patients


def cohort_queries(client: Client) -> int:
    url = reverse("clinic:cohort")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_cohort_page_costs_the_same_queries_for_3_and_30_patients(
    dr_bench: User, bench_client: Client
) -> None:
    synthetic_patients(dr_bench, patients=3, days=60, seed=11)
    with_3 = cohort_queries(bench_client)
    synthetic_patients(dr_bench, patients=27, days=60, seed=12)
    with_30 = cohort_queries(bench_client)
    assert with_3 == with_30 <= 8
