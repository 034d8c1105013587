"""Property tests: random and hostile values thrown at every form of the project and at the
bundle import. A form answers with messages (never an exception, so never a 500); the import
answers BundleInvalid with every problem, and writes nothing."""

from __future__ import annotations

import importlib
import inspect
from datetime import date
from typing import Any

import pytest
from django import forms
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary.models import Patient
from diary.services import medication_create
from tests.security.sweep import database_fingerprint

FORM_MODULES = [
    "diary.forms", "clinic.forms", "programming.forms", "exchange.forms", "accounts.forms",
]

HOSTILE = [
    "", " ", "0", "-1", "1e309", "NaN", "Infinity", "99999999999999999999", "2025-02-30",
    "2025-02-29T02:30", "2025-03-30T02:30", "1900-01-01", "9999-12-31T23:59", "<script>x</script>",
    "=cmd|' /C calc'!A0", "' OR 1=1 --", "\x00", "\u202e", "🦵" * 500, "a" * 5000,
    "../../etc/passwd",
    "Europe/Atlantis", "true", "on", "null",
]
VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(date.isoformat),
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
)


def discover_forms() -> list[type[forms.BaseForm]]:
    found = []
    for name in FORM_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, forms.BaseForm)
                and value.__module__ == name
                and value.base_fields
            ):
                found.append(value)
    return found


FORMS = discover_forms()


def constructor_arguments(form_class: type[forms.BaseForm], patient: Patient) -> dict[str, Any]:
    known = {
        "patient": patient,
        "unit": "mA",
        "started_on": date(2025, 1, 1),
        "devices": [],
        "device": patient.devices.first(),
        "user": patient.user,
        "zone": patient.tz,
        "implanted_on": date(2025, 3, 2),
        "device_unit": "mA",
        "kind": "bladder",  # DailyOutcomeForm: the voiding diary's counts
        "today": date(2026, 1, 5),
        "ask_pgic": True,
        "medication": medication_create(
            patient=patient, name="Simvastatin", category="statin", started_on=date(2025, 1, 1)
        ),
    }
    arguments = {}
    for name, parameter in inspect.signature(form_class.__init__).parameters.items():
        if parameter.kind is not parameter.KEYWORD_ONLY:
            continue
        if name in known:
            arguments[name] = known[name]
        elif parameter.default is parameter.empty:
            pytest.fail(f"{form_class.__name__} needs `{name}`: add it to constructor_arguments")
    return arguments


def test_the_property_tests_find_the_diary_and_settings_forms() -> None:
    names = {form.__name__ for form in FORMS}
    assert {"LogCrampForm", "SettingsForm"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: f"{form.__module__}.{form.__name__}")
def test_every_form_answers_hostile_input_with_messages(
    form_class: type[forms.BaseForm], alice: Patient
) -> None:
    arguments = constructor_arguments(form_class, alice)
    # The fields an instance has: a form may add some for the patient (DailyOutcomeForm).
    fields = list(form_class(**arguments).fields)
    before = database_fingerprint()

    @settings(
        max_examples=40, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries({}, optional={name: st.lists(VALUE, min_size=1, max_size=2)
                                               for name in fields}))
    def check(data: dict[str, list[str]]) -> None:
        form = form_class(MultiValueDict(data), **arguments)
        if not form.is_valid():
            for messages in form.errors.values():
                assert messages and all(isinstance(m, str) and m.strip() for m in messages)

    check()
    assert database_fingerprint() == before


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
    | st.sampled_from(HOSTILE),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=30,
)


def _bundle_module() -> Any:
    return pytest.importorskip("exchange.bundle")


def mutate(value: Any, path: list[int], replacement: Any) -> Any:
    """The bundle with one node (chosen by `path`) replaced."""
    if not path or not isinstance(value, dict | list) or not value:
        return replacement
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[key] = mutate(value[key], path[1:], replacement)
    return copy


@pytest.mark.parametrize("source", ["random", "mutated export"])
def test_the_bundle_import_answers_hostile_json_with_problems_and_writes_nothing(
    source: str, alice: Patient
) -> None:
    bundle = _bundle_module()
    exported = bundle.bundle_export(alice)
    before = database_fingerprint()
    strategy = (
        JSON
        if source == "random"
        else st.builds(
            lambda path, replacement: mutate(exported, path, replacement),
            st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=5),
            JSON,
        )
    )

    @settings(
        max_examples=60, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(strategy)
    def check(data: Any) -> None:
        try:
            bundle.bundle_validate(data)
        except bundle.BundleInvalid as invalid:
            assert invalid.problems
            assert all(isinstance(problem, str) and problem for problem in invalid.problems)

    check()
    assert database_fingerprint() == before
