"""A flag's evidence in words a clinician reads at a glance, and where its rule is written.

One function (`evidence_in_words`) for every reader: the patient page, the visit summary PDF.
It reads the evidence as stored (insights.ladder.Evidence.as_json) and is generic over its
keys: a rate it does not know is still written readably, never as a raw key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from diary.words import day_month, day_month_year, percent

LADDER_DOC = "docs/management-ladder.md"

# Rates the ladder also states in its notes, with the counts behind them: written once.
RATES_IN_NOTES = {"cramp_night_rate_last_14", "before_reduction", "after_reduction"}
# How a known rate reads, as a sentence; %(rate)s is the percentage.
RATE_WORDS = {
    "cramp_night_rate_last_14": gettext_lazy(
        "%(rate)s of the last 14 logged nights had cramps."
    ),
    "before_reduction": gettext_lazy(
        "%(rate)s of logged nights had cramps before the amplitude reduction."
    ),
    "after_reduction": gettext_lazy(
        "%(rate)s of logged nights had cramps after the amplitude reduction."
    ),
}
MAX_DATES = 8


def rate_in_words(key: str, value: float) -> str:
    template = RATE_WORDS.get(key)
    if template:
        return str(template) % {"rate": percent(value)}
    # A rate this module does not know: its key in words (a code, not translated).
    words = re.sub(r"[_\W]+", " ", key).strip() or "rate"
    return _("%(name)s: %(rate)s.") % {"name": f"{words[0].upper()}{words[1:]}",
                                       "rate": percent(value)}


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
    parts = [day_month(d) if d.year == shown[-1].year else day_month_year(d) for d in shown]
    parts[-1] = day_month_year(shown[-1])
    if len(parts) == 1:
        text = parts[0]
    else:
        # Translators: the last two of a list of dates: "3 Nov, 5 Nov and 9 Nov 2026".
        text = _("%(list)s and %(last)s") % {"list": ", ".join(parts[:-1]), "last": parts[-1]}
    if len(days) > len(shown):
        text = _("%(dates)s (the latest %(shown)s of %(all)s)") % {
            "dates": text, "shown": len(shown), "all": len(days),
        }
    return text


def _change_in_words(text: str) -> str:
    # The ladder writes a change as "2026-03-04: Amplitude 1.5 → 1.0 mA".
    head, sep, rest = str(text).partition(": ")
    when = _as_date(head) if sep else None
    if when is None:
        return _("Settings change: %(change)s.") % {"change": text}
    # Translators: "Settings change from the night of 4 Mar 2026: Amplitude 1.5 → 1.0 mA."
    return _("Settings change from the night of %(date)s: %(change)s.") % {
        "date": day_month_year(when), "change": rest,
    }


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
        lines.append(ngettext(
            "The night it rests on: %(dates)s.", "The nights it rests on: %(dates)s.", len(nights)
        ) % {"dates": dates_in_words(nights)})
    # Anything else the evidence holds, written as words rather than dropped.
    for key, value in evidence.items():
        # `reasons` are the codes of the rules that hold, for machines: each is a note already.
        if key in {"notes", "changes", "rates", "nights", "reasons"} or value in (
            None, "", [], {},
        ):
            continue
        words = re.sub(r"[_\W]+", " ", str(key)).strip().capitalize()
        shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
        lines.append(_("%(name)s: %(value)s.") % {"name": words, "value": shown})
    return lines


# --- The ladder's written rules and their sources ----------------------------------------

@dataclass(frozen=True)
class Reference:
    """A clinical source as a clinician cites it: its title and what kind of document it is.
    (The files behind them are listed in docs/management-ladder.md for developers.)"""

    title: str
    kind: str
    short: str  # said in every citation


@dataclass(frozen=True)
class Quote:
    text: str
    reference: str  # a key of REFERENCES
    section: str

    def cite(self) -> str:
        ref = REFERENCES[self.reference]
        # Translators: a citation: the article's title (what kind of source), its section.
        return _("%(title)s (%(kind)s), %(section)s") % {
            "title": ref.title, "kind": ref.short, "section": self.section,
        }


OVERVIEW_PENDING_REVIEW = gettext_lazy(
    "The clinical overview these rules rest on is pending human review: it describes itself "
    "as AI-written and its review status is “Submitted / Under Review”, and no peer-reviewed "
    "ladder for stimulation-induced leg cramps is known. The clinician decides."
)

SOURCES_PENDING_REVIEW = gettext_lazy(
    "Each flag quotes its source; the clinical overview quoted is pending human review "
    "(AI-written, “Submitted / Under Review”)."
)

REFERENCES = {
    "overview": Reference(
        # Translators: the title of an English article; keep it recognisable to find it.
        gettext_lazy("“Can a sacral stimulator cause leg cramps?”"),
        gettext_lazy(
            "a clinical overview backed by guidelines, written with AI and pending human review"
        ),
        gettext_lazy("clinical overview, pending human review"),
    ),
    "stenosis": Reference(
        # Translators: the title of an English article; keep it recognisable to find it.
        gettext_lazy("“Spinal stenosis and leg cramps”"),
        gettext_lazy("an article from a spine clinic, with comments by patients"),
        gettext_lazy("spine clinic article"),
    ),
}

# Translators: a section of an English article, named as it is headed there.
_MANAGEMENT = gettext_lazy("section “Management of Leg Cramps from Sacral Stimulation”")
# Translators: a section of an English article, named as it is headed there.
_CONSIDERATIONS = gettext_lazy("section “Clinical Considerations”")
# Translators: a section of an English article, named as it is headed there.
_RISKS = gettext_lazy("section “Risk Factors for Leg Cramps”")

# The source sentences each rule rests on, word for word (docs/management-ladder.md gives
# the same quotes with their files).
RULE_SOURCES: dict[str, tuple[Quote, ...]] = {
    "reduce_amplitude": (
        Quote(gettext_lazy(
                "Reducing the amplitude of stimulation is the first-line approach to managing leg "
                "cramps"
            ), "overview", _MANAGEMENT),
        Quote(gettext_lazy(
                "Higher stimulation amplitudes may cause spread of electrical current to adjacent "
                "nerve roots"
            ), "overview", _RISKS),
    ),
    "reprogram": (
        Quote(gettext_lazy(
                "Reprogramming the device parameters (pulse width, frequency) may help reduce "
                "unwanted muscle stimulation"
            ), "overview", _MANAGEMENT),
    ),
    "possible_lead_migration": (
        Quote(gettext_lazy(
                "In some cases, repositioning of the leads may be necessary if adjustments to "
                "stimulation parameters are ineffective"
            ), "overview", _MANAGEMENT),
        Quote(gettext_lazy(
                "In rare cases, leg symptoms may indicate lead migration or other hardware "
                "complications requiring surgical revision"
            ), "overview", _CONSIDERATIONS),
        Quote(gettext_lazy(
                "Improper lead placement or migration can increase the risk of leg cramps"
            ),
              "overview", _RISKS),
    ),
    "device_off_relief": (
        Quote(gettext_lazy(
                "Turning off the device temporarily can provide immediate relief from stimulation-"
                "induced leg cramps"
            ), "overview", _MANAGEMENT),
    ),
    "rule_out_other_causes": (
        Quote(gettext_lazy(
                "Before attributing leg cramps to sacral stimulation, other causes should be ruled"
                " out"
            ), "overview", _CONSIDERATIONS),
        Quote(gettext_lazy(
                "Where patients begin to notice leg cramps shortly after beginning a new kind of "
                "pain relief medication it is important to address the issue with a physician to "
                "rule out unwanted side-effects as the cause."
            ), "stenosis",
              gettext_lazy("section “Pain Medication Side-Effects and Leg Cramps”")),
        Quote(gettext_lazy(
                "leg cramps and leg pains are a common consequence of lumbar spinal stenosis"
            ),
              "stenosis", gettext_lazy("section “Lumbar Spinal Stenosis and Leg Cramps”")),
    ),
    "trial_phase": (
        Quote(gettext_lazy(
                "Some patients may experience transient leg symptoms during the trial period that "
                "resolve with programming adjustments"
            ), "overview", _CONSIDERATIONS),
    ),
    "therapy_loss": (
        Quote(gettext_lazy(
                "Reducing the amplitude of stimulation is the first-line approach to managing leg "
                "cramps"
            ), "overview", _MANAGEMENT),
    ),
    "responder_lost": (
        Quote(gettext_lazy(
                "Reducing the amplitude of stimulation is the first-line approach to managing leg "
                "cramps"
            ), "overview", _MANAGEMENT),
    ),
}
INFORMATION_RULES = {
    "trial_phase": gettext_lazy("cramps in the trial phase"),
    "therapy_loss": gettext_lazy("therapy weaker since the amplitude was reduced"),
    # xgettext:no-python-format
    "responder_lost": gettext_lazy("cramps better, but the therapy lost its responder status"),
}
# Said beside the quote where the source does not carry the whole rule.
RULE_SOURCE_NOTES = {
    "therapy_loss": gettext_lazy(
            "The source gives the reduction but not its cost: this flag is StimDiary's own "
            "clinical reasoning, that a reduction which takes the therapy with it is no win."
        ),
    "responder_lost": gettext_lazy(
            # xgettext:no-python-format  (shown as it is, never %-formatted)
            "The source gives the change but not its cost: the responder definitions are the "
            "therapies' own (InSite for sacral bladder, 50% fewer bowel accidents, IMMPACT for "
            "pain), set out on the rules page."
        ),
    "possible_lead_migration": gettext_lazy(
            "A change in where stimulation is felt, a loss of efficacy and, in sacral stimulation,"
            " a new calf or hip movement (an S2 response) are the usual published signs of lead "
            "migration. At a programming visit, a response that moved toward S2 reads the same "
            "map; a threshold that rose by the clinic's set factor is StimDiary's own rule (no "
            "source gives a number)."
        ),
}


def rule_sources(code: str) -> tuple[Quote, ...]:
    return RULE_SOURCES.get(code, ())


def rule_source_in_words(code: str) -> list[str]:
    """How a printed page cites a rule: its first source sentence in quotes with the title and
    section (the page says once that the overview is pending human review), then any note."""
    lines = [
        # Translators: the quoted source sentence, then the article's title and section.
        _("Source: “%(quote)s” (%(title)s, %(section)s).") % {
            "quote": str(q.text).rstrip("."),
            "title": REFERENCES[q.reference].title,
            "section": q.section,
        }
        for q in rule_sources(code)[:1]
    ]
    if code in RULE_SOURCE_NOTES:
        lines.append(str(RULE_SOURCE_NOTES[code]))
    return lines


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



# Each rule's condition as docs/management-ladder.md writes it in its rule table (the English
# record; tests/insights/test_evidence.py fails when the two differ), marked so the
# rules page reads it in the clinician's language.
RULE_CONDITION_WORDS = {
    # Translators: when the ladder rule "reduce_amplitude" raises a flag.
    # Keep every number and threshold exactly.
    "reduce_amplitude": gettext_lazy(
        "active cramps, and the amplitude has not been reduced since the cramps began"
    ),
    # Translators: when the ladder rule "reprogram" raises a flag.
    # Keep every number and threshold exactly.
    "reprogram": gettext_lazy(
        "the amplitude was reduced after the cramps began, at least 7 logged nights have "
        "passed, the cramps have not improved, and pulse width and frequency have not been "
        "changed since"
    ),
    # Translators: when the ladder rule "possible_lead_migration" raises a flag.
    # Keep every number and threshold exactly.
    "possible_lead_migration": gettext_lazy(
        "any of: (a) cramps not improved after both an amplitude reduction and a pulse width or"
        " frequency change; (b) stimulation felt in a different location on 2 or more of the "
        "last 14 logged nights; (c) cramps start after 28 or more cramp-free logged nights with"
        " unchanged settings; (d) sacral devices: a new calf or thigh/hip movement on 2 or more"
        " of the last 14 logged nights; (e) at the latest programming visit, a sensory or motor"
        " threshold on the same electrodes at least 2 times what it was at the previous visit "
        "that tested them; (f) sacral devices: at the latest programming visit, a motor "
        "response on the same electrodes that moved from bellows or great toe to whole "
        "foot/calf or leg rotation"
    ),
    # Translators: when the ladder rule "device_off_relief" raises a flag.
    # Keep every number and threshold exactly.
    "device_off_relief": gettext_lazy(
        "2 or more episodes relieved by turning the device off"
    ),
    # Translators: when the ladder rule "rule_out_other_causes" raises a flag.
    # Keep every number and threshold exactly.
    "rule_out_other_causes": gettext_lazy(
        "cramps on 3 or more nights while stimulation was off; cramps beginning within 14 days "
        "after starting a steroid, diuretic or statin; while cramps are active, the cramp-night"
        " rate with lumbar support in bed at most half the rate without it, or the rate after "
        "less active days at least twice the rate after usual or more active days (5 or more "
        "logged nights on each side)"
    ),
    # Translators: when the ladder rule "trial_phase" raises a flag.
    # Keep every number and threshold exactly.
    "trial_phase": gettext_lazy(
        "the device is in its trial phase and cramps are active"
    ),
    # Translators: when the ladder rule "therapy_loss" raises a flag.
    # Keep every number and threshold exactly.
    # xgettext:no-python-format
    "therapy_loss": gettext_lazy(
        "after an amplitude reduction, the therapy's own outcome (logged by the day) over the "
        "settings period since is worse than over the period before it by 50% (pain: 30%) or "
        "lost its responder status, where at least 3 days are logged each side; otherwise the "
        "mean therapy benefit over the latest 7 to 14 scored nights since is at least 2 points "
        "or 30% below the 14 scored nights before it"
    ),
    # Translators: when the ladder rule "responder_lost" raises a flag.
    # Keep every number and threshold exactly.
    "responder_lost": gettext_lazy(
        "a settings change whose before/after verdict is \"improved\" (it cured or eased the "
        "cramps), and whose settings period no longer meets the therapy's responder definition "
        "that the period before it met (at least 3 outcome days each side)"
    ),
}


def rule_conditions() -> dict[str, tuple[str, str]]:
    """Each rule's step and when it fires, in words, from the rule table of the ladder
    document (one place for both)."""
    found = {}
    for line in ladder_doc_text().splitlines():
        match = re.match(r"^\|\s*`([a-z0-9_]+)`\s*\|\s*([^|]+?)\s*\|\s*(.+?)\s*\|\s*$", line)
        if match:
            found[match[1]] = (match[2], match[3])
    return found


def rule_anchor(code: str) -> str:
    """The anchor of a flag's rule on the clinician's rule page; the page's top otherwise."""
    return f"rule-{code}" if code in RULE_SOURCES else "rules"
