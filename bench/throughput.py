"""Requests per second under gunicorn on loopback: one worker against several.

`python -m bench.throughput [--workers 1 4] [--requests 400] [--concurrency 8]`. Reuses the
database `make bench` built (building it if needed) on a fresh copy, starts gunicorn on
127.0.0.1 only with the bench settings and a file cache shared by the workers (the stand-in
for Redis), and drives it from this process with a bounded load: a fixed number of requests
over a few concurrent connections, stopped at a time limit whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.dataset import FOLDER, ROOT, ensure_built

HOST = "127.0.0.1"
TIME_LIMIT = 90.0


@dataclass(frozen=True)
class Scenario:
    name: str
    send: Callable[[http.client.HTTPConnection, int], int]  # connection, worker index -> status


@dataclass
class Outcome:
    scenario: str
    workers: int
    requests: int
    errors: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_env(database: Path, cache: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DATABASE": str(database),
        "CACHE_BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "CACHE_LOCATION": str(cache),
        "MPLCONFIGDIR": os.environ.get("MPLCONFIGDIR", str(ROOT / "var" / "matplotlib")),
    }


def start_gunicorn(workers: int, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"{HOST}:{port}",
            "--workers", str(workers), "--worker-class", "sync", "--preload",
            "--log-level", "warning", "--timeout", "60",
        ],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)  # its own session: gunicorn and its workers only
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def drive(port: int, scenario: Scenario, total: int, concurrency: int) -> tuple[int, int, float]:
    """`total` requests over `concurrency` connections; returns (done, errors, seconds)."""
    lock = threading.Lock()
    counters = {"next": 0, "done": 0, "errors": 0}
    deadline = time.monotonic() + TIME_LIMIT

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if counters["next"] >= total:
                    break
                counters["next"] += 1
            try:
                status = scenario.send(connection, index)
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
            with lock:
                counters["done"] += 1
                counters["errors"] += status not in (200, 302)
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counters["done"], counters["errors"], time.perf_counter() - started


def request(
    connection: http.client.HTTPConnection, method: str, path: str, cookies: dict[str, str],
    body: str | None = None,
) -> tuple[int, bytes]:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Host": HOST}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{HOST}{path}"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read()
    if response.getheader("Connection", "").lower() == "close":
        connection.close()
    return response.status, content


def sessions(database: Path, concurrency: int) -> tuple[dict[str, str], list[dict[str, str]], str]:
    """A clinician's session for the patient page and one patient session per connection for
    the cramp log, made through Django in this process (same database file)."""
    os.environ.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE": str(database)})
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from bench.measures import subjects

    s = subjects()

    def cookie_for(user) -> dict[str, str]:  # noqa: ANN001 - a User
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    clinician = cookie_for(s.cohort_clinician)
    others = s.five_year.__class__.objects.filter(care_team=s.cohort_clinician).exclude(
        pk=s.five_year.pk
    )
    patients = [cookie_for(p.user) for p in others.select_related("user")[:concurrency]]
    return clinician, patients, reverse("clinic:patient", args=[s.five_year.pk])


def scenarios(clinician: dict[str, str], patients: list[dict[str, str]],
              patient_page: str) -> list[Scenario]:
    tokens: dict[int, dict[str, str]] = {}

    def csrf_for(connection: http.client.HTTPConnection, index: int) -> dict[str, str]:
        if index not in tokens:
            _, content = request(connection, "GET", "/diary/cramp/", patients[index])
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
            if token is None:
                raise RuntimeError("no CSRF token on the cramp form")
            tokens[index] = {"cookie": token[1].decode(), "form": token[1].decode()}
        return tokens[index]

    def patient_page_get(connection: http.client.HTTPConnection, index: int) -> int:
        return request(connection, "GET", patient_page, clinician)[0]

    def log_cramp_post(connection: http.client.HTTPConnection, index: int) -> int:
        import uuid

        token = csrf_for(connection, index)
        cookies = {**patients[index], "csrftoken": token["cookie"]}
        body = f"csrfmiddlewaretoken={token['form']}&severity=4&client_token={uuid.uuid4()}"
        return request(connection, "POST", "/diary/cramp/", cookies, body)[0]

    return [Scenario("patient page", patient_page_get), Scenario("cramp log", log_cramp_post)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    built = ensure_built(date.today())
    database = FOLDER / "throughput.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    shutil.copyfile(built, database)
    cache = FOLDER / "throughput-cache"
    shutil.rmtree(cache, ignore_errors=True)
    clinician, patients, patient_page = sessions(database, args.concurrency)
    env = server_env(database, cache)

    outcomes = []
    for workers in args.workers:
        port = free_port()
        server = start_gunicorn(workers, port, env)
        try:
            for scenario in scenarios(clinician, patients, patient_page):
                drive(port, scenario, args.concurrency * 2, args.concurrency)  # warm every worker
                done, errors, seconds = drive(port, scenario, args.requests, args.concurrency)
                outcomes.append(Outcome(scenario.name, workers, done, errors, seconds))
                print(f"  {workers} worker(s), {scenario.name}: {done / seconds:.1f} req/s "
                      f"({done} requests, {errors} errors, {seconds:.1f} s)", flush=True)
        finally:
            stop(server)

    print(f"\n{'scenario':<14}" + "".join(f"{f'{w} worker(s)':>14}" for w in args.workers))
    for name in ("cramp log", "patient page"):
        row = {o.workers: o for o in outcomes if o.scenario == name}
        print(f"{name:<14}" + "".join(f"{row[w].per_second:>10.1f} r/s" for w in args.workers))
    return 0 if all(o.errors == 0 for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
