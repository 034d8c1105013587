"""The project's settings as production runs them (DEBUG off), pointed at the bench's own
database file. The environment is set before config.settings reads it."""

from __future__ import annotations

import os
import warnings

os.environ["DEBUG"] = "0"
os.environ["SECURE"] = "0"  # the test client speaks plain HTTP; nothing here is exposed
os.environ.setdefault("SECRET_KEY", "stimdiary-bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The bench's clinicians log in with a password alone (no authenticator to set up).
os.environ.setdefault("REQUIRE_TWO_FACTOR", "0")

from config.settings import *  # noqa: E402, F403
from config.settings import STORAGES  # noqa: E402

BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "")
# bench.postgres: a throwaway PostgreSQL cluster's database instead of the SQLite file.
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
if not BENCH_DATABASE and not BENCH_DATABASE_URL:
    raise RuntimeError("bench.settings needs BENCH_DATABASE: run `python -m bench`.")

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BENCH_DATABASE,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        },
    }
}
if BENCH_DATABASE_URL:
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(BENCH_DATABASE_URL)}

# The manifest storage needs collectstatic; the pages' cost does not depend on it.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Whitenoise warns once per handler that collectstatic has not run; nothing is served from it.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# The baseline page lives only in the bench's URLconf, never in the app's.
ROOT_URLCONF = "bench.urls"
