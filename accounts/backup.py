"""A consistent copy of the database while the app keeps running."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any


class BackupNotSupported(Exception):
    pass


def backup_database(database: dict[str, Any], out: Path) -> int:
    """Copy an SQLite database with SQLite's online backup API, which takes a consistent
    snapshot even while other connections write. Returns the number of pages copied."""
    engine = database["ENGINE"]
    if engine != "django.db.backends.sqlite3":
        vendor = engine.rsplit(".", 1)[-1]
        if "postgresql" in engine:
            raise BackupNotSupported(
                "This database is PostgreSQL: back it up with pg_dump, for example "
                "`pg_dump --format=custom --file=stimdiary.dump \"$DATABASE_URL\"`."
            )
        raise BackupNotSupported(f"No online backup for the {vendor} database; use its own tools.")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    # The copy holds every patient's diary: readable by its owner only, from the first byte
    # (created 0600, whatever the umask; SQLite gives its journal the file's own mode).
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.chmod(partial, 0o600)
    source = sqlite3.connect(str(database["NAME"]), timeout=30)
    try:
        target = sqlite3.connect(str(partial))
        try:
            source.backup(target, pages=1024)
            pages = target.execute("PRAGMA page_count").fetchone()[0]
            # A single-file copy: the backup is not in WAL mode, so it needs no -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE")
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
    finally:
        source.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"The copy failed its integrity check: {check}")
    partial.replace(out)
    return pages
