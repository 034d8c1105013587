"""A flag's evidence in words a clinician reads at a glance, and where its rule is written.

One function (`evidence_in_words`) for every reader: the patient page, the visit summary PDF.
It reads the evidence as stored (insights.ladder.Evidence.as_json) and is generic over its
keys: a rate it does not know is still written readably, never as a raw key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

LADDER_DOC = "docs/management-ladder.md"

# Rates the ladder also states in its notes, with the counts behind them: written once.
RATES_IN_NOTES = {"cramp_night_rate_last_14", "before_reduction", "after_reduction"}
# How a known rate reads; `{}` is the percentage.
RATE_WORDS = {
    "cramp_night_rate_last_14": "{} of the last 14 logged nights had cramps",
    "before_reduction": "{} of logged nights had cramps before the amplitude reduction",
    "after_reduction": "{} of logged nights had cramps after the amplitude reduction",
}
MAX_DATES = 8


def _percent(value: float) -> str:
    return f"{value:.0%}"


def rate_in_words(key: str, value: float) -> str:
    template = RATE_WORDS.get(key)
    if template:
        return template.format(_percent(value)).capitalize() + "."
    words = re.sub(r"[_\W]+", " ", key).strip() or "rate"
    return f"{words[0].upper()}{words[1:]}: {_percent(value)}."


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def dates_in_words(values: Sequence[Any], limit: int = MAX_DATES) -> str:
    """'3 Nov, 5 Nov and 9 Nov 2026'; the latest `limit` dates when there are more."""
    days = sorted(d for d in (_as_date(v) for v in values) if d is not None)
    if not days:
        return ""
    shown = days[-limit:]
    parts = [
        f"{d.day} {d:%b}" if d.year == shown[-1].year else f"{d.day} {d:%b %Y}" for d in shown
    ]
    parts[-1] = f"{shown[-1].day} {shown[-1]:%b %Y}"
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    if len(days) > len(shown):
        text = f"{text} (the latest {len(shown)} of {len(days)})"
    return text


def _change_in_words(text: str) -> str:
    # The ladder writes a change as "2026-03-04: Amplitude 1.5 → 1.0 mA".
    head, sep, rest = str(text).partition(": ")
    when = _as_date(head) if sep else None
    if when is None:
        return f"Settings change: {text}."
    return f"Settings change from the night of {when.day} {when:%b %Y}: {rest}."


def evidence_in_words(evidence: Mapping[str, Any] | None) -> list[str]:
    """Each piece of a flag's evidence as a sentence: "5 of the last 14 logged nights had
    cramps.", the settings changes it rests on, any other rate, then the nights."""
    if not evidence:
        return []
    lines = [str(note) for note in evidence.get("notes") or () if str(note).strip()]
    lines += [_change_in_words(change) for change in evidence.get("changes") or ()]
    rates = evidence.get("rates") or {}
    for key, value in rates.items():
        if value is None or (key in RATES_IN_NOTES and lines):
            continue
        try:
            lines.append(rate_in_words(str(key), float(value)))
        except (TypeError, ValueError):
            continue
    nights = evidence.get("nights") or ()
    if nights:
        plural = "night" if len(nights) == 1 else "nights"
        lines.append(f"The {plural} it rests on: {dates_in_words(nights)}.")
    # Anything else the evidence holds, written as words rather than dropped.
    for key, value in evidence.items():
        # `reasons` are the codes of the rules that hold, for machines: each is a note already.
        if key in {"notes", "changes", "rates", "nights", "reasons"} or value in (
            None, "", [], {},
        ):
            continue
        words = re.sub(r"[_\W]+", " ", str(key)).strip().capitalize()
        shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
        lines.append(f"{words}: {shown}.")
    return lines


# --- The ladder's written rules --------------------------------------------------------------

def slugify_heading(text: str) -> str:
    """The anchor a heading gets, as the Markdown table-of-contents extension (and GitHub)
    write it: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\s-]", "", text.replace("`", "")).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


@lru_cache(maxsize=1)
def ladder_doc_text() -> str:
    return (Path(settings.BASE_DIR) / LADDER_DOC).read_text(encoding="utf-8")


def rule_headings(text: str) -> dict[str, str]:
    """Each rule's code and the heading its section has in the ladder document."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"^#{2,4}\s+`([a-z0-9_]+)`(.*)$", line)
        if match:
            found[match[1]] = line.lstrip("#").strip()
    return found


def rule_anchor(code: str) -> str:
    """The anchor of a flag's rule in docs/management-ladder.md; the rule table otherwise."""
    heading = rule_headings(ladder_doc_text()).get(code)
    return slugify_heading(heading) if heading else "rules"


def rule_section(code: str) -> str:
    """How a printed page cites the rule: the document and the section's heading."""
    heading = rule_headings(ladder_doc_text()).get(code)
    return f"{LADDER_DOC}, section “{heading.replace('`', '')}”" if heading else LADDER_DOC
