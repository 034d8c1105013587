"""The programmer's printed session report on a visit (issue 25): a PDF by its first bytes,
within the size limit, kept outside the web root, downloaded by the care team only, as an
attachment never stored by a cache, and in the audit trail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diary.models import Patient
from programming.models import ProgrammingVisit
from programming.services import visit_record_create

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def visit(alice: Patient, dr_lee) -> ProgrammingVisit:
    return visit_record_create(
        device=alice.devices.get(), visited_at=timezone.now() - timedelta(hours=2),
        clinician=dr_lee, configurations=[{"electrodes": "0-3+", "amplitude_unit": "mA"}],
    )


def upload(client: Client, visit: ProgrammingVisit, content: bytes, name: str = "report.pdf",
           content_type: str = "application/pdf"):
    return client.post(
        reverse("programming:visit", args=[visit.device.patient_id, visit.pk]),
        {"report": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def stored_files() -> list[Path]:
    return [p for p in Path(django_settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_pdf_is_attached_outside_the_web_root_and_downloaded_by_the_care_team(
    alice: Patient, visit: ProgrammingVisit, lee_client: Client
) -> None:
    before = set(stored_files())
    response = upload(lee_client, visit, PDF, name="../../etc/passwd.pdf")
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.report and visit.report_uploaded_at is not None
    [path] = set(stored_files()) - before
    assert path.read_bytes() == PDF
    root = Path(django_settings.PRIVATE_MEDIA_ROOT).resolve()
    assert path.resolve().is_relative_to(root)
    assert "passwd" not in visit.report.name
    assert not path.resolve().is_relative_to(Path(django_settings.STATIC_ROOT).resolve())

    page = lee_client.get(reverse("programming:visit", args=[alice.pk, visit.pk]))
    url = reverse("clinic:visit-report", args=[alice.pk, visit.pk])
    assert url in page.content.decode()
    download = lee_client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert {"no-store", "private"} <= {
        part.strip() for part in download["Cache-Control"].split(",")
    }
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("timestamp")
    assert entry.additional_data == {
        "patient_id": alice.pk, "what": "visit_report", "visit_id": visit.pk,
    }


@pytest.mark.parametrize(("content", "name", "content_type"), [
    (EXE, "report.pdf", "application/pdf"),  # a renamed .exe, with the browser's word for a PDF
    (EXE, "setup.exe", "application/x-msdownload"),
    (b"<html>%PDF-</html>", "report.pdf", "application/pdf"),
    (b"", "empty.pdf", "application/pdf"),
])
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_stored(
    visit: ProgrammingVisit, lee_client: Client, content: bytes, name: str, content_type: str
) -> None:
    before = set(stored_files())
    response = upload(lee_client, visit, content, name=name, content_type=content_type)
    assert response.status_code == 200
    body = response.content.decode()
    assert "not a PDF" in body or "The submitted file is empty" in body
    visit.refresh_from_db()
    assert not visit.report
    assert set(stored_files()) == before


def test_a_report_over_the_size_limit_is_refused(
    settings, visit: ProgrammingVisit, lee_client: Client
) -> None:
    settings.VISIT_REPORT_MAX_BYTES = len(PDF) - 1
    response = upload(lee_client, visit, PDF)
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    visit.refresh_from_db()
    assert not visit.report


def test_another_clinicians_patient_attachment_answers_404(
    alice: Patient, bob: Patient, visit: ProgrammingVisit, lee_client: Client,
    okafor_client: Client,
) -> None:
    assert upload(lee_client, visit, PDF).status_code == 302
    visit.refresh_from_db()
    name = visit.report.name
    for patient in (alice, bob):
        url = reverse("clinic:visit-report", args=[patient.pk, visit.pk])
        assert okafor_client.get(url).status_code == 404
    # Nor may they replace it.
    assert upload(okafor_client, visit, PDF).status_code == 404
    visit.refresh_from_db()
    assert visit.report.name == name


def test_a_patient_cannot_download_the_report(
    alice: Patient, visit: ProgrammingVisit, lee_client: Client, alice_client: Client
) -> None:
    assert upload(lee_client, visit, PDF).status_code == 302
    response = alice_client.get(reverse("clinic:visit-report", args=[alice.pk, visit.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("diary:home")


def test_a_visit_without_a_report_answers_404(
    alice: Patient, visit: ProgrammingVisit, lee_client: Client
) -> None:
    response = lee_client.get(reverse("clinic:visit-report", args=[alice.pk, visit.pk]))
    assert response.status_code == 404
