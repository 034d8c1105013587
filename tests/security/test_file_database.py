"""Against a real SQLite file, in a separate process: concurrent writers on the same night,
and `manage.py backup` taken while the app writes, then restored."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from accounts.backup import backup_database

BASE_DIR = Path(__file__).resolve().parents[2]


def run(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def worker(task: str, *args: str, database: Path) -> dict:
    result = run("-m", "tests.security.file_db_worker", task, *args, database=database)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_tabs_and_the_remote_logging_the_same_night_give_one_night_and_every_cramp(
    tmp_path: Path,
) -> None:
    outcome = worker("concurrent", database=tmp_path / "stimdiary.sqlite3")

    assert outcome["errors"] == []
    assert outcome["nights"] == 1
    assert outcome["episodes"] == outcome["expected"]


def test_a_backup_taken_while_the_app_writes_restores_every_row(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    copy = tmp_path / "backup.sqlite3"

    outcome = worker("backup", str(copy), database=live)

    assert outcome["written_during"] >= 5
    with sqlite3.connect(copy) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored = worker("rows", database=copy)
    restored_rows = {tuple(row) for row in restored["episodes"]}
    assert {tuple(row) for row in outcome["before"]} <= restored_rows
    live_rows = {tuple(row) for row in worker("rows", database=live)["episodes"]}
    assert restored_rows <= live_rows  # a consistent snapshot: nothing half-written


def test_the_backup_command_writes_a_copy(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    worker("concurrent", database=live)
    copy = tmp_path / "nested" / "copy.sqlite3"

    result = run("manage.py", "backup", "--out", str(copy), database=live)

    assert result.returncode == 0, result.stderr
    assert "Backed up" in result.stdout
    assert worker("rows", database=copy) == worker("rows", database=live)


def test_on_postgresql_the_backup_command_names_pg_dump_and_fails(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/stimdiary", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "backup", "--out", str(tmp_path / "x")],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "pg_dump" in result.stderr
    assert not (tmp_path / "x").exists()


def test_the_backup_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """The copy holds every diary: 0600 from its creation, whatever the umask, and also when
    it replaces an older copy that was world-readable."""
    live = tmp_path / "live.sqlite3"
    with sqlite3.connect(live) as connection:
        connection.execute("CREATE TABLE night (id INTEGER PRIMARY KEY, notes TEXT)")
        connection.execute("INSERT INTO night (notes) VALUES ('synthetic')")
    copy = tmp_path / "copy.sqlite3"
    copy.write_text("an older copy")
    copy.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        backup_database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)}, copy)
    finally:
        os.umask(old_umask)

    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT notes FROM night").fetchall() == [("synthetic",)]


def test_the_backup_command_writes_its_copy_0600(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    sqlite3.connect(live).close()
    copy = tmp_path / "copy.sqlite3"

    result = run("manage.py", "backup", "--out", str(copy), database=live)

    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
