from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from notify import dispatch
from notify.tasks import dispatch_due_messages


class Command(BaseCommand):
    help = (
        "Sends the evening reminders, missed-night nudges and clinician digests that are due: "
        "enqueues the task for the worker (--inline runs it here). Safe to run often and from "
        "several hosts: each message is sent once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--inline", action="store_true", help="Run here instead of enqueuing for the worker."
        )
        parser.add_argument(
            "--ignore-time",
            action="store_true",
            help="Treat every patient's reminder time as now (to try reminders at once).",
        )
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep enqueuing every SECONDS (a small scheduler for development).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            if options["inline"]:
                report = dispatch.run(ignore_time=options["ignore_time"])
                for line in report.sent:
                    self.stdout.write(f"sent {line}")
                self.stdout.write(f"{len(report.sent)} sent, {report.failed} failed")
            else:
                result = dispatch_due_messages.enqueue(ignore_time=options["ignore_time"])
                self.stdout.write(f"enqueued dispatch_due_messages ({result.id})")
            if not options["every"]:
                return
            time.sleep(options["every"])
