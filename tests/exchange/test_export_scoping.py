from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from insights.data import today_for
from tests.factories import local, log_cramp, log_cramp_free

KINDS = ["episodes", "nights", "settings"]
# In alice's cramp and night notes: a leak of her rows shows even where her name would not.
SECRET = "alice-private-note"


@pytest.fixture(autouse=True)
def _alice_has_data(alice, bob) -> None:
    """Every report could carry alice: cramps (so flags), a cramp-free night, settings, notes.
    Without them, "alice not in body" would hold whatever the scoping did. bob has a diary too,
    so his own files are not empty."""
    bob_last = today_for(bob) - timedelta(days=1)
    log_cramp(bob, local(bob, bob_last + timedelta(days=1), 2))
    log_cramp_free(bob, bob_last - timedelta(days=1))
    last = today_for(alice) - timedelta(days=1)
    for back in (1, 2, 3):
        night = last - timedelta(days=back)
        log_cramp(alice, local(alice, night + timedelta(days=1), 2), notes=SECRET)
    log_cramp_free(alice, last, notes=SECRET)


def body_of(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("kind", [*KINDS, "flags"])
def test_alices_clinician_gets_her_rows_so_the_checks_below_can_fail(lee_client, kind):
    body = body_of(lee_client.get(reverse("exchange:cohort-csv", args=[kind])))
    assert "alice" in body
    if kind in ("episodes", "nights"):
        assert SECRET in body
    if kind == "flags":
        assert "reduce_amplitude" in body


@pytest.mark.parametrize("kind", KINDS)
def test_a_clinician_off_the_team_gets_404(okafor_client, alice, kind):
    url = reverse("exchange:patient-csv", args=[alice.pk, kind])
    assert okafor_client.get(url).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_a_patient_cannot_use_the_clinician_url(bob_client, alice, kind):
    response = bob_client.get(reverse("exchange:patient-csv", args=[alice.pk, kind]))
    assert response.status_code == 302
    assert b"alice" not in response.content


@pytest.mark.parametrize("kind", KINDS)
def test_my_export_is_always_my_own(bob_client, alice_client, alice, bob, kind):
    body = body_of(bob_client.get(reverse("exchange:my-csv", args=[kind])))
    assert "alice" not in body and SECRET not in body
    assert "bob" in body
    assert "alice" in body_of(alice_client.get(reverse("exchange:my-csv", args=[kind])))


def test_a_clinician_gets_their_own_patients_in_the_cohort_files(okafor_client, alice, bob):
    for kind in [*KINDS, "flags"]:
        body = body_of(okafor_client.get(reverse("exchange:cohort-csv", args=[kind])))
        assert "alice" not in body and SECRET not in body, kind
        assert "bob" in body, kind


def test_clinicians_do_not_get_a_patients_own_export(lee_client):
    assert lee_client.get(reverse("exchange:my-csv", args=["nights"])).status_code == 302


def test_anonymous_visitors_are_sent_to_log_in(client, alice):
    for url in [reverse("exchange:patient-csv", args=[alice.pk, "nights"]),
                reverse("exchange:cohort-csv", args=["flags"]),
                reverse("exchange:my-csv", args=["nights"])]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_unknown_report_is_404(lee_client, alice):
    url = reverse("exchange:patient-csv", args=[alice.pk, "flags"])
    assert lee_client.get(url).status_code == 404
    assert lee_client.get(reverse("exchange:cohort-csv", args=["secrets"])).status_code == 404
