"""`make run` shows an evening reminder: the demo's frank has not logged last night yet."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command

from diary.models import Night, Patient


@pytest.mark.django_db
def test_the_demo_sends_frank_his_evening_reminder_and_nobody_else() -> None:
    call_command("seed_demo", "--force", stdout=io.StringIO())
    frank = Patient.objects.get(user__username="frank")
    assert not Night.objects.for_patient(frank).filter(date=frank.last_completed_night()).exists()
    out = io.StringIO()
    call_command("send_reminders", "--inline", "--ignore-time", stdout=out)
    reminders = [m for m in mail.outbox if m.subject == "How was last night?"]
    assert [m.to for m in reminders] == [["frank@example.org"]]
    assert "sent evening:frank" in out.getvalue()
    # Once per night: running it again sends nothing new.
    call_command("send_reminders", "--inline", "--ignore-time", stdout=io.StringIO())
    assert len([m for m in mail.outbox if m.subject == "How was last night?"]) == 1
