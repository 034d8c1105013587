from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchange.demo import (
    CARE_TEAMS,
    DEMO_PASSWORD,
    SECOND_CLINIC,
    SECOND_CLINIC_TEAM,
    demo_seed,
)


class Command(BaseCommand):
    help = (
        "Load the demo: one synthetic patient per path of the management ladder (seeds/), "
        "moved so the last night is yesterday, and the demo clinicians. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="load even with DEBUG off (never on real data)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a known password; it runs with DEBUG on only "
                "(or --force on a throwaway database)."
            )
        from insights.summary import refresh_summary

        # Inline, so the demo's ladder is in place before the server starts.
        report = demo_seed(refresh=refresh_summary)
        if report.loaded:
            self.stdout.write(f"Loaded demo patients: {', '.join(report.loaded)}.")
        if report.present:
            self.stdout.write(f"Already present, left as they are: {', '.join(report.present)}.")
        for clinician, team in CARE_TEAMS.items():
            self.stdout.write(f"  {clinician}: {', '.join(team)}")
        clinician, patient, _ = SECOND_CLINIC_TEAM
        self.stdout.write(f"  {clinician}: {patient} (in the {SECOND_CLINIC['name']})")
        self.stdout.write(f"Password for every demo account (and admin): {DEMO_PASSWORD}")
