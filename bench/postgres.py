"""The cramp POST and the patient page on PostgreSQL, the database a clinic runs (issue 14).

`make bench` calls measure() after the SQLite measures. It starts a throwaway PostgreSQL
cluster on 127.0.0.1 (initdb from Debian's postgresql package, as .ci/run does), builds a small
database there with the same generator (the five-year patient and the 30-night one: the page
and the POST do not depend on the cohort's size), and measures in a child process bound to it,
with the same code and the same baseline page as the SQLite figures. The cluster is removed
afterwards. Without PostgreSQL's server binaries it says so and measures nothing.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.dataset import BATCHES, COHORT_CLINICIAN, MONTH_CLINICIAN, ROOT

HOST = "127.0.0.1"
PREFIX = "PostgreSQL: "
# The SQLite database's five-year patient and 30-night patient, generated alike.
PATIENT_PAGE_BATCHES = [
    b for b in BATCHES if b.patients == 1 and b.clinician in (COHORT_CLINICIAN, MONTH_CLINICIAN)
]


def server_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> tuple[int, ...]:
    return tuple(int(p) for p in Path(path).parent.parent.name.split(".") if p.isdigit())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _as_postgres(command: list[str]) -> None:
    """Run a server command as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def cluster(binaries: Path) -> Iterator[str]:
    """A new cluster on loopback for the length of the block; yields its database URL."""
    data = Path(tempfile.mkdtemp(prefix="stimdiary-bench-pg."))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    port = _free_port()
    try:
        _as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"])
        _as_postgres([
            str(binaries / "pg_ctl"), "-D", str(data), "-l", str(data / "log"), "-w",
            "-o", f"-k /tmp -p {port} -c listen_addresses={HOST}", "start",
        ])
        try:
            _as_postgres([
                str(binaries / "createdb"), "-h", HOST, "-p", str(port), "-U", "postgres",
                "bench",
            ])
            yield f"postgres://postgres@{HOST}:{port}/bench"
        finally:
            _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"])
    finally:
        shutil.rmtree(data, ignore_errors=True)


def measure() -> tuple[list[dict[str, Any]], list[float]]:
    """The PostgreSQL results (as Result fields) and their baselines; none without a server."""
    binaries = server_binaries()
    if binaries is None:
        print("  PostgreSQL: not measured (no server binaries: apt-get install postgresql)")
        return [], []
    with cluster(binaries) as url, tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "results.json"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "BENCH_DATABASE_URL": url,
            "BENCH_DATABASE": "",
        }
        subprocess.run(
            [sys.executable, "-m", "bench.postgres", str(out)], cwd=ROOT, env=env, check=True
        )
        found = json.loads(out.read_text())
    return found["results"], found["baselines"]


def child(out: Path) -> None:
    """In the child bound to the new cluster: build, then measure."""
    import dataclasses

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from bench.build import clinician_create
    from bench.measures import Bench, subjects

    call_command("migrate", verbosity=0, interactive=False)
    for batch in PATIENT_PAGE_BATCHES:
        clinician_create(batch.clinician)
        call_command(
            "generate_synthetic", patients=1, days=batch.days, seed=batch.seed,
            clinician=batch.clinician, verbosity=0,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    cache.clear()
    bench = Bench(subjects(only_patient_pages=True))
    results = []
    for step in (bench.patient_page, bench.patient_page_cold, bench.log_cramp):
        results.extend(dataclasses.replace(r, name=PREFIX + r.name) for r in step())
    out.write_text(json.dumps({
        "results": [dataclasses.asdict(r) for r in results],
        "baselines": bench.baselines,
    }))


if __name__ == "__main__":
    child(Path(sys.argv[1]))
