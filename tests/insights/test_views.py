from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.urls import reverse

from diary.models import Patient
from insights import charts
from insights.data import today_for
from insights.models import Flag, FlagAcknowledgement
from tests.factories import local, log_cramp, log_nights


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def chart_url(patient, chart="timeline", fmt="svg") -> str:
    return reverse("insights:chart", args=[patient.pk, chart, fmt])


def cramps_lately(patient, counts=(1, 0, 1, 1, 0, 2)):
    today = today_for(patient)
    log_nights(patient, today - timedelta(days=len(counts) + 1), list(counts))


@pytest.mark.parametrize("chart", sorted(charts.CHARTS))
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_a_clinician_sees_their_patients_charts(lee_client, alice, chart, fmt) -> None:
    cramps_lately(alice)
    response = lee_client.get(chart_url(alice, chart, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == charts.FORMATS[fmt]


@pytest.mark.parametrize("chart", sorted(charts.CHARTS))
def test_a_clinician_off_the_team_gets_404_for_every_chart(okafor_client, alice, chart) -> None:
    assert okafor_client.get(chart_url(alice, chart, "png")).status_code == 404
    assert okafor_client.get(chart_url(alice, chart, "svg")).status_code == 404


def test_a_clinician_off_the_team_gets_404_for_the_pdf(okafor_client, alice) -> None:
    response = okafor_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 404


def test_patients_never_reach_clinician_charts(alice_client, bob_client, alice) -> None:
    assert alice_client.get(chart_url(alice)).status_code == 302
    assert bob_client.get(chart_url(alice)).status_code == 302
    assert bob_client.get(reverse("insights:visit-summary", args=[alice.pk])).status_code == 302


def test_an_unknown_chart_or_format_is_404(lee_client, alice) -> None:
    assert lee_client.get(chart_url(alice, "pie")).status_code == 404
    assert lee_client.get(chart_url(alice, "timeline", "gif")).status_code == 404


def test_a_repeat_view_does_not_re_render_and_a_new_entry_does(
    lee_client, alice, monkeypatch
) -> None:
    calls = []
    real = charts.timeline_chart

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setitem(charts.CHARTS, "timeline", (counting, *charts.CHARTS["timeline"][1:]))
    first = lee_client.get(chart_url(alice)).content
    again = lee_client.get(chart_url(alice)).content
    assert len(calls) == 1 and first == again
    log_cramp(alice, local(alice, today_for(alice) - timedelta(days=1), 22))  # not in the future
    changed = lee_client.get(chart_url(alice)).content
    assert len(calls) == 2 and changed != first


def test_a_cached_chart_costs_no_analysis_queries(lee_client, alice, django_assert_max_num_queries):
    lee_client.get(chart_url(alice))
    with django_assert_max_num_queries(6):  # session, user, clinician, patient; no diary reads
        lee_client.get(chart_url(alice))


def test_the_visit_summary_is_a_pdf_and_is_audited(lee_client, alice) -> None:
    cramps_lately(alice)
    response = lee_client.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("timestamp")
    assert entry.additional_data["what"] == "visit_summary_pdf"


def test_a_patient_sees_their_own_last_30_nights_only(alice_client, bob_client, alice) -> None:
    cramps_lately(alice)
    url = reverse("insights:my-last-30-nights", args=["png"])
    mine = alice_client.get(url)
    assert mine.status_code == 200 and mine.content.startswith(b"\x89PNG")
    assert bob_client.get(url).content != mine.content  # bob's own, never alice's


def test_a_clinician_acknowledges_a_flag_with_a_note(lee_client, dr_lee, alice) -> None:
    cramps_lately(alice)
    flag = Flag.objects.get(patient=alice, code="reduce_amplitude")
    assert flag.alerting
    url = reverse("insights:acknowledge-flag", args=[alice.pk, flag.pk])
    response = lee_client.post(url, {"note": "Will reduce at Friday's visit"})
    assert response.status_code == 302
    ack = FlagAcknowledgement.objects.get(flag=flag)
    assert (ack.acknowledged_by, ack.note) == (dr_lee, "Will reduce at Friday's visit")
    flag.refresh_from_db()
    assert not flag.alerting
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("timestamp")
    assert entry.additional_data["what"] == "flag_acknowledged"
    assert entry.additional_data["flag"] == "reduce_amplitude"


def test_acknowledging_is_post_only_and_team_scoped(lee_client, okafor_client, alice) -> None:
    cramps_lately(alice)
    flag = Flag.objects.get(patient=alice, code="reduce_amplitude")
    url = reverse("insights:acknowledge-flag", args=[alice.pk, flag.pk])
    assert lee_client.get(url).status_code == 405
    assert okafor_client.post(url, {"note": "x"}).status_code == 404
    assert not FlagAcknowledgement.objects.exists()


def test_the_panel_costs_the_same_queries_warm_for_a_month_and_for_years(
    lee_client, dr_lee, alice, django_assert_max_num_queries
) -> None:
    from insights.panel import patient_insights

    cramps_lately(alice)
    alice = Patient.objects.select_related("summary").get(pk=alice.pk)  # as the page reads it
    patient_insights(alice)
    with django_assert_max_num_queries(2):  # the flags, their acknowledgements
        context = patient_insights(alice)
    assert context["flags"][0].code == "reduce_amplitude"
    assert len(context["charts"]) == len(charts.CHARTS) and all(c["alt"] for c in context["charts"])


def test_the_panel_shows_who_acknowledged_and_stops_alerting(lee_client, dr_lee, alice) -> None:
    from insights.panel import patient_insights

    cramps_lately(alice)
    flag = Flag.objects.get(patient=alice, code="reduce_amplitude")
    lee_client.post(reverse("insights:acknowledge-flag", args=[alice.pk, flag.pk]),
                    {"note": "Discussed"})
    [shown] = patient_insights(alice)["flags"]
    assert (shown.ack_by, shown.ack_note, shown.is_alerting) == ("dr.lee", "Discussed", False)
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    assert "Acknowledged by dr.lee" in page and "the clinician decides" in page
