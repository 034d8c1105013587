"""PostgreSQL's row-level security keyed on the clinic (clinic/migrations/0005, clinic.tenancy):
with the app-level rule taken away, a query run as the app's role sees only the clinic named
in `stimdiary.clinic`. The suite connects as a superuser, whom row-level security never limits,
so each test creates the app's role (NOSUPERUSER NOBYPASSRLS, DML grants only, as
app_role_sql prints) and SET LOCAL ROLEs to it inside its own transaction. Runs in the
PostgreSQL half of CI (.ci/run); skipped on SQLite, which has no row-level security."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from clinic import tenancy
from clinic.models import Clinic
from diary.models import CrampEpisode, Night, Patient
from insights.models import Flag
from programming.models import Device, SettingsRecord
from tests.conftest import client_for
from tests.factories import PASSWORD, local, log_cramp, make_clinician, make_patient
from tests.security.sweep import ALICE_MARKERS, all_routes, body, build_alice_world, url_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-level security is PostgreSQL's; on SQLite the app-level rule alone applies",
)

APP_ROLE = "stimdiary_rls_test_app"


@pytest.fixture
def clinic_b(db) -> Clinic:
    return Clinic.objects.create(name="Pain clinic", slug="pain")


@pytest.fixture
def bela(clinic_b: Clinic) -> Patient:
    patient = make_patient("bela", clinic=clinic_b)
    log_cramp(patient, local(patient, date(2025, 4, 3), 2))
    return patient


@pytest.fixture
def both(alice: Patient, bela: Patient) -> tuple[Patient, Patient]:
    log_cramp(alice, local(alice, date(2025, 4, 3), 2))
    for patient in (alice, bela):
        patient.flags.create(
            code="rls", title="Flag", explanation="-", fingerprint="f",
            raised_at=local(patient, date(2025, 4, 4), 9),
        )
    return alice, bela


@pytest.fixture
def as_app_role(db) -> None:
    """From here to the end of the test's transaction, queries run as the app's role."""
    with connection.cursor() as cursor:
        for statement in tenancy.app_role_statements(APP_ROLE, connection.settings_dict["NAME"]):
            cursor.execute(statement)
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")


def counts(patient: Patient) -> dict[str, int]:
    return {
        "patient": Patient.objects.filter(pk=patient.pk).count(),
        "night": Night.objects.filter(patient_id=patient.pk).count(),
        "episode": CrampEpisode.objects.filter(night__patient_id=patient.pk).count(),
        "device": Device.objects.filter(patient_id=patient.pk).count(),
        "settings": SettingsRecord.objects.filter(device__patient_id=patient.pk).count(),
        "flag": Flag.objects.filter(patient_id=patient.pk).count(),
        "care team": Patient.care_team.through.objects.filter(patient_id=patient.pk).count(),
    }


def test_the_app_role_is_limited_by_row_level_security(as_app_role: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_a_query_that_forgot_the_filter_sees_only_the_named_clinic(
    both: Any, dr_lee: Any, as_app_role: None
) -> None:
    alice, bela = both
    tenancy.scope_set(str(bela.clinic_id))
    bela.care_team.add(make_clinician("dr.b", clinic=bela.clinic))  # a write in B: allowed
    assert list(Patient.objects.all()) == [bela]
    assert set(counts(alice).values()) == {0}
    assert 0 not in counts(bela).values()


def test_with_no_clinic_named_nothing_is_seen_and_with_all_everything(
    both: Any, as_app_role: None
) -> None:
    alice, bela = both
    tenancy.scope_set(tenancy.NO_CLINIC)
    assert Patient.objects.count() == 0 and Night.objects.count() == 0
    assert Flag.objects.count() == 0
    tenancy.scope_set(tenancy.ALL)
    assert set(Patient.objects.all()) == {alice, bela}
    assert counts(alice)["night"] == counts(bela)["night"] == 1


def test_a_write_into_another_clinics_patient_is_refused(both: Any, as_app_role: None) -> None:
    alice, bela = both
    tenancy.scope_set(str(bela.clinic_id))
    with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
        Night.objects.create(patient_id=alice.pk, date=date(2025, 5, 1), timezone="UTC")
    assert Night.objects.filter(patient_id=alice.pk).update(notes="x") == 0


def test_every_table_of_patient_data_has_forced_row_level_security(db) -> None:
    patient_data = {Patient}
    changed = True
    while changed:  # every model with a foreign key into patient data holds patient data
        changed = False
        for model in apps.get_models(include_auto_created=True):
            if model in patient_data:
                continue
            targets = {f.related_model for f in model._meta.concrete_fields if f.many_to_one}
            if targets & patient_data:
                patient_data.add(model)
                changed = True
    tables = sorted(model._meta.db_table for model in patient_data)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity "
            "AND relname = ANY(%s)",
            [tables],
        )
        protected = {row[0] for row in cursor.fetchall()}
    assert "diary_crampepisode" in tables and "insights_flagacknowledgement" in tables
    assert sorted(set(tables) - protected) == []


# --- per request: the middleware names the signed-in user's clinic ------------------------


@pytest.fixture
def row_security(settings) -> None:
    settings.CLINIC_ROW_SECURITY = True


@pytest.fixture
def nowak_client(both: Any, row_security: None) -> Client:
    alice, bela = both
    doctor = make_clinician("dr.nowak", clinic=bela.clinic, patients=(bela,))
    # Wrongly, behind the care-team guard's back; the app-level rule is taken away below.
    Patient.care_team.through.objects.create(patient=alice, user=doctor)
    return client_for(doctor)


def test_a_request_runs_under_the_signed_in_users_clinic(
    both: Any, nowak_client: Client, as_app_role: None
) -> None:
    alice, bela = both
    assert nowak_client.get(reverse("clinic:patient", args=[bela.pk])).status_code == 200
    # set_config(..., true) lasts to the end of the transaction: here, the test's own.
    assert tenancy.scope_current() == str(bela.clinic_id)
    Client().get(reverse("login"))
    assert tenancy.scope_current() == tenancy.NO_CLINIC


def test_pages_without_the_app_level_rule_still_show_only_the_own_clinic(
    both: Any, nowak_client: Client, as_app_role: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bela = both
    everyone = lambda user: Patient.objects.all()  # noqa: E731 - the rule, forgotten
    for module in ("clinic.views", "clinic.cohort", "exchange.views"):
        monkeypatch.setattr(f"{module}.visible_patients", everyone)
    cohort = nowak_client.get(reverse("clinic:cohort"))
    assert cohort.status_code == 200
    assert "bela" in cohort.content.decode() and "alice" not in cohort.content.decode()
    # A streamed export is read after the request's transaction: it gets one of its own.
    export = nowak_client.get(reverse("exchange:cohort-csv", args=["episodes"]))
    text = b"".join(export.streaming_content).decode()
    assert "bela" in text and "alice" not in text


def test_a_patient_signs_in_and_is_sent_to_their_diary(
    both: Any, row_security: None, as_app_role: None
) -> None:
    alice, bela = both
    response = Client().post(
        reverse("login"), {"username": "bela", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("diary:home")
    assert response.status_code == 200 and "bela" in response.content.decode()


# --- every page, as the app's role ----------------------------------------------------------


def every_page(world: Any, patient: Client, clinician: Client) -> dict[str, tuple[int, bool]]:
    """Each private page's answer to its own user (alice or her clinician): the status, and
    whether it showed alice's data. Caches are emptied first, so each page reads the database."""
    cache.clear()
    answers = {}
    for route in all_routes():
        if route.is_public or route.route.startswith("accounts/oidc/"):
            continue
        url = url_for(route, world)
        response = (patient if route.audience == "patient" else clinician).get(url)
        text = body(response).decode(errors="replace")
        answers[url] = (response.status_code, any(mark in text for mark in ALICE_MARKERS))
    return answers


def test_every_page_answers_the_same_under_the_app_role(
    alice: Patient, dr_lee: Any, row_security: None
) -> None:
    """Row-level security must never take from a user what is theirs: every page and export,
    with the per-request clinic, answers the app's role exactly as it answers a superuser."""
    world = build_alice_world(alice)
    patient, clinician = client_for(alice.user), client_for(dr_lee)
    as_superuser = every_page(world, patient, clinician)
    with connection.cursor() as cursor:
        for statement in tenancy.app_role_statements(APP_ROLE, connection.settings_dict["NAME"]):
            cursor.execute(statement)
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")

    as_app_role = every_page(world, patient, clinician)

    assert as_app_role == as_superuser
    assert sum(shown for _status, shown in as_app_role.values()) >= 10
