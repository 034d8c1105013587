"""One rule for the corrected timeline (programming.services.corrected_timeline): the loader,
the patient page's reading of the history it already has, and the cohort's SQL agree on the
same data, corrections and a correction of the latest record included."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse

from programming.models import SettingsRecord
from programming.services import corrected_timeline, settings_record_create, timeline_for
from tests.factories import change_settings


def test_the_loader_the_page_and_the_cohort_read_the_same_corrected_timeline(
    alice, lee_client
) -> None:
    first = SettingsRecord.objects.for_patient(alice).get()
    wrong = change_settings(alice, first.effective_at + timedelta(days=30), amplitude="9.9")
    change_settings(alice, first.effective_at + timedelta(days=40), amplitude="1.2")
    latest_wrong = change_settings(alice, first.effective_at + timedelta(days=50), amplitude="8")
    for bad, amplitude in ((wrong, "1.5"), (latest_wrong, "1.0")):
        settings_record_create(
            device=bad.device, effective_at=bad.effective_at, amplitude=Decimal(amplitude),
            amplitude_unit=bad.amplitude_unit, pulse_width_us=bad.pulse_width_us,
            frequency_hz=bad.frequency_hz, corrects=bad,
        )
    history = list(SettingsRecord.objects.for_patient(alice).select_related("corrects"))
    replaced = {r.corrects_id: r for r in history if r.corrects_id}
    for record in history:
        record.corrected_by = replaced.get(record.pk)

    loaded = timeline_for(alice)
    assert [s.amplitude for s in loaded.records] == [2.0, 1.5, 1.2, 1.0]
    assert [s.record_id for s in corrected_timeline(history).records] == [
        s.record_id for s in loaded.records
    ]
    response = lee_client.get(reverse("clinic:cohort"))
    assert response.status_code == 200
    (row,) = [r for r in response.context["rows"] if r.pk == alice.pk]
    assert row.current_settings.record_id == loaded.current.record_id
    assert row.current_settings.amplitude == 1.0
