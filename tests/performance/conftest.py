"""Synthetic patients for the query-count tests, made by the same generator as `make bench`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from diary.models import Patient
from exchange.synthetic import SyntheticRun, generate_synthetic
from tests.conftest import client_for
from tests.factories import make_clinician


def synthetic_patients(clinician: User, *, patients: int, days: int, seed: int) -> list[Patient]:
    run = SyntheticRun(
        patients=patients, days=days, seed=seed,
        end=timezone.localdate() - timedelta(days=1),
    )
    ids = generate_synthetic(run, clinician)
    return list(Patient.objects.filter(pk__in=ids).order_by("pk"))


@pytest.fixture
def dr_bench(db) -> User:
    return make_clinician("dr.bench")


@pytest.fixture
def bench_client(dr_bench: User) -> Client:
    return client_for(dr_bench)
