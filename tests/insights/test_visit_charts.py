"""The thresholds chart of the programming visits (issue 25): the series it draws, its words,
and who may open it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.models import Patient
from insights.analysis import VisitRecord, VisitRow
from insights.visit_charts import threshold_series, visit_thresholds_alt, visit_thresholds_chart
from programming.services import visit_record_create

VISITS = (
    VisitRecord(date(2025, 10, 3), (
        VisitRow("0-3+", "mA", 0.8, 1.2), VisitRow("1-2+", "mA", None, 1.5),
    ), 1),
    VisitRecord(date(2025, 11, 14), (
        VisitRow("0 - 3+", "mA", 0.9, 2.6), VisitRow("1-2+", "V", None, 9.0),
    ), 1),
)


def test_each_configuration_gets_a_motor_and_a_sensory_line_in_one_unit() -> None:
    series, unit = threshold_series(VISITS)
    assert unit == "mA"
    lines = {(s.electrodes, s.kind): s.points for s in series}
    assert lines == {
        ("0-3+", "motor"): [(date(2025, 10, 3), 1.2), (date(2025, 11, 14), 2.6)],
        ("0-3+", "sensory"): [(date(2025, 10, 3), 0.8), (date(2025, 11, 14), 0.9)],
        ("1-2+", "motor"): [(date(2025, 10, 3), 1.5)],  # the reading in V is left out
    }


def test_the_chart_says_what_it_shows() -> None:
    alt = visit_thresholds_alt(VISITS)
    assert "0-3+ motor: 1.2, 2.6 mA from 3 Oct 2025 to 14 Nov 2025." in alt
    assert visit_thresholds_alt(()) == "Thresholds at the programming visits: none recorded."
    assert visit_thresholds_chart(VISITS, "svg").lstrip().startswith(b"<?xml")
    assert visit_thresholds_chart((), "png").startswith(b"\x89PNG")


def test_the_patient_page_shows_the_chart_to_the_care_team_only(
    alice: Patient, bob: Patient, dr_lee, lee_client: Client, okafor_client: Client,
    alice_client: Client,
) -> None:
    for days, motor in ((40, "1.2"), (1, "2.6")):
        visit_record_create(
            device=alice.devices.get(), visited_at=timezone.now() - timedelta(days=days),
            clinician=dr_lee,
            configurations=[{"electrodes": "0-3+", "amplitude_unit": "mA",
                             "motor_threshold": Decimal(motor)}],
        )
    url = reverse("insights:visit-thresholds", args=[alice.pk, "svg"])
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert url in body and "0-3+ motor: 1.2, 2.6 mA" in body
    chart = lee_client.get(url)
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert b"0-3+ motor" in chart.content
    assert okafor_client.get(url).status_code == 404
    assert okafor_client.get(
        reverse("insights:visit-thresholds", args=[bob.pk, "svg"])
    ).status_code == 200  # his own patient, with no visits: the chart says so
    assert alice_client.get(url).status_code == 302
    assert lee_client.get(
        reverse("insights:visit-thresholds", args=[alice.pk, "gif"])
    ).status_code == 404
