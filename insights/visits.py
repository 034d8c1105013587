"""What the programming visits say about the lead (issue 25): pure rules over
insights.analysis.VisitRecord, read by the ladder as reasons for possible_lead_migration.

At each visit the clinic tests the lead configuration by configuration. Two changes between
visits on the same electrodes are the clinic's own signs that a lead has moved
(docs/management-ladder.md, reasons (e) and (f)):
- a sensory or motor threshold at least LADDER_THRESHOLD_RISE_FACTOR times what it was;
- in sacral stimulation, a motor response that moved from the S3/S4 responses (bellows, great
  toe) to the S2 ones (whole foot or calf, leg rotation).
The latest visit is read, each of its configurations against the last earlier visit of the
same device that tested the same electrodes, with no lead revision in between; thresholds
only in the same unit and at the same pulse width (when both rows give one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from diary.words import day_month, day_month_year, number
from insights.analysis import VisitRecord, VisitRow
from programming.models import SACRAL_LEG_RESPONSES, SACRAL_S3_RESPONSES, response_labels


@dataclass(frozen=True)
class VisitSign:
    code: str  # "threshold_rise" or "response_toward_s2"
    text: str
    visited_on: date


def electrodes_key(text: str) -> str:
    """'0-3+', ' 0 - 3+ ' and '0-3+' are the same configuration."""
    return "".join(text.split()).lower()


def visit_dates_in_words(before: date, after: date) -> str:
    first = day_month(before) if before.year == after.year else day_month_year(before)
    # Translators: ends a sentence: "... rose from 1.2 to 3 mA between the visits of 4 Mar and
    # 9 Sep 2026."
    return _("between the visits of %(first)s and %(second)s") % {
        "first": first, "second": day_month_year(after),
    }


def _responses_in_words(codes: Sequence[str]) -> str:
    labels = [str(label).lower() for label in response_labels("sacral", list(codes))]
    if not labels:
        return _("none")
    if len(labels) == 1:
        return labels[0]
    # Translators: the last two of a list of motor responses: "bellows, toe and calf".
    return _("%(list)s and %(last)s") % {"list": ", ".join(labels[:-1]), "last": labels[-1]}


def lead_migration_signs(
    visits: Sequence[VisitRecord],
    *,
    therapy: str,
    rise_factor: float,
    since: date,
    lead_revisions: Sequence[date] = (),
) -> list[VisitSign]:
    """The signs in the latest visit on or after `since` (none: no signs)."""
    ordered = sorted(visits, key=lambda v: v.visited_on)
    if not ordered or ordered[-1].visited_on < since:
        return []
    latest, earlier = ordered[-1], ordered[:-1]
    signs: list[VisitSign] = []
    for row in latest.rows:
        found = _previous(row, latest, earlier)
        if found is None:
            continue
        visit, old = found
        if any(visit.visited_on < d <= latest.visited_on for d in lead_revisions):
            continue  # a revised lead is a new lead: its thresholds start again
        when = visit_dates_in_words(visit.visited_on, latest.visited_on)
        # A threshold depends on the pulse width it is found at (a narrower pulse needs more
        # current): thresholds found at two different pulse widths are not compared.
        widths = {old.pulse_width_us, row.pulse_width_us} - {None}
        if old.unit == row.unit and len(widths) <= 1:
            for name, text in (
                # Translators: %(electrodes)s is a lead configuration ("0-3+"), %(unit)s mA or V,
                # %(when)s "between the visits of 4 Mar and 9 Sep 2026".
                ("sensory_threshold", _("Sensory threshold on %(electrodes)s rose from "
                                        "%(was)s to %(now)s %(unit)s %(when)s.")),
                ("motor_threshold", _("Motor threshold on %(electrodes)s rose from %(was)s to "
                                      "%(now)s %(unit)s %(when)s.")),
            ):
                was, now = getattr(old, name), getattr(row, name)
                if was is not None and now is not None and was > 0 and now >= rise_factor * was:
                    signs.append(VisitSign(
                        "threshold_rise",
                        text % {
                            "electrodes": row.electrodes, "was": number(was),
                            "now": number(now), "unit": row.unit, "when": when,
                        },
                        latest.visited_on,
                    ))
        if therapy == "sacral" and _toward_s2(old.responses, row.responses):
            signs.append(VisitSign(
                "response_toward_s2",
                # Translators: the motor response seen when testing a sacral lead, e.g.
                # "bellows" (pelvic floor) moving to "calf" (the S2 root).
                _("Motor response on %(electrodes)s moved from %(before)s to %(after)s "
                  "%(when)s.") % {
                    "electrodes": row.electrodes,
                    "before": _responses_in_words(old.responses),
                    "after": _responses_in_words(row.responses),
                    "when": when,
                },
                latest.visited_on,
            ))
    return signs


def _previous(
    row: VisitRow, latest: VisitRecord, earlier: Sequence[VisitRecord]
) -> tuple[VisitRecord, VisitRow] | None:
    key = electrodes_key(row.electrodes)
    for visit in reversed(earlier):
        if visit.device_id != latest.device_id or visit.visited_on >= latest.visited_on:
            continue
        for old in visit.rows:
            if electrodes_key(old.electrodes) == key:
                return visit, old
    return None


def _toward_s2(before: Sequence[str], after: Sequence[str]) -> bool:
    """An S3 (or S4) response before and none toward the leg, a leg response now."""
    return (
        bool(SACRAL_S3_RESPONSES & set(before))
        and not SACRAL_LEG_RESPONSES & set(before)
        and bool(SACRAL_LEG_RESPONSES & set(after))
    )
