"""The programming visit (issue 25) through its views: rows per configuration, the one left in
place becomes the settings in effect in the same transaction, bad rows save nothing, and the
wall between care teams."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.models import Patient
from programming.models import ProgrammingVisit, SettingsRecord, VisitConfiguration
from programming.services import visit_record_create

ROWS = [
    {"electrodes": "0-3+", "amplitude": "1.4", "sensory_threshold": "0.8",
     "motor_threshold": "1.2", "felt_at": "perineum", "responses": ["bellows", "great_toe"],
     "comfort": "comfortable"},
    {"electrodes": "1-2+", "amplitude": "1.8", "sensory_threshold": "1.1",
     "motor_threshold": "2.0", "felt_at": "left buttock", "responses": ["bellows"],
     "comfort": "tolerable"},
    {"electrodes": "2-3+", "amplitude": "2.2", "sensory_threshold": "1.6",
     "motor_threshold": "2.9", "felt_at": "left calf", "responses": ["foot_calf"],
     "comfort": "uncomfortable"},
]


def visit_post(
    patient: Patient, rows: list[dict[str, Any]] = ROWS, *, left_in_place: str = "0",
    total: int = 3, **extra: str,
) -> dict[str, Any]:
    moment = timezone.now().astimezone(patient.tz).replace(tzinfo=None) - timedelta(minutes=5)
    data: dict[str, Any] = {
        "visited_at": moment.strftime("%Y-%m-%dT%H:%M"),
        "note": "Three pairs tried.",
        "left_in_place": left_in_place,
        "rows-TOTAL_FORMS": str(total),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "16",
    }
    for index in range(total):
        # What an untouched row sends: the prefilled unit, pulse width and frequency.
        data |= {f"rows-{index}-amplitude_unit": "mA", f"rows-{index}-pulse_width_us": "210",
                 f"rows-{index}-frequency_hz": "14"}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"rows-{index}-{name}"] = value
    data |= extra
    return data


def current(patient: Patient) -> SettingsRecord:
    return SettingsRecord.objects.for_patient(patient).current().timeline_order().last()


def test_a_visit_with_three_rows_makes_the_row_left_in_place_the_current_settings(
    alice: Patient, lee_client: Client
) -> None:
    version = alice.data_version
    form = lee_client.get(reverse("programming:visit-new", args=[alice.pk]))
    assert form.status_code == 200
    assert len(form.context["rows"].forms) == 3
    response = lee_client.post(
        reverse("programming:visit-new", args=[alice.pk]), visit_post(alice)
    )
    visit = ProgrammingVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programming:visit", args=[alice.pk, visit.pk])
    rows = list(visit.configurations.all())
    assert [r.electrodes for r in rows] == ["0-3+", "1-2+", "2-3+"]
    assert [r.left_in_place for r in rows] == [True, False, False]
    assert rows[0].responses == ["bellows", "great_toe"]
    assert rows[2].motor_threshold == Decimal("2.9")
    record = current(alice)
    assert visit.settings_record == record
    assert (record.amplitude, record.electrode_configuration, record.reason) == (
        Decimal("1.4"), "0-3+", "reduce_amplitude"
    )
    assert record.effective_at == visit.visited_at
    alice.refresh_from_db()
    assert alice.data_version > version

    page = lee_client.get(reverse("programming:visit", args=[alice.pk, visit.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Left in place" in body and "1.4 mA · 210 µs · 14 Hz" in body
    assert "Great toe" in body and "Whole foot / calf" in body
    patient_page = lee_client.get(reverse("clinic:patient", args=[alice.pk])).content.decode()
    assert reverse("programming:visit-new", args=[alice.pk]) in patient_page
    assert reverse("programming:visit", args=[alice.pk, visit.pk]) in patient_page


def test_a_visit_with_no_row_left_in_place_keeps_the_settings(
    alice: Patient, lee_client: Client
) -> None:
    before = current(alice)
    response = lee_client.post(
        reverse("programming:visit-new", args=[alice.pk]), visit_post(alice, left_in_place="")
    )
    assert response.status_code == 302
    assert current(alice) == before
    assert ProgrammingVisit.objects.get().settings_record is None


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"rows-1-motor_threshold": "30"}, "motor_threshold", "between 0 and 25.5 mA"),
    ({"rows-1-sensory_threshold": "-1"}, "sensory_threshold", "between 0 and 25.5 mA"),
    ({"rows-0-amplitude": "99"}, "amplitude", "Amplitude must be between 0 and 25.5 mA"),
    ({"rows-1-electrodes": ""}, "electrodes", "Which electrodes?"),
])
def test_a_bad_row_is_refused_next_to_its_field_and_saves_nothing(
    alice: Patient, lee_client: Client, changes: dict[str, str], field: str, words: str
) -> None:
    before = current(alice)
    response = lee_client.post(
        reverse("programming:visit-new", args=[alice.pk]), visit_post(alice, **changes)
    )
    assert response.status_code == 200
    row = 0 if "rows-0" in next(iter(changes)) else 1
    assert words in " ".join(response.context["rows"].forms[row].errors[field])
    assert words in response.content.decode()
    assert not ProgrammingVisit.objects.exists() and not VisitConfiguration.objects.exists()
    assert current(alice) == before


@pytest.mark.parametrize("when", ["0001-01-01T10:00", "9999-12-31T10:00"])
def test_a_visit_dated_in_the_year_1_or_9999_is_refused(
    alice: Patient, lee_client: Client, when: str
) -> None:
    response = lee_client.post(
        reverse("programming:visit-new", args=[alice.pk]), visit_post(alice, visited_at=when)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["visited_at"]
    assert not ProgrammingVisit.objects.exists()


def test_an_empty_row_left_in_place_is_refused(alice: Patient, lee_client: Client) -> None:
    before = current(alice)
    response = lee_client.post(
        reverse("programming:visit-new", args=[alice.pk]),
        visit_post(alice, ROWS[:2], left_in_place="2"),
    )
    assert response.status_code == 200
    assert "Row 3, the one left in place, is empty" in response.content.decode()
    assert not ProgrammingVisit.objects.exists()
    assert current(alice) == before


def test_a_row_left_in_place_needs_a_whole_programme(alice: Patient, lee_client: Client) -> None:
    response = lee_client.post(
        reverse("programming:visit-new", args=[alice.pk]),
        visit_post(alice, left_in_place="1", **{"rows-1-amplitude": ""}),
    )
    assert response.status_code == 200
    assert "The row left in place needs the amplitude." in response.content.decode()
    assert not ProgrammingVisit.objects.exists()


def test_add_a_row_works_without_javascript_and_saves_nothing(
    alice: Patient, lee_client: Client
) -> None:
    half_typed = [*ROWS, {"amplitude": "1.9"}]  # a fourth row begun, no electrodes yet
    response = lee_client.post(
        reverse("programming:visit-new", args=[alice.pk]),
        visit_post(alice, half_typed, total=4, add_row="1"),
    )
    assert response.status_code == 200
    assert len(response.context["rows"].forms) == 5
    assert response.context["rows"].forms[3]["amplitude"].value() == "1.9"
    assert "Which electrodes?" not in response.content.decode()  # not judged while adding
    assert response.context["rows"].forms[0]["electrodes"].value() == "0-3+"
    assert not ProgrammingVisit.objects.exists()


def test_another_clinicians_patient_and_visit_answer_404(
    alice: Patient, bob: Patient, dr_lee, okafor_client: Client
) -> None:
    visit = visit_record_create(
        device=alice.devices.get(), visited_at=timezone.now() - timedelta(hours=1),
        clinician=dr_lee, configurations=[{"electrodes": "0-3+", "amplitude_unit": "mA"}],
    )
    new = okafor_client.get(reverse("programming:visit-new", args=[alice.pk]))
    assert new.status_code == 404
    post = okafor_client.post(reverse("programming:visit-new", args=[alice.pk]), visit_post(alice))
    assert post.status_code == 404
    assert ProgrammingVisit.objects.count() == 1
    # Alice's visit under bob's id (dr_okafor's own patient) is still not found.
    assert okafor_client.get(
        reverse("programming:visit", args=[bob.pk, visit.pk])
    ).status_code == 404
    assert okafor_client.get(
        reverse("programming:visit", args=[alice.pk, visit.pk])
    ).status_code == 404


def test_a_patient_cannot_open_the_visit_pages(
    alice: Patient, dr_lee, alice_client: Client
) -> None:
    visit = visit_record_create(
        device=alice.devices.get(), visited_at=timezone.now() - timedelta(hours=1),
        clinician=dr_lee, configurations=[{"electrodes": "0-3+", "amplitude_unit": "mA"}],
    )
    for url in (
        reverse("programming:visit-new", args=[alice.pk]),
        reverse("programming:visit", args=[alice.pk, visit.pk]),
        reverse("clinic:visit-report", args=[alice.pk, visit.pk]),
    ):
        response = alice_client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("diary:home")
    assert alice_client.post(
        reverse("programming:visit-new", args=[alice.pk]), visit_post(alice)
    ).status_code == 302
    assert ProgrammingVisit.objects.count() == 1


def test_a_saved_visit_refreshes_the_ladder_with_the_visits_named(
    alice: Patient, dr_lee, lee_client: Client
) -> None:
    from insights.summary import ladder_state

    earlier = timezone.now() - timedelta(days=40)
    visit_record_create(
        device=alice.devices.get(), visited_at=earlier, clinician=dr_lee,
        configurations=[{"electrodes": "0-3+", "amplitude_unit": "mA",
                         "motor_threshold": Decimal("1.2"), "responses": ["great_toe"]}],
    )
    alice.refresh_from_db()
    assert "possible_lead_migration" not in [f.code for f in ladder_state(alice).flags]
    rows = [{**ROWS[0], "motor_threshold": "2.6"}]
    response = lee_client.post(
        reverse("programming:visit-new", args=[alice.pk]), visit_post(alice, rows)
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    [flag] = [f for f in ladder_state(alice).flags if f.code == "possible_lead_migration"]
    first = earlier.astimezone(alice.tz).date()
    assert any(
        note.startswith("Motor threshold on 0-3+ rose from 1.2 to 2.6 mA between the visits of "
                        f"{first.day} {first:%b}")
        for note in flag.evidence["notes"]
    )
    page = lee_client.get(reverse("clinic:patient", args=[alice.pk]))
    assert page.status_code == 200
    assert "Motor threshold on 0-3+ rose from 1.2 to 2.6 mA" in page.content.decode()


def test_the_visit_and_its_settings_record_are_saved_together_or_not_at_all(
    alice: Patient, dr_lee, monkeypatch
) -> None:
    before = current(alice)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(VisitConfiguration.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        visit_record_create(
            device=alice.devices.get(), visited_at=timezone.now() - timedelta(hours=1),
            clinician=dr_lee, left_in_place=0,
            configurations=[{
                "electrodes": "0-3+", "amplitude": Decimal("1.1"), "amplitude_unit": "mA",
                "pulse_width_us": 210, "frequency_hz": Decimal("14"),
            }],
        )
    assert current(alice) == before
    assert not ProgrammingVisit.objects.exists()


def test_an_unusual_amplitude_left_in_place_asks_for_a_confirmation_first(
    alice: Patient, lee_client: Client
) -> None:
    before = current(alice)
    rows = [{**ROWS[0], "amplitude": "14"}, *ROWS[1:]]  # 1.4 typed as 14
    url = reverse("programming:visit-new", args=[alice.pk])
    response = lee_client.post(url, visit_post(alice, rows))
    assert response.status_code == 200
    assert "Is 14 mA right?" in " ".join(response.context["rows"].forms[0].errors["amplitude"])
    assert "Yes, this is right: 14 mA" in response.content.decode()
    assert not ProgrammingVisit.objects.exists() and current(alice) == before
    # The same value confirmed is saved; a confirmation is for that value only.
    wrong = lee_client.post(url, visit_post(alice, rows, confirm_amplitude="15 mA"))
    assert wrong.status_code == 200 and not ProgrammingVisit.objects.exists()
    saved = lee_client.post(url, visit_post(alice, rows, confirm_amplitude="14 mA"))
    assert saved.status_code == 302
    assert current(alice).amplitude == Decimal("14")


def test_a_visit_is_in_the_audit_trail_under_the_patient(
    alice: Patient, lee_client: Client
) -> None:
    from auditlog.models import LogEntry

    response = lee_client.post(
        reverse("programming:visit-new", args=[alice.pk]), visit_post(alice)
    )
    assert response.status_code == 302
    visit = ProgrammingVisit.objects.get()
    entry = LogEntry.objects.get_for_object(visit).get()
    assert entry.additional_data == {"patient_id": alice.pk}
    assert "note" in str(entry.changes) and "Three pairs" not in str(entry.changes)  # masked


def test_the_visit_page_reads_the_same_queries_for_one_row_and_for_six(
    alice: Patient, dr_lee, lee_client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for rows in (1, 6):
        visit = visit_record_create(
            device=alice.devices.get(), visited_at=timezone.now() - timedelta(hours=rows),
            clinician=dr_lee,
            configurations=[
                {"electrodes": f"{i}-3+", "amplitude_unit": "mA", "responses": ["bellows"]}
                for i in range(rows)
            ],
        )
        url = reverse("programming:visit", args=[alice.pk, visit.pk])
        with CaptureQueriesContext(connection) as queries:
            assert lee_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
