"""What the bench's database holds, and where the built copy is kept between runs.

Building takes minutes, so the built file is kept under var/bench/, named by a key made of
the generator's parameters, the date (the data ends last night), and the source of the code
that shapes the stored rows (models, migrations, generator, summaries). Any change to those
builds a fresh file; each run measures a throwaway copy, so the kept file never changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "var" / "bench"
# What shapes the stored rows: the schema, the generator and this build. (Not the analysis:
# a changed ladder leaves the kept summaries as they were; rebuild with `rm -r var/bench`.)
SHAPING_CODE = (
    "diary/migrations", "programming/migrations", "insights/migrations", "clinic/migrations",
    "exchange/synthetic.py", "exchange/management/commands/generate_synthetic.py",
    "bench/build.py", "bench/dataset.py",
)
FIVE_YEARS = 5 * 365 + 1


@dataclass(frozen=True)
class Batch:
    """One generate_synthetic call: N patients with D days each on a clinician's team."""

    clinician: str
    patients: int
    days: int
    seed: int


# The cohort: 1,000 patients, one with five years of nightly entries, the rest with a year.
COHORT_CLINICIAN = "bench.cohort"
# Ten patients for "the same queries for 10 and for 1,000 patients", and one with a month
# for "the same queries for 30 nights and for five years".
SMALL_COHORT_CLINICIAN = "bench.ten"
MONTH_CLINICIAN = "bench.month"
# The export team: generated patients with five years each, their nights then given extra
# cramps until the team's episodes.csv has exactly EXPORT_ROWS rows (the generator's own rate,
# about one cramp every four nights, would need some four million nights).
EXPORT_CLINICIAN = "bench.export"
EXPORT_ROWS = 1_000_000

BATCHES = (
    Batch(COHORT_CLINICIAN, patients=999, days=365, seed=9001),
    Batch(COHORT_CLINICIAN, patients=1, days=FIVE_YEARS, seed=9002),
    Batch(SMALL_COHORT_CLINICIAN, patients=10, days=365, seed=9003),
    Batch(MONTH_CLINICIAN, patients=1, days=30, seed=9004),
    Batch(EXPORT_CLINICIAN, patients=200, days=FIVE_YEARS, seed=9005),
)


def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in SHAPING_CODE:
        base = ROOT / name
        files = sorted(base.rglob("*.py")) if base.is_dir() else [base]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def key(today: date) -> str:
    parts = {
        "batches": [asdict(b) for b in BATCHES],
        "export_rows": EXPORT_ROWS,
        "today": today.isoformat(),
        "code": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def built_path(today: date) -> Path:
    return FOLDER / f"bench-{key(today)}.sqlite3"


def ensure_built(today: date, *, echo: bool = True) -> Path:
    """The kept database for today's key, building it in a child process when missing
    (Django binds one database per process; the child binds the file being built)."""
    path = built_path(today)
    if path.exists():
        if echo:
            print(f"Reusing {path.relative_to(ROOT)}")
        return path
    FOLDER.mkdir(parents=True, exist_ok=True)
    for old in FOLDER.glob("bench-*.sqlite3*"):
        old.unlink()  # an older key's file: stale, and hundreds of megabytes
    partial = path.with_suffix(".partial")
    for leftover in FOLDER.glob(partial.name + "*"):
        leftover.unlink()
    if echo:
        print(f"Building {path.relative_to(ROOT)} (minutes; kept for later runs today)")
    env = {**os.environ, "BENCH_DATABASE": str(partial), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run([sys.executable, "-m", "bench.build"], cwd=ROOT, env=env, check=True)
    _checkpoint(partial)
    partial.rename(path)
    return path


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file so one file is the whole database."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def working_copy(built: Path) -> Path:
    """A copy for this run: the measures write (cramps, audit entries, sessions)."""
    copy = FOLDER / "run.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    shutil.copyfile(built, copy)
    return copy
