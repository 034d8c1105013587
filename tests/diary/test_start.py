from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_login_page_is_at_accounts_login_with_username_and_password(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'name="username"' in page and 'name="password"' in page


def test_a_patient_lands_on_their_diary_after_logging_in(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("diary:home")
    assert "Log a cramp" in response.content.decode()


def test_a_clinician_lands_on_their_cohort_after_logging_in(client, dr_lee):
    response = client.post(
        "/accounts/login/", {"username": "dr.lee", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("clinic:cohort")


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("diary:home"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_clinician_on_a_patient_page_is_sent_to_their_own_home(lee_client):
    response = lee_client.get(reverse("diary:log-cramp"))
    assert response.status_code == 302
    assert response.url == reverse("clinic:cohort")


def test_a_wrong_password_says_so_without_saying_which_part(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
