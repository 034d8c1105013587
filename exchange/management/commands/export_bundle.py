from __future__ import annotations

from diary.models import Patient
from exchange.bundle import bundle_dumps, bundle_export
from exchange.export_command import PatientExportCommand


class Command(PatientExportCommand):
    help = "Write one patient's whole diary as a JSON bundle (docs/bundle-format.md)."
    kind = "bundle"
    via = "export_bundle"

    def render(self, patient: Patient) -> str:
        return bundle_dumps(bundle_export(patient))
