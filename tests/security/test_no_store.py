"""No browser or shared proxy keeps a copy of what the app answers: every URL of the project
(from the URL resolver, as the sweep finds them), opened by the user it is for, answers with
`Cache-Control: no-store, private`, and so do the admin, the log-in and the lock pages. Static
files keep their own cache."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import Client

from diary.models import Patient
from tests.security.sweep import Route, all_routes, build_alice_world, url_for

PRIVATE_ROUTES = [route for route in all_routes() if not route.is_public]
PUBLIC_ROUTES = [route for route in all_routes() if route.is_public]


def assert_never_stored(response: HttpResponse, url: str) -> None:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, f"{url}: Cache-Control {directives}"
    assert not any(part.startswith("max-age") for part in directives if part != "max-age=0"), url
    assert "public" not in directives, url


@pytest.fixture
def world(alice: Patient, dr_lee: Any, bob: Patient, dr_okafor: Any) -> Any:
    return build_alice_world(alice)


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=lambda route: route.name)
def test_every_page_that_needs_a_log_in_is_never_stored(
    route: Route, world: Any, alice_client: Client, lee_client: Client
) -> None:
    clients = {
        "patient": [alice_client],
        "clinician": [lee_client],
        "account": [alice_client, lee_client],
    }[route.audience]
    url = url_for(route, world)
    for client in clients:
        response = client.get(url)
        # The page itself, opened by a signed-in user (not a redirect to the log-in); the
        # no-role page refuses users who have a role (403), which must not be stored either.
        assert response.status_code in {200, 302, 403, 405}, f"{url}: {response.status_code}"
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/login/"), url
        assert_never_stored(response, url)


def test_the_sweep_reaches_the_pages_that_carry_health_data_and_secrets(
    world: Any, alice_client: Client, lee_client: Client
) -> None:
    """The kinds of response the promise names, each opened for real: HTML, CSV, PDF, a
    chart, the two-factor page with its secret."""
    names = {route.name for route in PRIVATE_ROUTES}
    assert {"diary:home", "diary:history", "clinic:patient", "accounts:two-factor"} <= names
    patient = world.patient.pk
    for client, url, content_type in (
        (alice_client, "/diary/history/", "text/html"),
        (lee_client, f"/clinic/patients/{patient}/", "text/html"),
        (lee_client, "/accounts/two-factor/", "text/html"),
        (lee_client, f"/exports/patients/{patient}/episodes.csv", "text/csv"),
        (lee_client, f"/insights/patients/{patient}/visit-summary.pdf", "application/pdf"),
        (lee_client, f"/insights/patients/{patient}/charts/timeline.svg", "image/svg+xml"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(content_type), url
        assert_never_stored(response, url)


@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=lambda route: route.name)
def test_public_pages_are_never_stored_either(route: Route, world: Any, client: Client) -> None:
    url = url_for(route, world)
    assert_never_stored(client.get(url), url)


def test_the_admin_and_its_audit_export_are_never_stored(
    world: Any, admin_client: Client
) -> None:
    for url in ("/admin/", "/admin/auth/user/", "/admin/auditlog/logentry/export.csv"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_never_stored(response, url)


def test_the_lock_page_is_never_stored(alice: Patient, client: Client) -> None:
    for _ in range(django_settings.AXES_FAILURE_LIMIT + 1):
        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert_never_stored(response, "the lock page")


def test_static_files_keep_their_cache(settings) -> None:
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a new handler, so whitenoise reads these settings

    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" not in cache_control
    assert "max-age=" in cache_control
