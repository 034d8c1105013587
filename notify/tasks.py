"""The scheduled work, on Django's task framework (the django-tasks backport on Django 5.2).

`send_reminders` enqueues `dispatch_due_messages` every few minutes (cron, a systemd timer,
or `send_reminders --every 60` beside the worker); a worker runs it. Running it twice at once
is safe: each message is claimed once (notify.dispatch)."""

from __future__ import annotations

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the django-tasks backport
    from django_tasks import task

from notify import dispatch


@task()
def dispatch_due_messages(ignore_time: bool = False) -> dict[str, object]:
    report = dispatch.run(ignore_time=ignore_time)
    return {"sent": report.sent, "failed": report.failed}
