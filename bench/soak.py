"""Load and faults: patients logging cramps and clinicians reading pages against gunicorn with
several workers and the task worker, while a web worker and the task worker are killed with
SIGKILL and the database refuses writes for a moment; then every write the client was told
succeeded is checked against the database and the CSV, and every ladder state against a fresh
computation (issue 27; figures in docs/performance.md).

`make soak` (or `python -m bench.soak [--patients 8] [--cramps 40] [--backend sqlite postgres]`).
Loopback only, bounded in count and time: it stops by itself.

The client behaves as the phone's outbox does (static/js/offline.js): a cramp has a client
token; an answer of 5xx or a dropped connection means "not saved, send it again later", with
the same token; a redirect to the cramp's own page means saved. Each patient also sends one
cramp twice on purpose (a double tap).
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from bench.dataset import ROOT
from bench.postgres import _as_postgres, cluster, server_binaries
from bench.throughput import HOST, free_port, request, start_gunicorn, stop

FOLDER = ROOT / "var" / "soak"
TIME_LIMIT = 240.0  # the whole burst, whatever happens
RETRIES = 8
PACE = 0.3  # seconds between one patient's cramps: the burst outlasts the faults
WEB_WORKERS = 3
# When each fault begins, in seconds from the start of the burst, and how long it lasts.
KILL_WEB_WORKER_AT = 4.0
KILL_TASK_WORKER_AT = 8.0
TASK_WORKER_DOWN = 3.0
READ_ONLY_AT = 14.0
READ_ONLY_FOR = 3.0


@dataclass
class Call:
    kind: str  # "cramp" or "page"
    started: float
    seconds: float
    status: int  # 0: the connection dropped
    error: str = ""


@dataclass
class Run:
    backend: str
    calls: list[Call] = field(default_factory=list)
    confirmed: dict[str, int] = field(default_factory=dict)  # token -> patient id
    sent_twice: set[str] = field(default_factory=set)
    faults: list[tuple[str, float, float]] = field(default_factory=list)  # name, from, to
    lock: threading.Lock = field(default_factory=threading.Lock)


def env_for(backend_env: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CACHE_BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "CACHE_LOCATION": str(FOLDER / "cache"),
        "MPLCONFIGDIR": os.environ.get("MPLCONFIGDIR", str(ROOT / "var" / "matplotlib")),
        "SUMMARY_REFRESH_DELAY": "1",
        **backend_env,
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          stdout=subprocess.DEVNULL)


def setup(env: dict[str, str], patients: int) -> tuple[dict[str, str], list[tuple[int, dict]]]:
    """Migrate, make the soak's patients (a month of synthetic diary each) and a clinician, and
    sign them in: returns the clinician's cookies and each patient's (id, cookies)."""
    manage(env, "migrate", "--no-input")
    os.environ.update({k: v for k, v in env.items() if k.startswith(("BENCH_", "DJANGO_"))})
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    from clinic.models import Clinician, default_clinic
    from diary.models import Patient
    from exchange.synthetic import SyntheticRun, generate_synthetic
    from insights.summary import refresh_all

    clinician = User.objects.create_user("dr.soak")
    Clinician.objects.create(user=clinician, clinic=default_clinic())
    run = SyntheticRun(patients=patients, days=30, seed=27, end=date.today() - timedelta(days=2))
    ids = generate_synthetic(run, clinician)
    refresh_all(Patient.objects.filter(pk__in=ids))

    def cookies(user) -> dict[str, str]:  # noqa: ANN001 - a User
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    people = Patient.objects.filter(pk__in=ids).select_related("user").order_by("pk")
    return cookies(clinician), [(p.pk, cookies(p.user)) for p in people]


def timed(run: Run, kind: str, send) -> int:  # noqa: ANN001 - a callable
    started = time.monotonic()
    error = ""
    try:
        status = send()
    except (OSError, http.client.HTTPException) as dropped:
        status, error = 0, type(dropped).__name__
    with run.lock:
        run.calls.append(Call(kind, started, time.monotonic() - started, status, error))
    return status


def post_cramp_form(connection: http.client.HTTPConnection, cookies: dict[str, str],
                    csrf: dict[str, str]) -> int:
    """Open the cramp form: its CSRF token goes into `csrf`."""
    status, content = request(connection, "GET", "/diary/cramp/", cookies)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if status == 200 and found is not None:
        csrf["form"] = found[1].decode()
    return status


def post_cramp(connection: http.client.HTTPConnection, cookies: dict[str, str],
               csrf: dict[str, str], severity: int, token: str,
               location: list[str]) -> int:
    if "form" not in csrf:
        status = post_cramp_form(connection, cookies, csrf)
        if status != 200:
            return status
    body = f"csrfmiddlewaretoken={csrf['form']}&severity={severity}&client_token={token}"
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in {**cookies, "csrftoken": csrf["form"]}.items()),
        "Host": HOST, "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://{HOST}/diary/cramp/",
    }
    connection.request("POST", "/diary/cramp/", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    location.append(response.getheader("Location", ""))
    return response.status


def patient_loop(run: Run, port: int, patient_id: int, cookies: dict[str, str], cramps: int,
                 deadline: float, csrf: dict[str, str]) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    for index in range(cramps):
        token = str(uuid.uuid4())
        twice = index == cramps // 2
        for attempt in range(RETRIES):
            if time.monotonic() > deadline:
                return
            location: list[str] = []
            status = timed(run, "cramp", partial(
                post_cramp, connection, cookies, csrf, 1 + index % 9, token, location))
            if status == 0:
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                csrf.clear()
            if status == 302 and location and "/diary/episodes/" in location[-1]:
                with run.lock:
                    run.confirmed[token] = patient_id
                if twice and token not in run.sent_twice:
                    run.sent_twice.add(token)
                    continue  # the double tap: the same token once more
                break
            time.sleep(min(0.2 * 2 ** attempt, 2.0))  # the outbox's "try again later"
        time.sleep(PACE)
    connection.close()


def page_status(connection: http.client.HTTPConnection, path: str,
                cookies: dict[str, str]) -> int:
    return request(connection, "GET", path, cookies)[0]


def clinician_loop(run: Run, port: int, cookies: dict[str, str], pages: list[str],
                   reads: int, deadline: float) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    for index in range(reads):
        if time.monotonic() > deadline:
            break
        status = timed(run, "page", partial(page_status, connection,
                                            pages[index % len(pages)], cookies))
        if status == 0:
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.close()


def start_task_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload"], cwd=ROOT,
                            env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def web_workers(master: subprocess.Popen[bytes]) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


@contextmanager
def read_only(backend: str, env: dict[str, str]) -> Iterator[None]:
    """The database refuses writes for the length of the block: PostgreSQL turns every new
    transaction read-only (as during a failover's first moments); SQLite is held by another
    process's exclusive lock (its writers wait up to busy_timeout, then give up)."""
    if backend == "postgres":
        url = env["BENCH_DATABASE_URL"]
        port = url.rsplit(":", 1)[1].split("/")[0]

        def psql(sql: str) -> None:
            _as_postgres(["psql", "-h", HOST, "-p", port, "-U", "postgres", "-d", "bench",
                          "-c", sql])

        psql("ALTER SYSTEM SET default_transaction_read_only = on")
        psql("SELECT pg_reload_conf()")
        try:
            yield
        finally:
            psql("ALTER SYSTEM RESET default_transaction_read_only")
            psql("SELECT pg_reload_conf()")
    else:
        holder = sqlite3.connect(env["BENCH_DATABASE"], timeout=30, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()


def faults(run: Run, backend: str, env: dict[str, str], master: subprocess.Popen[bytes],
           worker: list[subprocess.Popen[bytes]], start: float) -> None:
    def at(moment: float) -> None:
        time.sleep(max(0.0, start + moment - time.monotonic()))

    at(KILL_WEB_WORKER_AT)
    victims = web_workers(master)
    if victims:
        os.kill(victims[0], signal.SIGKILL)
        run.faults.append(("web worker killed (SIGKILL)", KILL_WEB_WORKER_AT,
                           KILL_WEB_WORKER_AT + 1.0))
    at(KILL_TASK_WORKER_AT)
    os.killpg(worker[0].pid, signal.SIGKILL)
    worker[0].wait()
    time.sleep(TASK_WORKER_DOWN)
    worker[0] = start_task_worker(env)
    run.faults.append(("task worker killed (SIGKILL), restarted after "
                       f"{TASK_WORKER_DOWN:.0f} s", KILL_TASK_WORKER_AT,
                       KILL_TASK_WORKER_AT + TASK_WORKER_DOWN))
    at(READ_ONLY_AT)
    with read_only(backend, env):
        time.sleep(READ_ONLY_FOR)
    run.faults.append(("database refusing writes", READ_ONLY_AT, READ_ONLY_AT + READ_ONLY_FOR))


def in_fault(run: Run, call: Call, start: float) -> bool:
    moment = call.started - start
    # A request begun before a fault may end inside it: a second's grace either side.
    return any(begin - 1.0 <= moment <= end + 1.0 for _, begin, end in run.faults)


def check(run: Run, patient_ids: list[int]) -> dict[str, int]:
    """What the database, the CSV and the ladder say after the burst, against what the clients
    were told."""
    from django.db.models import Count

    from diary.models import CrampEpisode, Patient
    from exchange.csv_reports import DateRange, csv_chunks
    from insights.models import PatientSummary
    from insights.summary import ladder_for

    tokens = {str(t): n for t, n in CrampEpisode.objects.filter(
        client_token__isnull=False, night__patient_id__in=patient_ids
    ).values_list("client_token").annotate(n=Count("id"))}
    lost = sum(1 for token in run.confirmed if tokens.get(token, 0) == 0)
    doubled = sum(1 for n in tokens.values() if n > 1)
    text = b"".join(csv_chunks("episodes", patient_ids, DateRange(None, None))).decode()
    csv_rows = len(list(csv.reader(io.StringIO(text)))) - 1  # the header
    stored = CrampEpisode.objects.filter(night__patient_id__in=patient_ids,
                                         deleted_at__isnull=True).count()
    diverged = 0
    for patient in Patient.objects.filter(pk__in=patient_ids):
        summary = PatientSummary.objects.filter(patient=patient).first()
        fresh = ladder_for(patient)
        if (summary is None or summary.data_version != patient.data_version
                or sorted(summary.flag_codes) != sorted(f.code for f in fresh.flags)):
            diverged += 1
    return {"confirmed": len(run.confirmed), "stored_with_token": sum(tokens.values()),
            "lost": lost, "doubled": doubled, "csv_minus_database": csv_rows - stored,
            "ladder_states_diverged": diverged}


def drain(env: dict[str, str], backend: str) -> None:
    """Run what the task worker left queued, as a worker started after the burst would."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    # Refreshes are queued a moment after each write (SUMMARY_REFRESH_DELAY): wait for those,
    # not for the ones queued for the next night's end.
    soon = DBTaskResult.objects.filter(status="READY")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and soon.filter(
            run_after__lte=timezone.now() + timedelta(seconds=10)).exists():
        time.sleep(1.5)
        manage(env, "db_worker", "--batch", "--no-reload")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def soak(backend: str, backend_env: dict[str, str], patients: int, cramps: int) -> bool:
    env = env_for(backend_env)
    clinician, people = setup(env, patients)
    pages = ["/clinic/"] + [f"/clinic/patients/{pid}/" for pid, _ in people[:3]]
    master = start_gunicorn(WEB_WORKERS, port := free_port(), env)
    worker = [start_task_worker(env)]
    run = Run(backend)
    # Each patient has the cramp form open before the burst (its CSRF token in hand), as a
    # phone does; this also warms every web worker.
    forms: list[dict[str, str]] = []
    for _, cookies in people:
        warm = http.client.HTTPConnection(HOST, port, timeout=30)
        forms.append({})
        post_cramp_form(warm, cookies, forms[-1])
        warm.close()
    start = time.monotonic()
    deadline = start + TIME_LIMIT
    threads = [threading.Thread(target=patient_loop,
                                args=(run, port, pid, cookies, cramps, deadline, form))
               for (pid, cookies), form in zip(people, forms, strict=True)]
    threads += [threading.Thread(target=clinician_loop,
                                 args=(run, port, clinician, pages, cramps, deadline))
                for _ in range(2)]
    threads.append(threading.Thread(target=faults,
                                    args=(run, backend, env, master, worker, start)))
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - start
    finally:
        stop(master)
        worker[0].send_signal(signal.SIGTERM)
        worker[0].wait(timeout=30)
    drain(env, backend)
    result = check(run, [pid for pid, _ in people])

    server_errors = [c for c in run.calls if c.status >= 500 or c.status == 0]
    outside = [c for c in server_errors if not in_fault(run, c, start)]
    print(f"\n== {backend}: {len(people)} patients, 2 clinicians, {WEB_WORKERS} web workers, "
          f"{seconds:.1f} s")
    for name, begin, end in run.faults:
        during = [c for c in server_errors if begin - 1.0 <= c.started - start <= end + 1.0]
        codes = sorted({c.status for c in during})
        print(f"  fault at {begin:4.1f}-{end:4.1f} s: {name}: {len(during)} answers 5xx or "
              f"dropped {codes}")
    for kind in ("cramp", "page"):
        times = [c.seconds * 1000 for c in run.calls if c.kind == kind and c.status]
        print(f"  {kind + 's':<7} {sum(1 for c in run.calls if c.kind == kind):5} requests, "
              f"p50 {statistics.median(times) if times else 0:6.0f} ms, "
              f"p99 {percentile(times, 0.99):6.0f} ms")
    print(f"  server errors outside the faults: {len(outside)}")
    for call in outside[:5]:
        print(f"    {call.kind} at {call.started - start:.1f} s: {call.status} {call.error}")
    for key, value in result.items():
        print(f"  {key.replace('_', ' ')}: {value}")
    return (not outside and result["lost"] == 0 and result["doubled"] == 0
            and result["csv_minus_database"] == 0 and result["ladder_states_diverged"] == 0
            and result["confirmed"] > 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=8)
    parser.add_argument("--cramps", type=int, default=60)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    FOLDER.mkdir(parents=True, exist_ok=True)
    ok = True
    for backend in args.backend:
        # Each backend in a child process: Django is set up once per process.
        if os.environ.get("SOAK_CHILD") == backend:
            return 0 if run_child(backend, args) else 1
        child = subprocess.run([sys.executable, "-m", "bench.soak", "--backend", backend,
                                "--patients", str(args.patients), "--cramps", str(args.cramps)],
                               cwd=ROOT, env={**os.environ, "SOAK_CHILD": backend})
        ok &= child.returncode == 0
    print("\nsoak:", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


def run_child(backend: str, args: argparse.Namespace) -> bool:
    if backend == "sqlite":
        database = FOLDER / "soak.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(database) + suffix).unlink(missing_ok=True)
        return soak(backend, {"BENCH_DATABASE": str(database), "BENCH_DATABASE_URL": ""},
                    args.patients, args.cramps)
    binaries = server_binaries()
    if binaries is None:
        print("== postgres: not run (no server binaries: apt-get install postgresql)")
        return True
    with cluster(binaries) as url:
        return soak(backend, {"BENCH_DATABASE_URL": url, "BENCH_DATABASE": ""},
                    args.patients, args.cramps)


if __name__ == "__main__":
    sys.exit(main())
