from __future__ import annotations

from diary.models import Patient
from exchange.export_command import PatientExportCommand
from exchange.fhir import fhir_json


class Command(PatientExportCommand):
    help = "Write one patient's FHIR R4 bundle (the same file as the download; docs/fhir.md)."
    kind = "fhir.json"
    via = "export_fhir"

    def render(self, patient: Patient) -> str:
        return fhir_json(patient)
