from __future__ import annotations

import pytest
from django.urls import reverse

KINDS = ["episodes", "nights", "settings"]


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
def test_my_export_is_always_my_own(bob_client, alice, bob, kind):
    response = bob_client.get(reverse("exchange:my-csv", args=[kind]))
    body = b"".join(response.streaming_content).decode()
    assert "alice" not in body
    if kind == "settings":
        assert "bob" in body


def test_a_clinician_gets_their_own_patients_in_the_cohort_files(okafor_client, alice, bob):
    for kind in [*KINDS, "flags"]:
        response = okafor_client.get(reverse("exchange:cohort-csv", args=[kind]))
        body = b"".join(response.streaming_content).decode()
        assert "alice" not in body, kind


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
