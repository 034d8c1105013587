from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.audit import audit_access
from diary.models import Patient
from exchange.csv_reports import PATIENT_KINDS, DateRange, csv_chunks


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Write one patient's episodes, nights or settings CSV (the same file as the download)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--kind", required=True, choices=PATIENT_KINDS)
        parser.add_argument("--from", dest="start", type=iso_date)
        parser.add_argument("--to", dest="end", type=iso_date)
        parser.add_argument("--out", default="-", help="a file; standard output when - or absent")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            patient = Patient.objects.select_related("user").get(user__username=options["username"])
        except Patient.DoesNotExist:
            raise CommandError(f"No patient with username {options['username']!r}.") from None
        dates = DateRange(options["start"], options["end"])
        if dates.start and dates.end and dates.start > dates.end:
            raise CommandError("--from is after --to.")
        audit_access(
            None, patient, "export", kind=f"{options['kind']}.csv", via="export_csv",
            date_from=dates.start.isoformat() if dates.start else None,
            date_to=dates.end.isoformat() if dates.end else None,
        )
        chunks = csv_chunks(options["kind"], [patient.pk], dates)
        if options["out"] == "-":
            for chunk in chunks:
                self.stdout.write(chunk.decode(), ending="")
            return
        with open(options["out"], "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
