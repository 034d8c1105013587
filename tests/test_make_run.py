"""`make run PORT=N` gives SITE_URL with that port to every command it starts, runserver
included: a password-reset email printed by the server links to the port it serves on
(issue 28, item 7: runserver alone did not get it, and its links said 8000)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_every_command_make_run_starts_gets_the_site_url_of_its_port() -> None:
    # -n prints the commands without running them; the venv's stamp files are left alone.
    printed = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "run", "PORT=8801"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    commands = [line for line in printed.splitlines() if "manage.py" in line]
    started = {word for line in commands for word in line.split() if word in {
        "migrate", "seed_demo", "send_reminders", "db_worker", "runserver"
    }}
    assert started == {"migrate", "seed_demo", "send_reminders", "db_worker", "runserver"}
    for line in commands:
        # Each manage.py call on the line (the worker, the scheduler, runserver) has its own.
        assert line.count("SITE_URL=http://127.0.0.1:8801") == line.count("manage.py"), line
    assert "runserver 127.0.0.1:8801" in printed
