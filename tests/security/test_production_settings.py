"""With only DEBUG=0, SECRET_KEY and ALLOWED_HOSTS set, the deploy checks pass and every
hardening is on; every page carries a Content-Security-Policy with no inline script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "k9Xq2vL7pZ3mR8tW5yB1nC6dF4gH0jS",
    "ALLOWED_HOSTS": "example.org",
}


def run_in_production(*args: str) -> subprocess.CompletedProcess[str]:
    # Test-only switches (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE) never reach production.
    dropped = {
        "DEBUG", "SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env.update(PRODUCTION_ENV)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_checks_pass_with_only_the_three_required_variables() -> None:
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_turns_on_secure_cookies_hsts_and_https() -> None:
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.DEBUG]))"
    )
    result = run_in_production("-c", script)
    session, csrf, ssl, hsts, debug = json.loads(result.stdout.strip().splitlines()[-1])
    assert session and csrf and ssl
    assert hsts >= 60 * 60 * 24 * 365
    assert debug is False


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env_missing = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
        **env_missing,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True,
        text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_page_has_a_csp_without_inline_script(client: Client) -> None:
    response = client.get("/accounts/login/")
    directives = csp_directives(response["Content-Security-Policy"])

    scripts = directives.get("script-src", directives["default-src"])
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in directives.get("style-src", directives["default-src"])
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


def test_pages_send_the_other_security_headers(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
