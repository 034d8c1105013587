"""Liveness and readiness (issue 26): answered without a log-in, never cached, 503 when the
database or the task queue cannot be read, and nothing about any patient in either."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from tests.factories import DATABASE_TASKS

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_a_log_in_or_the_database(client: Client, monkeypatch) -> None:
    def no_database(*args, **kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(CursorWrapper, "execute", no_database)
    response = client.get(reverse("health-live"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readiness_is_200_when_the_database_and_the_queue_answer(
    client: Client, settings
) -> None:
    settings.TASKS = DATABASE_TASKS
    response = client.get(reverse("health-ready"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["task_queue"] == {
        "ok": True, "backend": "database", "waiting": 0, "oldest_waiting_seconds": 0,
    }
    assert "no-store" in response["Cache-Control"]


def test_readiness_reports_the_queue_backlog(client: Client, settings, alice) -> None:
    from diary.services import patient_data_changed

    settings.TASKS = DATABASE_TASKS
    settings.SUMMARY_REFRESH_DELAY = 0
    patient_data_changed(alice)  # queues a ladder refresh that no worker runs here
    response = client.get(reverse("health-ready"))
    assert response.status_code == 200
    queue = response.json()["checks"]["task_queue"]
    assert queue["waiting"] == 1
    assert queue["oldest_waiting_seconds"] >= 0
    assert "alice" not in response.content.decode()


def test_readiness_is_503_when_the_database_is_unreachable(
    client: Client, settings, monkeypatch
) -> None:
    settings.TASKS = DATABASE_TASKS
    secret = "password=hunter2 host=db.internal"

    def unreachable(*args, **kwargs):
        raise OperationalError(f"could not connect to server: {secret}")

    monkeypatch.setattr(CursorWrapper, "execute", unreachable)
    response = client.get(reverse("health-ready"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "The database cannot be reached."}
    assert body["checks"]["task_queue"]["ok"] is False
    assert "hunter2" not in response.content.decode()


def test_health_endpoints_take_only_get(client: Client) -> None:
    assert client.post(reverse("health-live")).status_code == 405
    assert client.post(reverse("health-ready")).status_code == 405
