"""Web Push, sent to a push service on this machine that records what it receives."""

from __future__ import annotations

import base64
import io
import os
import threading
from datetime import date, datetime, time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import mail
from django.core.management import call_command
from py_vapid import Vapid02

from diary.models import Patient
from notify.models import Delivery, Preference, PushSubscription
from tests.factories import log_cramp_free, make_patient


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Recorder(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, str], bytes]] = []
    status = 201

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Recorder.received.append((self.path, dict(self.headers), body))
        self.send_response(Recorder.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def push_service():
    Recorder.received = []
    Recorder.status = 201
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def vapid(settings):
    key = Vapid02()
    key.generate_keys()
    # The form the settings take from the environment: base64url DER (py-vapid's own).
    settings.VAPID_PRIVATE_KEY = b64url(
        key.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.VAPID_PUBLIC_KEY = b64url(
        key.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    settings.VAPID_SUBJECT = "mailto:clinic@example.org"


def phone_keys() -> tuple[str, str]:
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(public), b64url(os.urandom(16))


def reminder_due(db) -> Patient:
    alice = make_patient("alice")
    Patient.objects.filter(pk=alice.pk).update(created_at=datetime(2026, 1, 1, tzinfo=alice.tz))
    log_cramp_free(alice, date(2026, 11, 8))
    Preference.objects.create(user=alice.user, channel="push")
    return alice


def test_a_reminder_goes_to_the_phone_by_web_push_with_vapid(db, push_service, vapid) -> None:
    alice = reminder_due(db)
    p256dh, auth = phone_keys()
    PushSubscription.objects.create(
        user=alice.user, endpoint=f"{push_service}/push/alice-phone", p256dh=p256dh, auth=auth
    )
    with time_machine.travel(datetime.combine(date(2026, 11, 10), time(21, 0), tzinfo=alice.tz),
                             tick=False):
        call_command("send_reminders", "--inline", stdout=io.StringIO())
    (path, headers, body) = Recorder.received[0]
    assert len(Recorder.received) == 1 and path == "/push/alice-phone"
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    assert b"last night" not in body  # encrypted for the phone alone
    assert mail.outbox == []
    delivery = Delivery.objects.get(user=alice.user)
    assert (delivery.kind, delivery.channel, delivery.status) == ("evening", "push", "sent")


def test_a_subscription_the_push_service_has_dropped_is_forgotten(db, push_service, vapid) -> None:
    alice = reminder_due(db)
    p256dh, auth = phone_keys()
    PushSubscription.objects.create(
        user=alice.user, endpoint=f"{push_service}/push/gone", p256dh=p256dh, auth=auth
    )
    Recorder.status = 410
    with time_machine.travel(datetime.combine(date(2026, 11, 10), time(21, 0), tzinfo=alice.tz),
                             tick=False):
        call_command("send_reminders", "--inline", stdout=io.StringIO())
    assert len(Recorder.received) == 1
    assert not PushSubscription.objects.exists()
    assert Delivery.objects.get(user=alice.user).status == "failed"
