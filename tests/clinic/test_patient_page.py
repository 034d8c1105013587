"""The clinician's patient page: device, settings and their history, medications, and the
nights with the settings each was lived under."""

from __future__ import annotations

from datetime import date, timedelta

from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diary.models import CrampEpisode, Night, Patient
from diary.services import medication_create, patient_data_changed
from insights.models import Flag, PatientSummary
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
    patient_data_changed(patient)  # as an import does after loading rows


def count_queries(client: Client, patient: Patient, page: int = 1) -> int:
    """The queries of a warm page: the page's record parts are cached per data version."""
    url = reverse("clinic:patient", args=[patient.pk])
    assert client.get(url, {"page": page}).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"page": page}).status_code == 200
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


# Warm: session, user, session epoch, clinician role, patient with its summary, audit entry,
# log-in lock; the device, settings history, medications and nights come from the cache
# (clinic.views.patient_record).
PATIENT_PAGE_QUERIES = 7
INSIGHTS_QUERIES = 2  # flags and their acknowledgements (insights.panel.patient_insights)


def test_a_new_cramp_shows_on_the_page_at_once(alice: Patient, lee_client: Client) -> None:
    url = reverse("clinic:patient", args=[alice.pk])
    log_cramp(alice, local(alice, date(2025, 6, 4), 2))
    assert "1 cramp</p>" in lee_client.get(url).content.decode()  # now cached
    log_cramp(alice, local(alice, date(2025, 6, 4), 3))
    assert "2 cramps</p>" in lee_client.get(url).content.decode()


def test_new_settings_and_a_new_medication_show_at_once(
    alice: Patient, lee_client: Client
) -> None:
    url = reverse("clinic:patient", args=[alice.pk])
    lee_client.get(url)
    change_settings(alice, local(alice, date(2025, 6, 3), 10), amplitude="1.4")
    medication_create(patient=alice, name="Quinine", category="other", started_on=date(2025, 6, 1))
    html = lee_client.get(url).content.decode()
    assert "1.4 mA" in html and "Quinine" in html


def test_an_acknowledgement_shows_at_once(alice: Patient, lee_client: Client) -> None:
    for day in range(1, 15):
        log_cramp(alice, local(alice, date.today() - timedelta(days=day), 2))
    url = reverse("clinic:patient", args=[alice.pk])
    flag = Flag.objects.filter(patient=alice).active().exclude(step=None).first()
    assert flag is not None
    assert "Acknowledged by" not in lee_client.get(url).content.decode()
    lee_client.post(
        reverse("insights:acknowledge-flag", args=[alice.pk, flag.pk]), {"note": "Seen today"}
    )
    html = lee_client.get(url).content.decode()
    assert "Acknowledged by dr.lee" in html and "Seen today" in html


def test_a_stale_summary_is_refreshed_before_the_flags_are_read(
    alice: Patient, lee_client: Client
) -> None:
    for day in range(1, 15):
        log_cramp(alice, local(alice, date.today() - timedelta(days=day), 2))
    # As if the background refresh had not run yet: flags and summary from an older version.
    Flag.objects.filter(patient=alice).delete()
    PatientSummary.objects.filter(patient=alice).update(data_version=0)
    html = lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    assert "No flag: nothing in the diary" not in html
    alice.refresh_from_db()
    assert alice.summary.data_version == alice.data_version


def test_another_page_of_nights_is_its_own_cache_entry(alice: Patient, lee_client: Client) -> None:
    bulk_nights(alice, 40, first=date(2024, 1, 1))
    url = reverse("clinic:patient", args=[alice.pk])
    first = lee_client.get(url).content.decode()
    second = lee_client.get(url, {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Mon 1 Jan 2024" in second and "Mon 1 Jan 2024" not in first


def test_a_device_edited_in_the_admin_shows_at_once(alice: Patient, lee_client: Client) -> None:
    url = reverse("clinic:patient", args=[alice.pk])
    assert "left S3" in lee_client.get(url).content.decode()
    device = alice.devices.get()
    staff = User.objects.create_superuser("staff", password="x-staff-pass-1")
    staff_client = Client()
    staff_client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    response = staff_client.post(
        reverse("admin:programming_device_change", args=[device.pk]),
        {
            "patient": alice.pk,
            "therapy": device.therapy,
            "phase": device.phase,
            "implanted_on": device.implanted_on.isoformat(),
            "lead_site": "right S4",
        },
    )
    assert response.status_code == 302
    assert "right S4" in lee_client.get(url).content.decode()
