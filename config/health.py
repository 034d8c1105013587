"""Liveness and readiness for a load balancer or an orchestrator (docs/deploy.md, "Health").

- /health/live: the process answers. No database, no cache: a host whose database is down is
  still alive, and restarting it would not help.
- /health/ready: this host can serve a request now. It asks the database for one row, and the
  task queue (the django-tasks database backend's table) whether it can be read; 503 when
  either fails, so the balancer sends no one to a host that would answer errors.

Neither says anything about a patient or the diary, and neither needs a log-in. A worker that
is down does not make the web hosts unready (every reader recomputes a stale ladder state on
its own: docs/architecture.md); the queue's backlog is reported so monitoring can alert on it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Any] = {"database": _database(), "task_queue": _task_queue()}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The error's class only: a driver's message can carry the connection string.
        logger.warning("readiness: database unreachable (%s)", type(error).__name__)
        return {"ok": False, "error": "The database cannot be reached."}
    return {"ok": True}


def _task_queue() -> dict[str, Any]:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != DATABASE_BACKEND:
        # The immediate backend (tests, a single-process install) has no queue to read.
        return {"ok": True, "backend": backend.rsplit(".", 1)[-1]}
    from django_tasks_db.models import DBTaskResult

    try:
        oldest = (
            DBTaskResult.objects.ready().order_by("enqueued_at")
            .values_list("enqueued_at", flat=True).first()
        )
        waiting = DBTaskResult.objects.ready().count()
    except DatabaseError as error:
        logger.warning("readiness: task queue unreadable (%s)", type(error).__name__)
        return {"ok": False, "error": "The task queue cannot be read."}
    age = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    return {"ok": True, "backend": "database", "waiting": waiting, "oldest_waiting_seconds": age}
