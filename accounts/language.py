"""Which language a user reads StimDiary in: the one place of the rule.

A user's choice in Settings (LanguagePreference) wins; on pages, without a choice, the
browser's Accept-Language decides (Django's LocaleMiddleware); for emails and phone
notifications, which have no browser, a user without a choice gets LANGUAGE_CODE.

The choice is read from the database once per session (at log-in, or at the first request
of a session begun before it existed) and kept in the session, so pages cost no query for
it; choosing a language writes both.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts.models import LanguagePreference

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)
SESSION_KEY = "stimdiary_language"


def chosen_language(user: Any) -> str | None:
    """The language the user chose in Settings, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    language = (
        LanguagePreference.objects.filter(user=user).values_list("language", flat=True).first()
    )
    return language if language in LANGUAGE_CODES else None


def language_of(user: Any) -> str:
    """The language a message to the user is written in."""
    return chosen_language(user) or settings.LANGUAGE_CODE


def in_language_of(user: Any) -> AbstractContextManager[None]:
    """`with in_language_of(user):` renders what is inside in the user's language."""
    return translation.override(language_of(user))


def session_language(request: HttpRequest) -> str | None:
    """The signed-in user's chosen language, from the session (read once per session)."""
    if not request.user.is_authenticated:
        return None
    language = request.session.get(SESSION_KEY)
    if language is None:
        language = chosen_language(request.user) or ""
        request.session[SESSION_KEY] = language
    return language if language in LANGUAGE_CODES else None


def choose_language(request: HttpRequest, response: HttpResponse, language: str) -> None:
    """Save the choice for the user (pages, emails, notifications), in the session and in
    the language cookie (so the log-in page after logging out speaks it too)."""
    LanguagePreference.objects.update_or_create(
        user=request.user, defaults={"language": language}
    )
    request.session[SESSION_KEY] = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@receiver(user_logged_in, dispatch_uid="accounts.language.remember")
def remember_language(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = chosen_language(user) or ""
