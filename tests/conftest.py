"""Personas, in healthchecks' manner: alice (patient), bob (another patient), dr_lee (alice's
and carmen's clinician), dr_okafor (bob's clinician, not alice's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from diary.models import Patient
from tests.factories import make_clinician, make_patient


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_unless_asked() -> Iterator[None]:
    # A request through LocaleMiddleware leaves its language active in the thread: a test
    # after one asking for German would read German numbers and dates in a chart or sentence
    # it builds directly. Each test starts in English, as a page with no Accept-Language.
    with translation.override("en"):
        yield


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _password_log_in(settings) -> None:
    # The personas log in with a password alone, whatever DEBUG says; the required two-factor
    # set-up has its own tests (tests/accounts/test_require_two_factor.py).
    settings.REQUIRE_TWO_FACTOR = False


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings) -> None:
    # Background tasks run inside the call that queues them, so a test reads the ladder state
    # its own write produced. tests/insights/test_background_refresh.py covers the database
    # backend, where nothing runs until a worker does and every reader refreshes for itself.
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def _no_request_clinic_scope(settings) -> None:
    # The suite connects to PostgreSQL as a superuser, whom row-level security never limits,
    # and pins query counts that are the same on both databases: the per-request clinic
    # transaction (clinic.tenancy) is off here and on in tests/clinic/test_row_security.py.
    settings.CLINIC_ROW_SECURITY = False


@pytest.fixture(scope="session")
def _private_media_dir(tmp_path_factory) -> object:
    return tmp_path_factory.mktemp("private-media")


@pytest.fixture(autouse=True)
def _private_media(settings, _private_media_dir) -> None:
    # Uploaded reports go to a temporary folder, never into the work tree.
    settings.PRIVATE_MEDIA_ROOT = _private_media_dir


@pytest.fixture
def alice(db) -> Patient:
    return make_patient("alice", timezone="Europe/Amsterdam")


@pytest.fixture
def bob(db) -> Patient:
    return make_patient("bob", timezone="America/New_York", therapy="spinal_cord")


@pytest.fixture
def carmen(db) -> Patient:
    return make_patient("carmen", timezone="Europe/Madrid", therapy="drg")


@pytest.fixture
def dr_lee(alice: Patient, carmen: Patient) -> User:
    return make_clinician("dr.lee", patients=(alice, carmen))


@pytest.fixture
def dr_okafor(bob: Patient) -> User:
    return make_clinician("dr.okafor", patients=(bob,))


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def alice_client(alice: Patient) -> Client:
    return client_for(alice.user)


@pytest.fixture
def bob_client(bob: Patient) -> Client:
    return client_for(bob.user)


@pytest.fixture
def lee_client(dr_lee: User) -> Client:
    return client_for(dr_lee)


@pytest.fixture
def okafor_client(dr_okafor: User) -> Client:
    return client_for(dr_okafor)
