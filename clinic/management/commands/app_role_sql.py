from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from clinic.tenancy import app_role_statements


class Command(BaseCommand):
    help = (
        "Print the SQL that creates the PostgreSQL role the app runs as in production: DML "
        "only, neither owner nor superuser nor BYPASSRLS, so row-level security applies. Run it "
        "as the tables' owner, for example: manage.py app_role_sql | psql \"$OWNER_DATABASE_URL\""
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", default="stimdiary_app")
        parser.add_argument(
            "--database", default=None, help="the database's name (default: the configured one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        database = options["database"] or connection.settings_dict["NAME"]
        for statement in app_role_statements(options["role"], str(database)):
            self.stdout.write(f"{statement};")
