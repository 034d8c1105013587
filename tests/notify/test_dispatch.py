"""Reminders, nudges and digests with a frozen clock, through the send_reminders command."""

from __future__ import annotations

import io
import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection

from diary.models import Patient
from notify.models import Delivery, Preference
from tests.factories import log_cramp, log_cramp_free, make_clinician, make_patient

# Words a message must never carry: the message may be read on a lock screen by anyone.
MARKERS = ("cramp", "severity", "mA", "calf", "stimulat")


def joined_long_ago(*patients: Patient) -> None:
    Patient.objects.filter(pk__in=[p.pk for p in patients]).update(
        created_at=datetime(2026, 1, 1, tzinfo=UTC)
    )


def send_at(moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        call_command("send_reminders", "--inline", stdout=io.StringIO())


def sent_to(username: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [f"{username}@example.org"]]


@pytest.fixture
def people(db):
    alice = make_patient("alice", timezone="Europe/Amsterdam")
    bob = make_patient("bob", timezone="America/New_York")
    for patient in (alice, bob):
        patient.user.email = f"{patient.user.username}@example.org"
        patient.user.save()
    joined_long_ago(alice, bob)
    return alice, bob


@pytest.mark.parametrize(
    ("days", "zone_name"),
    [
        ([date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)], "Europe/Amsterdam"),
        ([date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)], "America/New_York"),
        ([date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)], "America/New_York"),
    ],
)
def test_one_reminder_per_night_at_the_patients_own_nine_pm_across_a_clock_change(
    people, days, zone_name
) -> None:
    alice, bob = people
    patient = alice if zone_name == "Europe/Amsterdam" else bob
    other = bob if patient is alice else alice
    zone = ZoneInfo(zone_name)
    instants = []
    for day in days:
        # The night before last is logged, last night is not: a reminder, not a nudge.
        log_cramp_free(patient, day - timedelta(days=2))
        log_cramp_free(other, day - timedelta(days=1))  # the other patient logged: quiet
        nine_pm = datetime.combine(day, time(21, 0), tzinfo=zone)
        mail.outbox.clear()
        send_at(nine_pm - timedelta(minutes=1))
        assert sent_to(patient.user.username) == []
        send_at(nine_pm)
        send_at(nine_pm + timedelta(minutes=5))
        sent = sent_to(patient.user.username)
        assert len(sent) == 1, day
        assert sent[0].subject == "How was last night?"
        assert sent_to(other.user.username) == []
        instants.append(nine_pm.astimezone(UTC).hour)
        log_cramp_free(patient, day - timedelta(days=1))  # the patient answered
    assert len(set(instants)) == 2  # the same 21:00 on the wall is another UTC hour
    assert Delivery.objects.filter(user=patient.user, kind="evening").count() == 3


def test_it_is_quiet_when_last_night_is_logged_and_when_turned_off(people) -> None:
    alice, _ = people
    day = date(2026, 11, 10)
    log_cramp_free(alice, day - timedelta(days=2))
    log_cramp(alice, datetime(2026, 11, 10, 2, 0, tzinfo=alice.tz))  # last night, with a cramp
    send_at(datetime.combine(day, time(21, 30), tzinfo=alice.tz))
    assert sent_to("alice") == []
    Preference.objects.create(user=alice.user, evening_enabled=False, nudge_enabled=False)
    send_at(datetime.combine(day + timedelta(days=1), time(21, 30), tzinfo=alice.tz))
    assert sent_to("alice") == []


def test_two_missed_nights_bring_one_nudge_then_nothing_until_the_patient_logs(people) -> None:
    alice, _ = people
    day = date(2026, 11, 10)
    log_cramp_free(alice, day - timedelta(days=3))
    for offset in range(3):  # nights 8 and 9 missed, then 10 too
        send_at(datetime.combine(day + timedelta(days=offset), time(21, 0), tzinfo=alice.tz))
    kinds = [d.kind for d in Delivery.objects.filter(user=alice.user).order_by("created_at")]
    assert kinds == ["nudge"]
    assert [m.subject for m in sent_to("alice")] == ["Your diary misses you"]
    # She logs again, then misses two more nights: one more nudge.
    log_cramp_free(alice, day + timedelta(days=2))
    for offset in (3, 4, 5):
        send_at(datetime.combine(day + timedelta(days=offset), time(21, 0), tzinfo=alice.tz))
    kinds = [d.kind for d in Delivery.objects.filter(user=alice.user).order_by("created_at")]
    assert kinds == ["nudge", "evening", "nudge"]


def test_messages_carry_no_diary_contents_and_a_link_to_turn_them_off(people) -> None:
    alice, _ = people
    day = date(2026, 11, 10)
    log_cramp(alice, datetime(2026, 11, 9, 1, 0, tzinfo=alice.tz), severity=9, notes="calf")
    send_at(datetime.combine(day, time(21, 0), tzinfo=alice.tz))
    (message,) = sent_to("alice")
    assert not any(marker in message.body for marker in MARKERS)
    assert "/settings/reminders/off/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/diary/#last-night" in message.body


def test_ignore_time_sends_at_once_for_trying_it(people) -> None:
    alice, _ = people
    log_cramp_free(alice, date(2026, 11, 8))
    out = io.StringIO()
    with time_machine.travel(datetime(2026, 11, 10, 10, 0, tzinfo=alice.tz), tick=False):
        call_command("send_reminders", "--inline", "--ignore-time", stdout=out)
    assert "sent evening:alice" in out.getvalue()
    assert len(sent_to("alice")) == 1


def cramp_nights(patient: Patient, last_night: date, count: int) -> None:
    for offset in range(count):
        night = last_night - timedelta(days=offset)
        moment = datetime.combine(night + timedelta(days=1), time(2, 0), tzinfo=patient.tz)
        log_cramp(patient, moment)


def test_the_digest_lists_patients_with_new_or_changed_flags_and_nothing_else(db) -> None:
    alice = make_patient("alice")
    carmen = make_patient("carmen", therapy="drg")
    joined_long_ago(alice, carmen)
    doctor = make_clinician("dr.lee", patients=(alice, carmen))
    doctor.email = "lee@example.org"
    doctor.save()
    clinic = ZoneInfo("UTC")
    first = date(2026, 11, 10)
    with time_machine.travel(datetime.combine(first, time(6, 0), tzinfo=clinic), tick=False):
        cramp_nights(alice, first - timedelta(days=1), 6)
    send_at(datetime.combine(first, time(7, 30), tzinfo=clinic))
    (digest,) = [m for m in mail.outbox if m.to == ["lee@example.org"]]
    assert "alice" in digest.body and "carmen" not in digest.body
    assert f"/clinic/patients/{alice.pk}/" in digest.body
    assert not any(marker in digest.body for marker in MARKERS)
    # Next day nothing is new: no digest. A day later carmen has a new flag: only she is listed.
    mail.outbox.clear()
    send_at(datetime.combine(first + timedelta(days=1), time(7, 30), tzinfo=clinic))
    assert mail.outbox == []
    third_morning = datetime.combine(first + timedelta(days=2), time(6, 0), tzinfo=clinic)
    with time_machine.travel(third_morning, tick=False):
        cramp_nights(carmen, first + timedelta(days=1), 6)
    send_at(datetime.combine(first + timedelta(days=2), time(7, 30), tzinfo=clinic))
    (second,) = mail.outbox
    assert "carmen" in second.body and "alice" not in second.body
    digests = Delivery.objects.filter(kind="digest").order_by("key")
    statuses = list(digests.values_list("status", flat=True))
    assert statuses == ["sent", "nothing_new", "sent"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one connection; PostgreSQL shows the race")
    alice = make_patient("alice")
    alice.user.email = "alice@example.org"
    alice.user.save()
    joined_long_ago(alice)
    log_cramp_free(alice, date(2026, 11, 8))
    moment = datetime(2026, 11, 10, 21, 0, tzinfo=alice.tz)
    barrier = threading.Barrier(2)
    errors = []

    def worker() -> None:
        from django.db import connections

        try:
            barrier.wait()
            send_at(moment)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(sent_to("alice")) == 1
    assert Delivery.objects.filter(user=alice.user, kind="evening").count() == 1
