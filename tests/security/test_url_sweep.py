"""Every URL of the project, found from the URL resolver, asked for by an anonymous visitor,
by bob (another patient) and by dr_okafor (a clinician outside alice's team), with the path
filled with alice's objects. None of them may ever get alice's data; nothing they send is
written. A page added later is swept without anyone listing it."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from diary.models import Patient
from tests.security.sweep import (
    ALICE_MARKERS,
    KITCHEN_SINK_POST,
    Route,
    all_routes,
    build_alice_world,
    database_fingerprint,
    unknown_arguments,
    url_for,
)

ROUTES = all_routes()
PRIVATE_ROUTES = [route for route in ROUTES if not route.is_public]
SCOPED_ROUTES = [route for route in PRIVATE_ROUTES if route.is_patient_scoped]
PUBLIC_ROUTES = [route for route in ROUTES if route.is_public]


def route_id(route: Route) -> str:
    return route.name


def body(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def assert_no_alice_data(response: HttpResponse, who: str, url: str) -> None:
    text = body(response)
    leaked = [marker for marker in ALICE_MARKERS if marker in text]
    assert not leaked, f"{who} saw alice's data at {url}"


def assert_refused(
    get: HttpResponse, post: HttpResponse, expected: set[int], who: str, url: str
) -> None:
    """Both methods refused. A page that takes only one method may answer the other with 405
    before it looks anything up, but the method it takes must get the expected answer."""
    statuses = (get.status_code, post.status_code)
    assert all(status in expected | {405} for status in statuses), f"{who} got {statuses} at {url}"
    assert any(status in expected for status in statuses), f"{who} got {statuses} at {url}"


@pytest.fixture
def world(alice: Patient, dr_lee: Any, dr_okafor: Any, bob: Patient) -> Any:
    return build_alice_world(alice)


def test_the_sweep_knows_every_url_argument() -> None:
    problems = [
        f"/{r.route}: {unknown_arguments(r)}" for r in ROUTES if unknown_arguments(r)
    ]
    assert not problems, (
        "URL arguments the sweep cannot fill (add them to ALICE_OBJECTS in "
        f"tests/security/sweep.py): {problems}"
    )


def test_the_sweep_knows_who_every_page_is_for() -> None:
    assert {route.audience for route in ROUTES} <= {"patient", "clinician", "account"}


def test_the_sweep_finds_pages_inside_included_url_modules() -> None:
    names = {route.name for route in ROUTES}
    assert {"diary:home", "clinic:cohort", "login"} <= names
    assert not any(route.route.startswith("admin/") for route in ROUTES)


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=route_id)
def test_anonymous_visitors_are_sent_to_log_in(route: Route, world: Any, client: Client) -> None:
    url = url_for(route, world)
    before = database_fingerprint()
    get, post = client.get(url), client.post(url, KITCHEN_SINK_POST)
    assert get.status_code == 302, f"GET {url} answered {get.status_code}"
    assert get["Location"].startswith("/accounts/login/"), url
    # A GET-only page may refuse a POST before anything else; that shows nothing either.
    assert post.status_code in {302, 405}, f"POST {url} answered {post.status_code}"
    if post.status_code == 302:
        assert post["Location"].startswith("/accounts/login/"), url
    assert database_fingerprint() == before


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=route_id)
def test_another_patient_never_gets_alices_data(
    route: Route, world: Any, bob_client: Client
) -> None:
    url = url_for(route, world)
    before = database_fingerprint()
    get, post = bob_client.get(url), bob_client.post(url, KITCHEN_SINK_POST)
    for response in (get, post):
        assert_no_alice_data(response, "bob", url)
    if route.is_patient_scoped:
        # alice's own pages: not found. Clinician pages: bob is sent to his own diary.
        expected = {404} if route.audience == "patient" else {302, 404}
        assert_refused(get, post, expected, "bob", url)
    if route.is_patient_scoped:
        assert database_fingerprint() == before, f"bob's POST to {url} wrote something"


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=route_id)
def test_a_clinician_outside_the_team_never_gets_alices_data(
    route: Route, world: Any, okafor_client: Client
) -> None:
    url = url_for(route, world)
    before = database_fingerprint()
    get, post = okafor_client.get(url), okafor_client.post(url, KITCHEN_SINK_POST)
    for response in (get, post):
        assert_no_alice_data(response, "dr_okafor", url)
    if route.is_patient_scoped:
        # Clinician pages about alice: 404. A patient's own pages send him to his cohort.
        expected = {404} if route.audience == "clinician" else {302, 404}
        assert_refused(get, post, expected, "dr_okafor", url)
    if route.is_patient_scoped:
        assert database_fingerprint() == before, f"dr_okafor's POST to {url} wrote something"


@pytest.mark.parametrize("route", SCOPED_ROUTES, ids=route_id)
def test_the_sweep_fills_urls_with_objects_the_owner_can_open(
    route: Route, world: Any, alice_client: Client, lee_client: Client
) -> None:
    """Otherwise every 404 above could come from an id that points at nothing."""
    client = alice_client if route.audience == "patient" else lee_client
    url = url_for(route, world)
    response = client.get(url)
    assert response.status_code in {200, 302, 405}, f"{url} answered {response.status_code}"
    if response.status_code == 302:
        assert not response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=route_id)
def test_public_pages_show_no_patient_data(route: Route, world: Any, client: Client) -> None:
    url = url_for(route, world)
    before = database_fingerprint()
    for response in (client.get(url), client.post(url, KITCHEN_SINK_POST)):
        assert response.status_code in {200, 302, 404, 405}, url
        assert_no_alice_data(response, "an anonymous visitor", url)
    assert database_fingerprint() == before


def test_log_out_is_a_post_and_ends_the_session(alice_client: Client) -> None:
    assert alice_client.get("/accounts/logout/").status_code == 405
    assert alice_client.get("/diary/").status_code == 200

    response = alice_client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert alice_client.get("/diary/")["Location"].startswith("/accounts/login/")
