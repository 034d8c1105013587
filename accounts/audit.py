"""The audit trail's read side: redaction of free text in recorded changes, and the CSV
export staff use to hand an access report to a patient or an auditor; and the one writer for
events on an account itself (two-factor recovery codes made and used), which no row change
records."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest

from accounts.addresses import client_address

CSV_COLUMNS = [
    "timestamp",
    "action",
    "patient_id",
    "actor",
    "remote_addr",
    "object_type",
    "object_id",
    "object",
    "what",
    "changed_fields",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def redact_text(value: str) -> str:
    """Mask callable for free-text fields: the trail records that a note changed, never what
    it says (diary contents stay in the diary)."""
    return "" if value in {"", "None"} else "[text]"


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def entry_row(entry: Any) -> list[str]:
    data = entry.additional_data or {}
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    return [
        safe_cell(entry.timestamp.isoformat()),
        safe_cell(entry.get_action_display()),
        safe_cell(data.get("patient_id", "")),
        safe_cell(entry.actor.get_username() if entry.actor_id else ""),
        safe_cell(entry.remote_addr or ""),
        safe_cell(entry.content_type.model if entry.content_type_id else ""),
        safe_cell(entry.object_pk),
        safe_cell(entry.object_repr),
        safe_cell(data.get("what", "")),
        safe_cell(" ".join(sorted(changes))),
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(entries: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries:
        yield writer.writerow(entry_row(entry))


def audit_account_event(
    *, user: Any, request: HttpRequest | None, what: str, change: tuple[str, str, str],
    **details: Any,
) -> LogEntry:
    """An UPDATE entry against the user: `change` is (field, before, after) in words, `details`
    counts and kinds only (never a code or a secret)."""
    field, before, after = change
    actor = getattr(request, "user", None) if request is not None else None
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(user),
        object_pk=str(user.pk),
        object_id=user.pk,
        object_repr=user.get_username(),
        action=LogEntry.Action.UPDATE,
        changes={field: [before, after]},
        actor=actor if actor is not None and actor.is_authenticated else None,
        remote_addr=client_address(request) if request is not None else None,
        additional_data={"what": what, **details},
    )
