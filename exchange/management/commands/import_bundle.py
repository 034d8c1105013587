from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from clinic.models import Clinic
from exchange.bundle import BundleInvalid, bundle_import, bundle_loads, bundle_validate


class Command(BaseCommand):
    help = (
        "Load a JSON bundle, creating the patient. The whole file is checked first: on any "
        "problem nothing is written, every bad value is listed with its path, and the exit "
        "status is 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--clinic", metavar="SLUG",
            help="The clinic a new patient joins (its slug); the default clinic if not given.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        clinic = None
        if options["clinic"]:
            clinic = Clinic.objects.filter(slug=options["clinic"]).first()
            if clinic is None:
                raise CommandError(f"No clinic with the slug {options['clinic']!r}.")
        try:
            with open(name, "rb") as handle:
                # One byte over the limit is enough to know the file is too large.
                raw = handle.read(settings.BUNDLE_MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {name}: {error.strerror}.") from None
        try:
            plan = bundle_validate(bundle_loads(raw))
        except BundleInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(problem)
            if len(invalid.problems) == 1 and "not JSON" in invalid.problems[0]:
                raise CommandError(f"{name} is not JSON; nothing was imported.") from None
            raise CommandError(
                f"{len(invalid.problems)} problem(s) found; nothing was imported."
            ) from None
        try:
            patient = bundle_import(plan, clinic=clinic)
        except DatabaseError as error:
            # Checked above, so this is the database refusing (a race, a limit of its own):
            # the import was one transaction and nothing of it was kept.
            raise CommandError(
                f"The database refused the import ({type(error).__name__}); nothing was imported."
            ) from None
        episodes = sum(len(episodes) for _, episodes in plan.nights)
        self.stdout.write(
            f"Imported {patient.user.username}: {len(plan.devices)} device(s), "
            f"{len(plan.nights)} nights, {episodes} episodes, "
            f"{len(plan.medications)} medication(s)."
        )
