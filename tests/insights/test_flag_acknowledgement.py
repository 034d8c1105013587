"""An acknowledgement needs a note; its time reads in the page's zone; the admin shows flags
and acknowledgements read-only (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from insights.models import Flag, FlagAcknowledgement
from tests.insights.test_views import cramps_lately

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(alice) -> Flag:
    cramps_lately(alice)
    return Flag.objects.get(patient=alice, code="reduce_amplitude")


@pytest.mark.parametrize("note", ["", "   "])
def test_an_acknowledgement_without_a_note_is_refused_next_to_the_field(
    lee_client, alice, flag, note
) -> None:
    url = reverse("insights:acknowledge-flag", args=[alice.pk, flag.pk])
    response = lee_client.post(url, {"note": note, "next": f"/clinic/patients/{alice.pk}/"})
    assert response.status_code == 200
    assert "Write what you decided" in str(response.context["form"].errors["note"])
    assert 'id="id_note"' in response.content.decode()
    assert not FlagAcknowledgement.objects.exists()


def test_the_panels_note_field_is_required(lee_client, alice, flag) -> None:
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert page.status_code == 200
    assert f'id="ack-note-{flag.pk}" maxlength="2000" required' in page.content.decode()


def test_the_acknowledgement_time_is_in_the_patients_zone(
    lee_client, alice, flag, dr_lee, settings
):
    settings.TIME_ZONE = "UTC"
    FlagAcknowledgement.objects.create(
        flag=flag, acknowledged_by=dr_lee, note="Seen",
        acknowledged_at=datetime(2026, 1, 15, 23, 30, tzinfo=UTC), fingerprint="old",
    )
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "times in Europe/Amsterdam" in body
    assert "on 16 Jan 2026 00:30" in body  # Amsterdam, UTC+1


@pytest.fixture
def staff_client(db) -> Client:
    admin = User.objects.create_superuser("staff", password="x-staff-pass-1")
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_admin_shows_flags_but_cannot_add_change_or_delete_them(
    staff_client, flag, dr_lee
) -> None:
    FlagAcknowledgement.objects.create(
        flag=flag, acknowledged_by=dr_lee, note="Seen", fingerprint=flag.fingerprint,
        acknowledged_at=datetime(2026, 1, 15, 23, 30, tzinfo=UTC),
    )
    assert staff_client.get("/admin/insights/flag/").status_code == 200
    change = staff_client.get(reverse("admin:insights_flag_change", args=[flag.pk]))
    assert change.status_code == 200
    assert 'name="code"' not in change.content.decode()
    assert "acknowledgements-0-DELETE" not in change.content.decode()

    assert staff_client.get(reverse("admin:insights_flag_add")).status_code == 403
    assert staff_client.post(reverse("admin:insights_flag_add"), {"code": "x"}).status_code == 403
    delete = staff_client.post(
        reverse("admin:insights_flag_delete", args=[flag.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    staff_client.post(
        reverse("admin:insights_flag_change", args=[flag.pk]),
        {"code": "changed", "acknowledgements-TOTAL_FORMS": "1",
         "acknowledgements-INITIAL_FORMS": "1", "acknowledgements-0-DELETE": "on"},
    )
    flag.refresh_from_db()
    assert flag.code == "reduce_amplitude"
    assert FlagAcknowledgement.objects.filter(flag=flag).count() == 1


def test_the_admin_cannot_add_or_delete_a_summary(staff_client, alice, flag) -> None:
    assert staff_client.get("/admin/insights/patientsummary/").status_code == 200
    assert staff_client.get(reverse("admin:insights_patientsummary_add")).status_code == 403
    summary = alice.summary
    delete = staff_client.post(
        reverse("admin:insights_patientsummary_delete", args=[summary.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
