from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from accounts.backup import BackupNotSupported, backup_database


class Command(BaseCommand):
    help = "Copy the database to FILE while the app keeps running (SQLite online backup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, metavar="FILE")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, out: Path, database: str, **options: Any) -> None:
        try:
            pages = backup_database(connections[database].settings_dict, out)
        except BackupNotSupported as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up {pages} pages to {out}")
