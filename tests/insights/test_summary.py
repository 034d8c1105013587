from __future__ import annotations

import json
from datetime import date, timedelta

from django.core.management import call_command
from django.utils import timezone

from diary.models import CrampEpisode, Night
from insights.data import today_for
from insights.models import Flag, FlagAcknowledgement, PatientSummary
from insights.summary import refresh_all
from tests.factories import change_settings, local, log_cramp, log_nights


def test_every_write_keeps_the_summary_current(alice) -> None:
    today = today_for(alice)
    log_nights(alice, today - timedelta(days=6), [1, 0, 1, 0, 1])
    summary = PatientSummary.objects.get(patient=alice)
    assert summary.ladder_step == 1
    assert summary.flag_codes == ["reduce_amplitude"]
    assert summary.active_cramps is True
    assert summary.cramp_night_rate_14 == 3 / 5
    alice.refresh_from_db()
    assert summary.data_version == alice.data_version


def test_a_flag_resolves_by_itself_and_its_history_stays(alice) -> None:
    today = today_for(alice)
    log_nights(alice, today - timedelta(days=40), [1, 1, 1])
    change_settings(alice, local(alice, today - timedelta(days=38), 9), amplitude="1.5",
                    reason="reduce_amplitude")
    flag = Flag.objects.get(patient=alice, code="reduce_amplitude")
    assert flag.resolved_at is not None  # reduced: the first rung was taken
    log_nights(alice, today - timedelta(days=37), [0] * 30)
    assert PatientSummary.objects.get(patient=alice).flag_codes == []
    assert Flag.objects.filter(patient=alice).count() == 1


def test_an_acknowledged_flag_alerts_again_only_on_new_evidence(alice, dr_lee) -> None:
    today = today_for(alice)
    log_nights(alice, today - timedelta(days=10), [0, 0, 0, 0, 0])
    elsewhere = {"stimulation_felt": "different_location"}
    log_cramp(alice, local(alice, today - timedelta(days=4), 23), **elsewhere)
    log_cramp(alice, local(alice, today - timedelta(days=3), 23), **elsewhere)
    flag = Flag.objects.get(patient=alice, code="possible_lead_migration")
    FlagAcknowledgement.objects.create(flag=flag, acknowledged_by=dr_lee,
                                       acknowledged_at=timezone.now(), fingerprint=flag.fingerprint)

    def alerting() -> bool:
        return Flag.objects.active().get(patient=alice, code="possible_lead_migration").alerting

    assert not alerting()
    log_cramp(alice, local(alice, today - timedelta(days=2), 23))  # one more cramp night
    assert not alerting()
    log_cramp(alice, local(alice, today - timedelta(days=1), 23), **elsewhere)
    assert alerting()


def bulk_years(patient, days: int, ending: date | None = None) -> None:
    """Nights straight into the database, as a generator would, without the services: `days`
    nights up to `ending` (by default the night before today)."""
    last = ending or today_for(patient) - timedelta(days=1)
    nights = Night.objects.bulk_create(
        Night(patient=patient, date=last - timedelta(days=days - 1 - i), timezone=patient.timezone,
              checked_in_at=timezone.now())
        for i in range(days)
    )
    CrampEpisode.objects.bulk_create(
        CrampEpisode(night=n, started_at=local(patient, n.date, 23), severity=4)
        for n in nights[::3]
    )


def test_refresh_all_rebuilds_summaries_after_bulk_loading(alice, bob) -> None:
    bulk_years(alice, 60)
    assert refresh_all() >= 2
    assert PatientSummary.objects.get(patient=alice).ladder_step == 1
    assert PatientSummary.objects.get(patient=bob).ladder_step is None


def test_logging_a_cramp_costs_the_same_queries_after_five_years(alice) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Both cramps open last night, which the bulk history (ending the night before) does not
    # hold, at a time already past whatever the hour of the run: the two writes take the
    # same path, and only the length of the history differs.
    yesterday = today_for(alice) - timedelta(days=1)
    bulk_years(alice, 30, ending=yesterday - timedelta(days=1))
    with CaptureQueriesContext(connection) as month:
        log_cramp(alice, local(alice, yesterday, 23))
    Night.objects.filter(patient=alice).delete()
    bulk_years(alice, 5 * 365, ending=yesterday - timedelta(days=1))
    with CaptureQueriesContext(connection) as years:
        log_cramp(alice, local(alice, yesterday, 23, 30))
    # The flag row is inserted once and updated after: at most one query apart.
    assert len(month) - 1 <= len(years) <= len(month) + 1


def test_analyze_prints_the_contract_as_json(alice, capsys) -> None:
    today = today_for(alice)
    log_nights(alice, today - timedelta(days=6), [1, 0, 1, 0, 1])
    call_command("analyze", "alice", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["patient"] == "alice"
    assert result["ladder_step"] == 1
    assert [f["code"] for f in result["flags"]] == ["reduce_amplitude"]
    assert set(result["correlations"]) == {"amplitude", "pulse_width_us", "frequency_hz"}
    frequency = result["correlations"]["frequency_hz"]  # never varied: null, not 0
    assert (frequency["rho"], frequency["p"]) == (None, None)
    assert frequency["n"] == frequency["n_epochs"] == 1
    assert frequency["n_nights"] == 5
    assert "permutation test over the epochs" in frequency["method"]
    assert result["correlation_sentences"]["frequency_hz"]["sentence"].startswith(
        "The frequency did not change"
    )
    assert result["epochs"][0]["nights_logged"] == 5
    assert result["adherence"]["nights_logged"] == 5
