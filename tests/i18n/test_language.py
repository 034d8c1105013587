"""A user's language: chosen in Settings (else the browser's), kept per session without a
query per page, right to left for Arabic, and used for each message to its recipient."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.language import SESSION_KEY, language_of
from accounts.models import LanguagePreference
from diary.models import Patient
from notify import dispatch
from notify.models import Preference


def html_tag(response) -> str:
    body = response.content.decode()
    return body[body.index("<html"): body.index(">", body.index("<html")) + 1]


def test_the_settings_page_offers_every_language(alice_client: Client) -> None:
    response = alice_client.get(reverse("notify:preferences"))
    assert response.status_code == 200
    for code, name in (("es", "Español"), ("ar", "العربية"), ("nl", "Nederlands")):
        assert f'value="{code}" lang="{code}"' in response.content.decode()
        assert name in response.content.decode()


def test_choosing_a_language_saves_it_for_pages_and_messages(
    alice: Patient, alice_client: Client
) -> None:
    response = alice_client.post(reverse("accounts:language"), {"language": "es"})
    assert response.status_code == 302
    assert LanguagePreference.objects.get(user=alice.user).language == "es"
    assert language_of(alice.user) == "es"
    assert response.cookies["django_language"].value == "es"
    page = alice_client.get(reverse("diary:home"))
    assert 'lang="es" dir="ltr"' in html_tag(page)
    assert page["Content-Language"] == "es"


def test_the_choice_wins_over_the_browser(alice: Patient, alice_client: Client) -> None:
    LanguagePreference.objects.create(user=alice.user, language="nl")
    alice_client.logout()
    alice_client.force_login(alice.user)  # the choice is read at log-in
    page = alice_client.get(reverse("diary:home"), HTTP_ACCEPT_LANGUAGE="de")
    assert 'lang="nl"' in html_tag(page)


def test_without_a_choice_the_browser_decides(alice_client: Client) -> None:
    assert 'lang="de"' in html_tag(
        alice_client.get(reverse("diary:home"), HTTP_ACCEPT_LANGUAGE="de-CH,de;q=0.9")
    )
    assert 'lang="en"' in html_tag(alice_client.get(reverse("diary:home")))
    # A language StimDiary does not ship falls back to English.
    assert 'lang="en"' in html_tag(
        alice_client.get(reverse("diary:home"), HTTP_ACCEPT_LANGUAGE="ja")
    )


def test_arabic_is_right_to_left_with_bootstraps_rtl_stylesheet(alice_client: Client) -> None:
    alice_client.post(reverse("accounts:language"), {"language": "ar"})
    page = alice_client.get(reverse("diary:home"))
    assert 'lang="ar" dir="rtl"' in html_tag(page)
    assert "bootstrap.rtl.min.css" in page.content.decode()
    assert "css/bootstrap.min.css" not in page.content.decode()


@pytest.mark.parametrize("value", ["xx", "", "en-US", "ar<script>", "e" * 500])
def test_a_language_not_in_the_list_is_refused_and_nothing_saved(
    alice: Patient, alice_client: Client, value: str
) -> None:
    response = alice_client.post(reverse("accounts:language"), {"language": value}, follow=True)
    assert response.status_code == 200
    assert not LanguagePreference.objects.filter(user=alice.user).exists()
    assert "Choose one of the languages in the list." in response.content.decode()


def test_choosing_a_language_needs_a_log_in_and_a_post(client: Client, alice_client) -> None:
    response = client.post(reverse("accounts:language"), {"language": "es"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not LanguagePreference.objects.exists()
    assert alice_client.get(reverse("accounts:language")).status_code == 405


def test_the_language_costs_no_query_once_the_session_knows_it(
    alice: Patient, alice_client: Client, django_assert_max_num_queries
) -> None:
    alice_client.post(reverse("accounts:language"), {"language": "fr"})
    assert alice_client.session[SESSION_KEY] == "fr"
    url = reverse("notify:preferences")
    alice_client.get(url)
    with django_assert_max_num_queries(50) as counted:
        alice_client.get(url)
    assert not any("accounts_languagepreference" in q["sql"] for q in counted.captured_queries)


def test_the_log_in_page_has_a_language_switch(client: Client) -> None:
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'action="/i18n/setlang/"' in page.content.decode()
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert 'lang="de"' in html_tag(client.get(reverse("login")))


def test_each_message_is_rendered_in_its_recipients_language(alice: Patient, monkeypatch):
    LanguagePreference.objects.create(user=alice.user, language="ar")
    alice.user.email = "alice@example.org"
    alice.user.save()
    seen: list[str | None] = []
    monkeypatch.setattr(
        dispatch, "send_email", lambda user, kind, context: seen.append(translation.get_language())
        or True,
    )
    Patient.objects.filter(pk=alice.pk).update(created_at=datetime(2026, 1, 1, tzinfo=UTC))
    with translation.override("en"), time_machine.travel(
        datetime(2026, 11, 3, 20, 5, tzinfo=UTC), tick=False  # 21:05 in Amsterdam
    ):
        call_command("send_reminders", "--inline", stdout=io.StringIO())
    assert seen == ["ar"]


def test_the_evening_reminder_goes_out_in_spanish_to_a_patient_who_chose_it(
    alice: Patient, bob: Patient
) -> None:
    from django.core import mail

    LanguagePreference.objects.create(user=alice.user, language="es")
    for patient in (alice, bob):
        patient.user.email = f"{patient.user.username}@example.org"
        patient.user.save()
        Preference.objects.create(user=patient.user, nudge_enabled=False)
    Patient.objects.filter(pk__in=[alice.pk, bob.pk]).update(
        timezone="Europe/Amsterdam", created_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    with translation.override("de"), time_machine.travel(
        datetime(2026, 11, 3, 20, 5, tzinfo=UTC), tick=False  # 21:05 in Amsterdam
    ):
        call_command("send_reminders", "--inline", stdout=io.StringIO())
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["bob@example.org"] == "How was last night?"  # no choice: English
    with translation.override("es"):
        spanish = translation.gettext("How was last night?")
    assert spanish != "How was last night?"
    assert subjects["alice@example.org"] == spanish
