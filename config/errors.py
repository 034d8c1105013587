"""The answer when the database cannot be reached, is read-only for a moment (a failover,
maintenance) or is locked: 503 with Retry-After and words a patient understands, instead of
the generic 500. Django calls a handler500 inside its exception handling, so the exception
is at hand here whichever middleware or view raised it. The template reads nothing from the
database (no user, no session, no messages)."""

from __future__ import annotations

import sys

from django.db import DatabaseError, IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    """An outage, not a bug: the database's own errors, apart from a broken constraint (an
    IntegrityError is a write the code should have prevented, and stays a 500)."""
    return isinstance(error, DatabaseError) and not isinstance(error, IntegrityError)


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if not database_unavailable(error):
        return django_server_error(request)
    try:
        body = loader.render_to_string(
            "errors/database_unavailable.html", {"saving": request.method == "POST"}
        )
    except Exception:  # the page itself must not fail: fall back to plain words
        return HttpResponseServerError(_("StimDiary cannot reach its records right now."))
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store, private"
    return response
