"""The clinic in the database session, for PostgreSQL's row-level security.

The migration clinic/0005_row_level_security makes every patient-data table show a query only
the rows of the clinic named in the setting `stimdiary.clinic` (all of them for "all", none
when it is empty or unset). diary.access stays the rule every page applies; this is the guard
behind it, for a query that forgot the rule. Who sets what (docs/security.md):

- a web request: ClinicScopeMiddleware, in a transaction, the signed-in user's clinic ("all"
  for a superuser, nothing for an anonymous visitor);
- a management command and the task worker (`manage.py db_worker`): "all" for the whole
  database session, because manage.py sets STIMDIARY_DATABASE_SCOPE=all for every command but
  runserver; the web servers (wsgi, asgi, runserver) never set it.

On SQLite none of this runs: the app-level rule alone keeps the clinics apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

from diary.access import clinic_of, is_installation_wide

SETTING = "stimdiary.clinic"
ALL = "all"
NO_CLINIC = ""


def row_security_on(db: BaseDatabaseWrapper = connection) -> bool:
    return db.vendor == "postgresql" and settings.CLINIC_ROW_SECURITY


def scope_of(user: Any) -> str:
    """The value of stimdiary.clinic for this user's requests."""
    if is_installation_wide(user):
        return ALL
    clinic_id = clinic_of(user)
    return NO_CLINIC if clinic_id is None else str(clinic_id)


def scope_set(value: str, *, local: bool = True, db: BaseDatabaseWrapper = connection) -> None:
    """set_config(..., true) is SET LOCAL: it ends with the transaction, so a connection
    reused by the next request (CONN_MAX_AGE) never carries this request's clinic."""
    with db.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, %s)", [SETTING, value, local])


def scope_current(db: BaseDatabaseWrapper = connection) -> str:
    with db.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [SETTING])
        return cursor.fetchone()[0] or NO_CLINIC


def request_scope_set(request: HttpRequest) -> None:
    """The clinic of the signed-in user, for the rest of the request's transaction. Which
    clinic a patient is in is on their own Patient row, itself behind the policy, so that one
    row is read under "all" first (and kept on request.user); nothing else is."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        scope_set(ALL)
        request.clinic_scope = scope_of(user)
    else:
        request.clinic_scope = NO_CLINIC
    scope_set(request.clinic_scope)


def scoped_stream(chunks: Iterator[Any], value: str) -> Iterator[Any]:
    """A streaming response is read after the request's transaction ended: its queries run in
    a transaction of their own, under the same clinic."""
    with transaction.atomic():
        scope_set(value)
        yield from chunks


class ClinicScopeMiddleware:
    """On PostgreSQL, each request runs in a transaction whose `stimdiary.clinic` is the
    signed-in user's clinic. After AuthenticationMiddleware (it needs the user) and before
    anything that reads patient data (PatientTimezoneMiddleware). A database that cannot be
    reached fails here, and config.errors answers 503 as for any other query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not row_security_on():
            return self.get_response(request)
        with transaction.atomic():
            request_scope_set(request)
            response = self.get_response(request)
        if getattr(response, "streaming", False) and not getattr(response, "is_async", False):
            response.streaming_content = scoped_stream(
                iter(response.streaming_content), request.clinic_scope
            )
        return response


def scope_after_log_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A log-in happens inside an anonymous request: what the view reads next (the user's
    role, to send them home) is under the clinic of the user who just signed in."""
    if request is not None and row_security_on() and connection.in_atomic_block:
        scope_set(ALL)
        request.clinic_scope = scope_of(user)
        scope_set(request.clinic_scope)


def session_scope_from_settings(
    sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    """Installation-wide processes (management commands, the task worker) see every clinic
    for the whole database session; see the module's docstring."""
    value = settings.DATABASE_CLINIC_SCOPE
    if value and connection.vendor == "postgresql":
        scope_set(value, local=False, db=connection)


def app_role_statements(role: str, database: str) -> list[str]:
    """SQL, run by the tables' owner, that makes the role the web servers and the worker sign
    in as: it may read and write rows (DML) and nothing else, and row-level security applies
    to it (NOSUPERUSER NOBYPASSRLS, not the owner). Give it a password afterwards
    (`\\password stimdiary_app` in psql); docs/deploy.md."""
    name = connection.ops.quote_name(role)
    db = connection.ops.quote_name(database)
    return [
        f"CREATE ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
        f"GRANT CONNECT ON DATABASE {db} TO {name}",
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
        # Tables a later migration creates (run by the owner) get the same grants.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {name}",
    ]
