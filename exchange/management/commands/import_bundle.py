from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchange.bundle import BundleInvalid, bundle_import, bundle_validate


class Command(BaseCommand):
    help = (
        "Load a JSON bundle, creating the patient. The whole file is checked first: on any "
        "problem nothing is written and every bad value is listed with its path."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with open(options["file"], encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{options['file']} is not JSON: {error}.") from None
        try:
            plan = bundle_validate(data)
        except BundleInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(invalid.problems)} problem(s) found; nothing was imported."
            ) from None
        patient = bundle_import(plan)
        episodes = sum(len(episodes) for _, episodes in plan.nights)
        self.stdout.write(
            f"Imported {patient.user.username}: {len(plan.devices)} device(s), "
            f"{len(plan.nights)} nights, {episodes} episodes, "
            f"{len(plan.medications)} medication(s)."
        )
