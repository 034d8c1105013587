"""Every URL of the project refuses a POST without a CSRF token, from the user the page is for:
no view is exempt, and a forged form writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from diary.models import Patient
from tests.security.sweep import (
    CSRF_EXEMPT,
    KITCHEN_SINK_POST,
    Route,
    all_routes,
    build_alice_world,
    database_fingerprint,
    url_for,
)


def strict_client(user: User | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("route", all_routes(), ids=lambda route: route.name)
def test_a_post_without_a_csrf_token_is_refused(
    route: Route, alice: Patient, dr_lee: Any
) -> None:
    world = build_alice_world(alice)
    user = {"patient": alice.user, "clinician": dr_lee, "account": dr_lee}[route.audience]
    if route.is_public:
        user = None
    url = url_for(route, world)
    client = strict_client(user)
    before = database_fingerprint()

    response = client.post(url, KITCHEN_SINK_POST)

    expected = {404} if route.name in CSRF_EXEMPT else {403}  # the swept link is not signed
    assert response.status_code in expected, f"{url} accepted a POST without a CSRF token"
    assert database_fingerprint() == before


def test_a_post_with_the_token_from_the_form_gets_through(alice: Patient) -> None:
    client = strict_client(alice.user)
    client.get("/diary/")
    token = client.cookies["csrftoken"].value

    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
