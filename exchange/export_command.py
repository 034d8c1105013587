"""What `export_bundle` and `export_fhir` share: one patient by username, one text, written to
standard output or a file, and one audit entry for the export."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.audit import audit_access
from diary.models import Patient


class PatientExportCommand(BaseCommand):
    kind = ""  # the audit entry's kind
    via = ""  # the command's name, for the audit entry

    def render(self, patient: Patient) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--out", default="-", help="a file; standard output when - or absent")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            patient = Patient.objects.select_related("user").get(user__username=options["username"])
        except Patient.DoesNotExist:
            raise CommandError(f"No patient with username {options['username']!r}.") from None
        text = self.render(patient)
        text = text if text.endswith("\n") else text + "\n"
        audit_access(None, patient, "export", kind=self.kind, via=self.via)
        if options["out"] == "-":
            self.stdout.write(text, ending="")
            return
        with open(options["out"], "w", encoding="utf-8") as handle:
            handle.write(text)
        self.stderr.write(f"Wrote {options['out']}.")
