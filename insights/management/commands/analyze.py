from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from diary.models import Patient
from insights.ladder import DECISION_SUPPORT
from insights.report import report


class Command(BaseCommand):
    help = "Print a patient's analysis and management-ladder flags (what the clinician sees)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            patient = Patient.objects.select_related("user").get(
                user__username=options["username"]
            )
        except Patient.DoesNotExist:
            raise CommandError(f"No patient with the user name {options['username']!r}.") from None
        # Operators' output and a JSON contract: English, whatever the settings' language.
        with translation.override("en"):
            result = report(patient)
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
            return
        step = result["ladder_step"]
        self.stdout.write(f"{result['patient']}: ladder step {step if step is not None else '-'}")
        self.stdout.write(DECISION_SUPPORT)
        for flag in result["flags"]:
            self.stdout.write(f"  [{flag['code']}] {flag['title']} (since {flag['since']})")
        for change in result["before_after"]:
            mark = " (made because of cramps)" if change["made_because_of_cramps"] else ""
            self.stdout.write(
                f"  {change['first_night']} {change['change']}{mark}: {change['sentence']}"
            )
        for sentence in result["correlation_sentences"].values():
            self.stdout.write(f"  {sentence['sentence']}")
        adherence = result["adherence"]
        self.stdout.write(
            f"  {adherence['nights_logged']} of {adherence['nights_elapsed']} nights logged"
        )
