"""When the database cannot be reached, is read-only or locked for a moment, every page
answers 503 with Retry-After and plain words, never the generic 500, and nothing is saved
(issue 27: each fault's error is a clear message to the user)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from diary.models import CrampEpisode, Patient

pytestmark = pytest.mark.django_db


def logged_in(patient: Patient) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(patient.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("error", [
    OperationalError("could not connect to server"),
    OperationalError("database is locked"),
    InternalError("cannot execute INSERT in a read-only transaction"),
])
def test_a_cramp_sent_while_the_database_is_unavailable_gets_a_clear_503(
    alice: Patient, monkeypatch, error: Exception
) -> None:
    client = logged_in(alice)

    def unavailable(*args, **kwargs):
        raise error

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", unavailable)
        response = client.post(reverse("diary:log-cramp"), {"severity": "5"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "What you just sent was not saved." in text
    assert "sending the same entry twice still saves it once" in text
    assert "read-only" not in text and "locked" not in text  # no driver words
    assert not CrampEpisode.objects.exists()


def test_a_page_read_while_the_database_is_unavailable_gets_503_without_not_saved(
    alice: Patient, monkeypatch
) -> None:
    client = logged_in(alice)
    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute",
                      lambda *a, **k: (_ for _ in ()).throw(OperationalError("gone")))
        response = client.get(reverse("diary:home"))
    assert response.status_code == 503
    assert "cannot reach its records right now" in response.content.decode()
    assert "was not saved" not in response.content.decode()


def test_a_broken_constraint_is_still_a_server_error(alice: Patient, monkeypatch) -> None:
    client = logged_in(alice)
    client.get(reverse("diary:home"))  # the session is read before the patch

    def broken(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", broken)
        response = client.get(reverse("diary:home"))
    assert response.status_code == 500
