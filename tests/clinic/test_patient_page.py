"""The clinician's patient page: device, settings and their history, medications, and the
nights with the settings each was lived under."""

from __future__ import annotations

from datetime import date, timedelta

from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diary.models import CrampEpisode, Night, Patient
from diary.services import medication_create
from tests.factories import change_settings, local, log_cramp, log_cramp_free


def test_it_shows_device_settings_history_and_medications(
    alice: Patient, lee_client: Client
) -> None:
    change_settings(
        alice, local(alice, date(2025, 6, 3), 10), amplitude="1.4", reason="reduce_amplitude"
    )
    medication_create(
        patient=alice, name="Atorvastatin", category="statin", started_on=date(2025, 5, 1)
    )
    response = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    html = response.content.decode()
    assert "Sacral nerve stimulation" in html and "left S3" in html
    assert response.context["current"].amplitude == 1.4
    assert [r.reason for r in response.context["history"]] == ["reduce_amplitude", "initial"]
    assert "Atorvastatin" in html


def test_each_night_and_each_cramp_carry_the_settings_in_effect(
    alice: Patient, lee_client: Client
) -> None:
    # Changed at 23:00 on 3 June: the night of 3 June began under the old settings, the
    # cramp at 02:00 started under the new ones.
    change_settings(alice, local(alice, date(2025, 6, 3), 23), amplitude="1.0")
    log_cramp(alice, local(alice, date(2025, 6, 4), 2))
    log_cramp_free(alice, date(2025, 6, 4))
    rows = lee_client.get(reverse("clinic:patient", args=[alice.pk])).context["night_rows"]
    assert [row["night"].date for row in rows] == [date(2025, 6, 4), date(2025, 6, 3)]
    assert rows[0]["settings"].amplitude == 1.0
    assert rows[1]["settings"].amplitude == 2.0
    (at_cramp,) = rows[1]["episodes"]
    assert at_cramp["settings"].amplitude == 1.0 and at_cramp["changed"]


def test_a_night_card_reads_its_facts_and_flags_a_cramp_under_new_settings(
    alice: Patient, lee_client: Client
) -> None:
    change_settings(alice, local(alice, date(2025, 6, 3), 23), amplitude="1.0")
    log_cramp(alice, local(alice, date(2025, 6, 4), 2))
    log_cramp_free(alice, date(2025, 6, 5), therapy_benefit=7, sleep_quality=6, alcohol=True)
    html = lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    assert "Thu 5 Jun 2025" in html and "Tue 3 Jun 2025" in html
    assert "Cramp-free · benefit 7/10 · sleep 6/10 · alcohol" in html
    assert "1 cramp</p>" in html
    assert html.count("Settings changed during the night") == 1
    assert "1 mA · " in html and "2 mA · " in html


def test_deleted_nights_and_cramps_are_not_shown(alice: Patient, lee_client: Client) -> None:
    kept = log_cramp(alice, local(alice, date(2025, 6, 4), 2))
    gone = log_cramp(alice, local(alice, date(2025, 6, 4), 3))
    CrampEpisode.objects.filter(pk=gone.pk).update(deleted_at=gone.created_at)
    log_cramp_free(alice, date(2025, 6, 6))
    Night.objects.filter(date=date(2025, 6, 6)).update(deleted_at=kept.created_at)
    rows = lee_client.get(reverse("clinic:patient", args=[alice.pk])).context["night_rows"]
    assert [row["night"].date for row in rows] == [date(2025, 6, 3)]
    assert [row["episode"].pk for row in rows[0]["episodes"]] == [kept.pk]


def test_opening_the_page_is_audited_without_diary_contents(
    alice: Patient, lee_client: Client
) -> None:
    lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).get()
    assert entry.actor.username == "dr.lee"
    assert entry.additional_data == {"patient_id": alice.pk, "what": "patient_record"}


def bulk_nights(patient: Patient, count: int, first: date) -> None:
    """Many nights, each with a cramp, written directly: the page's cost is what is measured."""
    nights = Night.objects.bulk_create(
        Night(patient=patient, date=first + timedelta(days=i), timezone=patient.timezone)
        for i in range(count)
    )
    CrampEpisode.objects.bulk_create(
        CrampEpisode(night=n, started_at=local(patient, n.date + timedelta(days=1), 2), severity=4)
        for n in nights
    )


def count_queries(client: Client, patient: Patient, page: int = 1) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("clinic:patient", args=[patient.pk]), {"page": page})
        assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_is_small_and_the_same_for_30_and_1000_nights(
    alice: Patient, lee_client: Client
) -> None:
    medication_create(
        patient=alice, name="Magnesium", category="other", started_on=date(2025, 1, 1)
    )
    bulk_nights(alice, 30, first=date(2024, 1, 1))
    lee_client.get(reverse("clinic:patient", args=[alice.pk]))  # warm the session
    with_30 = count_queries(lee_client, alice)
    bulk_nights(alice, 970, first=date(2021, 1, 1))
    with_1000 = count_queries(lee_client, alice)
    assert with_30 == with_1000 == count_queries(lee_client, alice, page=20)
    assert with_1000 <= PATIENT_PAGE_QUERIES + INSIGHTS_QUERIES


# Session, user, clinician role, patient, audit entry, devices, settings history, timeline,
# medications, nights count, nights page, their episodes.
PATIENT_PAGE_QUERIES = 12
INSIGHTS_QUERIES = 8  # what insights.panel.patient_insights adds
