"""A database rebuilt under a shared cache (a rollback, a restore, a test run against the same
cache server) reuses patient ids and data versions: a new patient with an old patient's id and
version must never be served the old patient's cached analysis, chart or record."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from clinic.models import default_clinic
from diary.models import Patient
from insights import charts
from insights.data import today_for
from tests.conftest import client_for
from tests.factories import local, log_cramp, make_clinician, make_patient


@pytest.fixture(autouse=True)
def _shared_cache():
    cache.clear()
    yield
    cache.clear()


class Rollback(Exception):
    pass


def test_a_patient_with_a_reused_id_and_version_never_sees_anothers_cache(db) -> None:
    with contextlib.suppress(Rollback), transaction.atomic():
        first = make_patient("first")
        last = today_for(first) - timedelta(days=1)
        for back in range(5):
            night = last - timedelta(days=back)
            log_cramp(first, local(first, night + timedelta(days=1), 2), notes="first-only")
        first.refresh_from_db()
        client = client_for(make_clinician("dr.first", patients=(first,)))
        page = client.get(reverse("clinic:patient", args=[first.pk])).content.decode()
        assert "first-only" in page and "Consider reducing" in page
        chart = client.get(reverse("insights:chart", args=[first.pk, "timeline", "svg"])).content
        pk, version = first.pk, first.data_version
        raise Rollback  # the rows go; the cache keeps what it rendered

    assert not Patient.objects.filter(pk=pk).exists()
    second = Patient.objects.create(
        pk=pk, user=User.objects.create_user(username="second"), data_version=version,
        clinic=default_clinic(),
    )
    client = client_for(make_clinician("dr.second", patients=(second,)))
    page = client.get(reverse("clinic:patient", args=[pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "second" in body
    assert "first-only" not in body and "Consider reducing" not in body
    again = client.get(reverse("insights:chart", args=[pk, "timeline", "svg"]))
    assert again.status_code == 200 and again["Content-Type"] == charts.FORMATS["svg"]
    assert again.content != chart
