"""The visit summary and the patient page of the seeded demo, as a clinician reads them: one
page for alice, sources quoted with their references (never a file name, hash, code path or
issue number), and times on the clock the page uses."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from diary.models import Patient
from insights.models import Flag, FlagAcknowledgement

pytestmark = pytest.mark.django_db

# What a clinician should never have to read: a file name, a hash, a code path, an issue.
NOT_FOR_CLINICIANS = {
    "a Markdown file": r"\.md\b",
    "a source file name": r"\.txt\b",
    "a code path": r"\.py\b",
    "a hash": r"\b[0-9a-f]{12,}\b",
    "an issue number": r"\b[Ii]ssue \d+",
}
OVERVIEW = "“Can a sacral stimulator cause leg cramps?”"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def rivera(seeded) -> Client:
    cache.clear()
    client = Client()
    client.force_login(get_user_model().objects.get(username="dr.rivera"))
    return client


def visible_text(body: bytes) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", body.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def patient(username: str) -> Patient:
    return Patient.objects.get(user__username=username)


def leftovers(text: str) -> list[str]:
    found = []
    for what, pattern in NOT_FOR_CLINICIANS.items():
        found += [f"{what}: …{text[max(m.start() - 40, 0):m.end() + 20]}…"
                  for m in re.finditer(pattern, text)]
    return found


def test_alices_visit_summary_is_one_page(rivera) -> None:
    response = rivera.get(reverse("insights:visit-summary", args=[patient("alice").pk]))
    assert response.status_code == 200
    text, pages = pdf_text(response.content)
    assert pages == 1
    # Everything the README promises is still on that page.
    for part in ("Management ladder", "Before and after each settings change", "Medicines",
                 "Timeline: the last 90 nights", "What the diary can say about each setting"):
        assert part in text


@pytest.mark.parametrize("username", ["alice", "carmen", "grace"])
def test_the_pdf_quotes_each_rules_source_with_its_reference(rivera, username) -> None:
    response = rivera.get(reverse("insights:visit-summary", args=[patient(username).pk]))
    assert response.status_code == 200
    text, _ = pdf_text(response.content)
    assert leftovers(text) == []
    assert "Source: “" in text and OVERVIEW in text
    assert "pending human review" in text
    assert "Visit summary: username" not in text


@pytest.mark.parametrize("username", ["alice", "carmen", "grace"])
def test_the_patient_page_quotes_each_flags_source_with_its_reference(rivera, username) -> None:
    response = rivera.get(reverse("clinic:patient", args=[patient(username).pk]))
    assert response.status_code == 200
    text = visible_text(response.content)
    assert leftovers(text) == []
    assert OVERVIEW in text and "pending human review" in text
    assert "Source “" in text  # the heading, then the quoted sentence


def test_the_rules_page_reads_as_rules_and_sources(rivera) -> None:
    response = rivera.get(reverse("insights:ladder-rules"))
    assert response.status_code == 200
    text = visible_text(response.content)
    assert leftovers(text) == []
    assert OVERVIEW in text and "“Spinal stenosis and leg cramps”" in text
    assert "pending human review" in text
    assert "“Before attributing leg cramps to sacral stimulation" in text
    # Each rule in the ladder's order, in words: other causes first, information last.
    assert text.index("Step 0: rule out other causes") < text.index("Step 1: reduce amplitude")
    assert text.index("Step 4") < text.index("Information: therapy weaker")


def test_a_time_in_the_pdf_is_the_time_the_page_shows(rivera) -> None:
    alice = patient("alice")  # Europe/Amsterdam in the demo
    flag = Flag.objects.filter(patient=alice, resolved_at__isnull=True).first()
    FlagAcknowledgement.objects.create(
        flag=flag, acknowledged_by=get_user_model().objects.get(username="dr.rivera"),
        acknowledged_at=datetime(2026, 11, 20, 23, 15, tzinfo=UTC), note="Seen",
        fingerprint=flag.fingerprint,
    )
    page = visible_text(rivera.get(reverse("clinic:patient", args=[alice.pk])).content)
    response = rivera.get(reverse("insights:visit-summary", args=[alice.pk]))
    assert response.status_code == 200
    text, _ = pdf_text(response.content)
    shown = "21 Nov 2026 00:15"  # 23:15 UTC on the patient's (and the page's) clock
    assert f"on {shown}" in page
    assert f"Acknowledged by dr.rivera on {shown}" in text
    assert f"times in {alice.timezone}" in text
