"""Generated values posted to every form of the project, as the patient and as the clinician,
then every page of that patient and the cohort rendered: whatever a form let through, no
stored value makes a page, chart, PDF or export answer 500.

Every POST starts from values that pass the forms (so a write happens) with one to three fields
replaced by generated ones: dates from the year 1 to 9999, huge, negative and non-numbers,
long and odd Unicode, empty. The Django test client re-raises a view's exception, so a crash
fails the test with its traceback and Hypothesis' smallest example."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary.models import Patient
from tests.security.sweep import (
    Route,
    all_routes,
    body,
    build_alice_world,
    clinician_pages,
    patient_pages,
    url_for,
)
from tests.security.test_hostile_input import FORMS

# Pages that end the session or remove the objects the next examples post to.
NOT_POSTED = ("logout", "delete", "password-link", "set-password", "login")
POSTED = [
    route for route in all_routes()
    if not route.is_public and not any(word in route.name for word in NOT_POSTED)
]
# DailyOutcomeForm adds the outcome's fields for the patient's kind: all of them are posted.
OUTCOME_FIELDS = {"voids", "leaks", "urgency_episodes", "pads", "bowel_incontinence_episodes",
                  "bowel_urgency", "pain_worst", "pain_average", "pgic"}
FIELDS = sorted(
    {name for form in FORMS for name in form.base_fields} | {"had_cramps", "note"}
    | OUTCOME_FIELDS
)


def valid_post(patient: Patient) -> dict[str, str]:
    """Values that pass the forms, relative to now: the base every generated POST changes."""
    now = timezone.now().astimezone(patient.tz)
    yesterday = (now - timedelta(days=1)).replace(hour=2, minute=30)
    return {
        "severity": "6",
        "started_at": yesterday.strftime("%Y-%m-%dT%H:%M"),
        "date": (now.date() - timedelta(days=9)).isoformat(),
        "duration_min": "5",
        "side": "left",
        "site": "calf",
        "woke_from_sleep": "yes",
        "relieved_by": "stretching",
        "notes": "Woke at two.",
        "note": "Lowered by one step.",
        "therapy_benefit": "7",
        "sleep_quality": "5",
        "sleep_disturbance": "7",
        "name": "Prednisone",
        "category": "steroid",
        "started_on": (now.date() - timedelta(days=20)).isoformat(),
        "stopped_on": (now.date() - timedelta(days=2)).isoformat(),
        "amplitude": "1.8",
        "amplitude_unit": "mA",
        "pulse_width_us": "210",
        "frequency_hz": "14",
        "stimulation_on": "on",
        "reason": "reduce_amplitude",
        "effective_at": (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "electrode_configuration": "0-3+",
        "username": "generated",
        "timezone": "Europe/Amsterdam",
        "therapy": "sacral",
        "phase": "trial",
        "implanted_on": "2025-03-02",
        "lead_site": "left S3",
        "token": "123456",
        "day": "today",
        "leaks": "2",
        "voids": "9",
        "pain_average": "4",
        "sacral_indication": "bladder",
        "outcome_diary_days": "3",
    }


def moment(value: datetime) -> str:
    return value.isoformat(timespec="minutes")  # zero-padded years, unlike strftime


ODD_TEXT = st.sampled_from([
    "🦵" * 2001, "a" * 5000, "\u202eevil", "Z̷̢͎a̶l̷g̴o", "=cmd|' /C calc'!A0", "<script>x</script>",
    "\u200b", "ß" * 3, "İ", "\ufeff", "x\r\ny", "\x00",
])
VALUE = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)).map(
        moment
    ),
    st.sampled_from(["0001-01-01T00:30", "9999-12-31T23:59", "0001-01-01", "9999-12-31"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e309", "-0", "1e-30", "999.99", "-1"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=200),
    ODD_TEXT,
    st.just(""),
)
POST = st.tuples(
    st.sampled_from(POSTED),
    st.dictionaries(st.sampled_from(FIELDS), VALUE, min_size=1, max_size=3),
)


def test_generated_posts_to_every_form_leave_every_page_answering(
    alice: Patient, dr_lee: Any, alice_client: Client, lee_client: Client
) -> None:
    world = build_alice_world(alice)
    clients = {"patient": alice_client, "clinician": lee_client}
    base = valid_post(alice)

    @settings(
        max_examples=8, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(POST, min_size=1, max_size=4))
    def check(posts: list[tuple[Route, dict[str, str]]]) -> None:
        for route, changes in posts:
            # The patient's forms as alice, the clinic's (and account pages) as dr_lee.
            client = clients["patient" if route.audience == "patient" else "clinician"]
            response = client.post(url_for(route, world), {**base, **changes})
            assert response.status_code < 500, route.name
        for client, urls in (
            (alice_client, patient_pages(alice)), (lee_client, clinician_pages(alice)),
        ):
            for url in urls:
                response = client.get(url)
                assert response.status_code < 500, url
                body(response)

    check()
