"""Hostile bundles through `import_bundle`: each is refused with exit status 1, a message that
names the path of the bad value, no traceback, and nothing written."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from tests.security.sweep import database_fingerprint

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def dan() -> dict[str, Any]:
    return json.loads((SEEDS / "dan.json").read_text(encoding="utf-8"))


def cramp_night(bundle: dict[str, Any]) -> int:
    return next(i for i, night in enumerate(bundle["nights"]) if night["episodes"])


def refused(path: Path) -> str:
    """Run the command as manage.py would; the report it wrote, after checking the refusal."""
    before = database_fingerprint()
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_bundle", str(path), stderr=err)
    assert raised.value.returncode == 1
    assert "nothing was imported" in str(raised.value)
    assert database_fingerprint() == before
    return err.getvalue()


def write(tmp_path: Path, bundle: dict[str, Any] | str) -> Path:
    path = tmp_path / "bundle.json"
    text = bundle if isinstance(bundle, str) else json.dumps(bundle)
    path.write_text(text, encoding="utf-8")
    return path


def set_value(bundle: dict[str, Any], where: str, value: Any) -> None:
    """Set a value by a bundle path such as 'nights[3].episodes[0].severity'."""
    node: Any = bundle
    parts = where.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = parts[-1]
    node[int(last) if last.isdigit() else last] = value


def episode_path(bundle: dict[str, Any], field: str) -> str:
    return f"nights[{cramp_night(bundle)}].episodes[0].{field}"


CASES: dict[str, tuple[Callable[[dict[str, Any]], str], Any, str]] = {
    # name: (the path to change, the value, what the report says at that path)
    "year 1 cramp": (
        lambda b: episode_path(b, "started_at"), "0001-01-01T00:30:00+05:00",
        "That time is before 1 January 2000",
    ),
    "year 9999 cramp": (
        lambda b: episode_path(b, "started_at"), "9999-12-31T23:59:00-12:00", "in the future",
    ),
    "year 9999 night": (lambda b: "nights[3].date", "9999-12-31", "That night is in the future"),
    "year 1 night": (lambda b: "nights[3].date", "0001-01-01", "That night is before"),
    "invalid date": (lambda b: "nights[3].date", "2025-02-30", "invalid date"),
    "year 1 check-in": (
        lambda b: "nights[3].checked_in_at", "0001-01-01T08:00:00+00:00", "before 1 January 2000"
    ),
    "implant in the year 1": (
        lambda b: "devices[0].implanted_on", "0001-01-01", "That implant date is before"
    ),
    "settings before the implant": (
        lambda b: "devices[0].settings[0].effective_at", "2025-02-23T16:00:00+00:00",
        "before the device was implanted",
    ),
    "settings in the year 1": (
        lambda b: "devices[0].settings[1].effective_at", "0001-01-01T00:00:00+00:00",
        "before the device was implanted",
    ),
    "nested list for a number": (lambda b: episode_path(b, "severity"), [[5]], "whole number"),
    "nested list in a list": (
        lambda b: episode_path(b, "relieved_by"), [["stretching"]], "Choose what helped"
    ),
    "object for text": (lambda b: "nights[3].notes", {"a": 1}, "must be text"),
    "notes longer than the field": (
        lambda b: "nights[3].notes", "x" * 2001, "is longer than 2,000 characters"
    ),
    "episode notes longer than the field": (
        lambda b: episode_path(b, "notes"), "y" * 5000, "is longer than 2,000 characters"
    ),
    "NUL in text": (lambda b: "nights[3].notes", "a\x00b", "NUL character"),
    "deeply nested notes": (
        lambda b: "nights[3].notes", json.loads("[" * 40 + "]" * 40), "nested deeper"
    ),
    "huge integer": (lambda b: episode_path(b, "severity"), 10**40, "between 0 and 10"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_hostile_value_is_refused_with_its_path(db, tmp_path: Path, case: str) -> None:
    bundle = dan()
    where, value, message = CASES[case]
    path = where(bundle)
    set_value(bundle, path, value)
    report = refused(write(tmp_path, bundle))
    assert any(
        line.startswith(f"{path}") and message in line for line in report.splitlines()
    ), report


@pytest.mark.parametrize(
    ("token", "where"),
    [
        ("NaN", "nights[3].therapy_benefit"),
        ("Infinity", "devices[0].settings[0].amplitude"),
        ("-Infinity", "devices[0].settings[0].frequency_hz"),
        ("1e400", "devices[0].settings[1].amplitude"),
    ],
)
def test_nan_and_infinity_are_refused_with_their_path(
    db, tmp_path: Path, token: str, where: str
) -> None:
    bundle = dan()
    set_value(bundle, where, "__HOSTILE__")
    text = json.dumps(bundle).replace('"__HOSTILE__"', token)
    report = refused(write(tmp_path, text))
    assert f"{where}: must be a finite number" in report


def test_a_medication_starting_in_9999_is_refused(db, tmp_path: Path) -> None:
    bundle = dan()
    bundle["medications"] = [
        {"name": "Prednisone", "category": "steroid", "started_on": "9999-01-01",
         "stopped_on": None},
    ]
    report = refused(write(tmp_path, bundle))
    assert "medications[0].started_on: That date is in the future." in report


def test_a_correction_chain_that_loops_is_refused(db, tmp_path: Path) -> None:
    bundle = dan()
    settings = bundle["devices"][0]["settings"]
    settings[0]["corrects"], settings[1]["corrects"] = 1, 0
    report = refused(write(tmp_path, bundle))
    assert "devices[0].settings[0].corrects: the corrections form a loop" in report
    assert "devices[0].settings[1].corrects: the corrections form a loop" in report


@pytest.mark.parametrize("existing", ["Dan", "DAN", "ｄａｎ", "dAn"])
def test_a_username_that_differs_only_by_case_or_form_is_refused(
    db, tmp_path: Path, existing: str
) -> None:
    User.objects.create(username=existing)  # as stored, not normalised
    report = refused(write(tmp_path, dan()))
    assert f"patient.username: is the same name as the existing account {existing!r}" in report
    assert not User.objects.filter(username="dan").exists()


def test_deep_nesting_is_refused_without_a_recursion_error(db, tmp_path: Path) -> None:
    report = refused(write(tmp_path, "[" * 200_000 + "]" * 200_000))
    assert "bundle: nested too deeply to be a bundle" in report


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    db, tmp_path: Path, settings
) -> None:
    settings.BUNDLE_MAX_BYTES = 10_000
    report = refused(write(tmp_path, dan()))
    assert "bundle: the file is larger than 10,000 bytes (BUNDLE_MAX_BYTES)" in report


def test_bytes_that_are_not_utf8_are_refused(db, tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps(dan()).encode("utf-8").replace(b"Programmed", b"Programm\xe9d"))
    assert "bundle: the file is not UTF-8 text" in refused(path)


def test_many_problems_are_all_reported_at_once(db, tmp_path: Path) -> None:
    bundle = dan()
    for name in ("year 1 cramp", "notes longer than the field", "settings before the implant"):
        where, value, _ = CASES[name]
        set_value(bundle, where(bundle), value)
    report = refused(write(tmp_path, bundle))
    assert len(report.strip().splitlines()) == 3


def test_the_command_exits_with_status_1_and_no_traceback(tmp_path: Path) -> None:
    bundle = dan()
    set_value(bundle, "nights[3].therapy_benefit", "__HOSTILE__")
    path = write(tmp_path, json.dumps(bundle).replace('"__HOSTILE__"', "NaN"))
    # Refused before any query: an empty database file shows nothing was created either.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_bundle", str(path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "nights[3].therapy_benefit: must be a finite number" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "never.sqlite3").exists()
