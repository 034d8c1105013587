from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.audit import audit_access
from diary.models import Patient
from exchange.fhir import fhir_json


class Command(BaseCommand):
    help = "Write one patient's FHIR R4 bundle (the same file as the download; docs/fhir.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--out", default="-", help="a file; standard output when - or absent")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            patient = Patient.objects.select_related("user").get(user__username=options["username"])
        except Patient.DoesNotExist:
            raise CommandError(f"No patient with username {options['username']!r}.") from None
        body = fhir_json(patient)
        audit_access(None, patient, "export", kind="fhir.json", via="export_fhir")
        if options["out"] == "-":
            self.stdout.write(body)
            return
        with open(options["out"], "w", encoding="utf-8") as handle:
            handle.write(body)
            handle.write("\n")
        self.stderr.write(f"Wrote {options['out']}.")
