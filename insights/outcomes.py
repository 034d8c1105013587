"""The therapy's own outcome per settings period, in the units clinics judge it by (issue 24).

Pure functions over plain data (no database here); insights.data loads `OutcomeDay`s.

- Sacral neuromodulation for bladder control: a voiding diary. Success is a >= 50%
  improvement against baseline in leaks per day or in voids per day, or a return to normal
  voiding (fewer than 8 voids a day): the therapeutic-success definition of the InSite trial
  (Siegel et al. 2015, Neurourol Urodyn 34:224-230; Noblett et al. 2016, Neurourol Urodyn
  35:246-251).
- Sacral neuromodulation for bowel control: >= 50% fewer incontinence episodes per week
  (Rasmussen et al. 2004, Dis Colon Rectum, PMID 15216409; Wong et al. 2011, Dis Colon Rectum
  54:425-432).
- SCS and DRG: the 0-10 pain score (NRS). A >= 30% reduction is moderately and a >= 50%
  reduction substantially important (IMMPACT: Dworkin et al. 2008, J Pain 9:105-121).

Honesty rules, as for the cramps: a day with no answer is missing, never a day without
symptoms; a period with fewer than OUTCOME_MIN_DAYS answered days is not judged; a change
against a baseline of 0 (no leaks to halve) is not a percentage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import mean

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from diary.words import number, percent
from insights.thresholds import Thresholds

# The clinic's thresholds are named settings (insights.thresholds.Thresholds, read from
# OUTCOME_RESPONDER_FRACTION, PAIN_MODERATE_FRACTION, PAIN_SUBSTANTIAL_FRACTION,
# NORMAL_VOIDS_PER_DAY and OUTCOME_MIN_DAYS); the functions take them, with these defaults:
# InSite (bladder) and Rasmussen 2004, Wong 2011 (bowel): 50%; IMMPACT, Dworkin et al. 2008:
# 30% moderate, 50% substantial; InSite: "return to normal voiding frequency (< 8 voids/day)";
# the 3-day voiding diary clinics use.
DEFAULT = Thresholds()
OUTCOME_RESPONDER_FRACTION = DEFAULT.outcome_responder_fraction
PAIN_MODERATE_FRACTION = DEFAULT.pain_moderate_fraction
PAIN_SUBSTANTIAL_FRACTION = DEFAULT.pain_substantial_fraction
NORMAL_VOIDS_PER_DAY = DEFAULT.normal_voids_per_day
OUTCOME_MIN_DAYS = DEFAULT.outcome_min_days

FIELDS = (
    "voids", "leaks", "urgency_episodes", "pads", "bowel_incontinence_episodes",
    "bowel_urgency", "pain_worst", "pain_average",
)


@dataclass(frozen=True)
class OutcomeDay:
    date: date
    voids: int | None = None
    leaks: int | None = None
    urgency_episodes: int | None = None
    pads: int | None = None
    bowel_incontinence_episodes: int | None = None
    bowel_urgency: int | None = None
    pain_worst: int | None = None
    pain_average: int | None = None
    pgic: int | None = None


@dataclass(frozen=True)
class Measure:
    field: str
    label: str  # "leaks per day", in the reader's language (gettext_lazy)
    per: int = 1  # days the rate is over: 1 (per day), 7 (per week); pain is a mean score

    def value_words(self, value: float) -> str:
        # Translators: a figure and its measure: "3.3 leaks per day".
        return _("%(value)s %(measure)s") % {"value": number(value, ".1f"), "measure": self.label}


# Each kind's measures; the first is the primary one, the one a change is told in.
MEASURES: dict[str, tuple[Measure, ...]] = {
    # Translators: a measure of a bladder diary: urine leaks (incontinence) a day.
    "bladder": (Measure("leaks", gettext_lazy("leaks per day")),
                # Translators: a measure of a bladder diary: times the bladder was emptied.
                Measure("voids", gettext_lazy("voids per day")),
                Measure("urgency_episodes", gettext_lazy("urgency episodes per day")),
                # Translators: incontinence pads used a day.
                Measure("pads", gettext_lazy("pads per day"))),
    # Translators: a measure of a bowel diary: episodes of faecal incontinence a week.
    "bowel": (Measure("bowel_incontinence_episodes", gettext_lazy("bowel accidents per week"),
                      per=7),
              Measure("bowel_urgency", gettext_lazy("bowel urgency episodes per week"), per=7)),
    "pain": (Measure("pain_average", gettext_lazy("average pain (0-10)")),
             Measure("pain_worst", gettext_lazy("worst pain (0-10)"))),
}

# Translators (all the statuses below): a "responder" is a patient whose therapy meets its
# success definition (InSite for sacral bladder control; IMMPACT for pain relief).
STATUS_LABELS = {
    "responder": gettext_lazy("Responder (at least 50% better than baseline)"),
    "non_responder": gettext_lazy("Not a responder (less than 50% better than baseline)"),
    "substantial": gettext_lazy("Substantial pain relief (at least 50%)"),
    "moderate": gettext_lazy("Moderate pain relief (at least 30%)"),
    "not_improved": gettext_lazy("Pain relief under 30%"),
    "no_baseline": gettext_lazy("No baseline to compare with"),
    "baseline": gettext_lazy("Baseline (the first settings)"),
    "too_few_days": gettext_lazy("Too few days logged"),
    "no_symptoms_at_baseline": gettext_lazy("No symptoms at baseline to improve on"),
}
# The cohort's column, in a few words.
STATUS_SHORT = {
    "responder": gettext_lazy("Responder"),
    "non_responder": gettext_lazy("Not a responder"),
    "substantial": gettext_lazy("Substantial relief"),
    "moderate": gettext_lazy("Moderate relief"),
    "not_improved": gettext_lazy("Relief under 30%"),
    "no_baseline": gettext_lazy("No baseline"),
    "baseline": gettext_lazy("Baseline"),
    "too_few_days": gettext_lazy("Too few days"),
    "no_symptoms_at_baseline": gettext_lazy("No symptoms at baseline"),
}
# For sorting (the cohort): the worse the outcome, the lower; unjudged statuses have none.
STATUS_RANK = {
    "non_responder": 1, "not_improved": 1, "moderate": 2, "responder": 3, "substantial": 3,
}
RESPONDING = frozenset({"responder", "substantial", "moderate"})


def improvement(baseline: float | None, value: float | None) -> float | None:
    """The share by which `value` is below `baseline` (0.5: halved; negative: worse); None
    when either is missing or the baseline is 0 (nothing to improve on)."""
    if baseline is None or value is None or baseline <= 0:
        return None
    return (baseline - value) / baseline


def sacral_status(
    kind: str, baseline: dict[str, float | None], period: dict[str, float | None],
    t: Thresholds = DEFAULT,
) -> str:
    """InSite's success rule (bladder) or >= 50% fewer accidents a week (bowel)."""
    if kind == "bladder":
        gains = [improvement(baseline.get(f), period.get(f)) for f in ("leaks", "voids")]
        voids_before, voids_now = baseline.get("voids"), period.get("voids")
        normal_again = (
            voids_before is not None and voids_now is not None
            and voids_before >= t.normal_voids_per_day and voids_now < t.normal_voids_per_day
        )
    else:
        field_name = "bowel_incontinence_episodes"
        gains = [improvement(baseline.get(field_name), period.get(field_name))]
        normal_again = False
    known = [g for g in gains if g is not None]
    if any(g >= t.outcome_responder_fraction for g in known) or normal_again:
        return "responder"
    if not known:
        return "no_symptoms_at_baseline"
    return "non_responder"


def pain_status(baseline: float | None, value: float | None, t: Thresholds = DEFAULT) -> str:
    """IMMPACT's tiers for a 0-10 pain score."""
    gain = improvement(baseline, value)
    if gain is None:
        return "no_symptoms_at_baseline"
    if gain >= t.pain_substantial_fraction:
        return "substantial"
    if gain >= t.pain_moderate_fraction:
        return "moderate"
    return "not_improved"


def responder_status(
    kind: str, baseline: dict[str, float | None] | None, period: dict[str, float | None],
    t: Thresholds = DEFAULT,
) -> str:
    if baseline is None:
        return "no_baseline"
    if kind == "pain":
        return pain_status(baseline.get("pain_average"), period.get("pain_average"), t)
    return sacral_status(kind, baseline, period, t)


@dataclass(frozen=True)
class PeriodOutcome:
    start: date
    end: date
    days: int  # days with at least one answer of the kind
    values: dict[str, float | None] = field(default_factory=dict)
    status: str = "too_few_days"
    gain: float | None = None  # the primary measure's improvement on the baseline
    pgic: int | None = None  # the latest PGIC answered in the period

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def rank(self) -> int | None:
        return STATUS_RANK.get(self.status)

    @property
    def judged(self) -> bool:
        return self.status in STATUS_RANK


@dataclass(frozen=True)
class OutcomeSummary:
    kind: str
    baseline: PeriodOutcome | None
    baseline_source: str  # "before_implant" | "first_settings" | ""
    periods: tuple[PeriodOutcome, ...]  # one per settings period, in time order
    min_days: int = DEFAULT.outcome_min_days  # the days a period needs to be judged

    @property
    def primary(self) -> Measure:
        return MEASURES[self.kind][0]

    @property
    def current(self) -> PeriodOutcome | None:
        """The latest period that could be judged."""
        judged = [p for p in self.periods if p.judged]
        return judged[-1] if judged else None



def period_values(kind: str, days: Sequence[OutcomeDay]) -> dict[str, float | None]:
    """Each measure's mean over the days that answered it, as a rate per day or per week."""
    out: dict[str, float | None] = {}
    for measure in MEASURES[kind]:
        answered = [getattr(d, measure.field) for d in days]
        answered = [v for v in answered if v is not None]
        out[measure.field] = mean(answered) * measure.per if answered else None
    return out


def answered(kind: str, day: OutcomeDay) -> bool:
    return any(getattr(day, m.field) is not None for m in MEASURES[kind])


def period_outcome(
    kind: str, days: Sequence[OutcomeDay], start: date, end: date,
    baseline: dict[str, float | None] | None, t: Thresholds = DEFAULT,
) -> PeriodOutcome:
    inside = [d for d in days if start <= d.date <= end and answered(kind, d)]
    values = period_values(kind, inside)
    pgics = [d.pgic for d in days if start <= d.date <= end and d.pgic is not None]
    if len(inside) < t.outcome_min_days:
        status = "too_few_days"
    else:
        status = responder_status(kind, baseline, values, t)
    primary = MEASURES[kind][0].field
    return PeriodOutcome(
        start=start, end=end, days=len(inside), values=values, status=status,
        gain=improvement((baseline or {}).get(primary), values.get(primary)),
        pgic=pgics[-1] if pgics else None,
    )


def summarise_outcomes(
    kind: str,
    days: Sequence[OutcomeDay],
    periods: Sequence[tuple[date, date]],
    *,
    implanted_on: date | None = None,
    t: Thresholds = DEFAULT,
) -> OutcomeSummary:
    """The baseline is the days logged before the implant when there are enough of them,
    else the days under the first settings (before the first settings change); every
    settings period is judged against it. Under the first settings the baseline is itself."""
    days = sorted(days, key=lambda d: d.date)
    baseline: PeriodOutcome | None = None
    source = ""
    if implanted_on is not None:
        before = [d for d in days if d.date < implanted_on and answered(kind, d)]
        if len(before) >= t.outcome_min_days:
            baseline = period_outcome(kind, before, before[0].date, before[-1].date, None, t)
            source = "before_implant"
    if baseline is None and periods:
        first = period_outcome(kind, days, *periods[0], None, t)
        if first.days >= t.outcome_min_days:
            baseline = first
            source = "first_settings"
    values = baseline.values if baseline is not None else None
    judged = tuple(period_outcome(kind, days, start, end, values, t) for start, end in periods)
    if source == "first_settings" and judged:
        # The baseline period is not judged against itself.
        head = judged[0]
        judged = (PeriodOutcome(head.start, head.end, head.days, head.values, "baseline",
                                None, head.pgic), *judged[1:])
    return OutcomeSummary(kind=kind, baseline=baseline, baseline_source=source, periods=judged,
                          min_days=t.outcome_min_days)


@dataclass(frozen=True)
class OutcomeShift:
    """The primary measure across one settings change: the period before it against the
    period after it."""

    measure: Measure
    before: PeriodOutcome
    after: PeriodOutcome
    min_days: int = DEFAULT.outcome_min_days

    @property
    def enough(self) -> bool:
        return self.before.days >= self.min_days and self.after.days >= self.min_days

    @property
    def before_value(self) -> float | None:
        return self.before.values.get(self.measure.field)

    @property
    def after_value(self) -> float | None:
        return self.after.values.get(self.measure.field)

    def worsened(self, fraction: float) -> bool:
        """The measure rose by at least `fraction` of its value before (from 0: by at least
        1 a day, a week, or a point)."""
        if not self.enough or self.before_value is None or self.after_value is None:
            return False
        if self.before_value <= 0:
            return self.after_value >= 1
        return (self.after_value - self.before_value) / self.before_value >= fraction

    @property
    def lost_responder(self) -> bool:
        return self.before.status in RESPONDING and self.after.status not in RESPONDING \
            and self.after.judged

    def sentence(self, when: str) -> str:
        """'leaks per day rose from 1.2 to 3.4 after the reduction on 3 Oct'. `when`: "reduction
        on 3 Oct", "change on 3 Oct" (in the reader's language)."""
        before, after = self.before_value, self.after_value
        if before is None or after is None:
            return ""
        values = {
            "measure": self.measure.label, "before": number(before, ".1f"),
            "after": number(after, ".1f"), "when": when,
        }
        # Translators: %(measure)s is e.g. "leaks per day"; %(when)s "reduction on 2 Nov" or
        # "change on 2 Nov". The sentence may start the line: the caller capitalises it.
        if after > before:
            return _("%(measure)s rose from %(before)s to %(after)s after the %(when)s") % values
        if after < before:
            return _("%(measure)s fell from %(before)s to %(after)s after the %(when)s") % values
        return _("%(measure)s stayed at %(after)s after the %(when)s") % values


def loss_fraction(kind: str, t: Thresholds = DEFAULT) -> float:
    """How much worse the primary measure must get to count as a loss of the therapy: the
    responder fraction for sacral outcomes, IMMPACT's moderate change for pain."""
    return t.pain_moderate_fraction if kind == "pain" else t.outcome_responder_fraction


def responder_rule(kind: str, t: Thresholds = DEFAULT) -> str:
    """The responder rule in words, with the clinic's thresholds."""
    if kind == "bladder":
        return _(
            "at least %(share)s fewer leaks or voids a day than at baseline, or fewer than "
            "%(voids)s voids a day"
        ) % {
            "share": percent(t.outcome_responder_fraction),
            "voids": number(t.normal_voids_per_day),
        }
    if kind == "bowel":
        return _("at least %(share)s fewer bowel accidents a week than at baseline") % {
            "share": percent(t.outcome_responder_fraction),
        }
    return _("pain at least %(share)s lower than at baseline on the 0-10 scale") % {
        "share": percent(t.pain_moderate_fraction),
    }


def shift_across(summary: OutcomeSummary, index: int) -> OutcomeShift | None:
    """The shift across the change that began settings period `index` (1 or later)."""
    if not 1 <= index < len(summary.periods):
        return None
    return OutcomeShift(summary.primary, summary.periods[index - 1], summary.periods[index],
                        summary.min_days)


KIND_NAMES = {
    "bladder": gettext_lazy("Bladder diary"),
    "bowel": gettext_lazy("Bowel diary"),
    "pain": gettext_lazy("Pain score"),
}
BASELINE_WORDS = {
    "before_implant": gettext_lazy("the days before the implant"),
    "first_settings": gettext_lazy("the first settings"),
}


def _baseline_words(summary: OutcomeSummary, base: float | None) -> str:
    """'baseline 3.0 leaks per day (the first settings)': a phrase within the sentences."""
    # Translators: a phrase within a sentence: "baseline 3.0 leaks per day (the first
    # settings)"; %(source)s says which days the baseline is from.
    return _("baseline %(value)s %(measure)s (%(source)s)") % {
        "value": number(base, ".1f") if base is not None else _("none logged"),
        "measure": summary.primary.label,
        "source": BASELINE_WORDS[summary.baseline_source],
    }


def summary_sentence(summary: OutcomeSummary) -> str:
    """The outcome in one sentence, the same on the page, the PDF and the exports."""
    name = KIND_NAMES[summary.kind]
    measure = summary.primary
    if summary.baseline is None:
        return ngettext(
            "%(name)s: no baseline yet (at least %(n)s day logged before the implant or under "
            "the first settings).",
            "%(name)s: no baseline yet (at least %(n)s days logged before the implant or under "
            "the first settings).",
            summary.min_days,
        ) % {"name": name, "n": summary.min_days}
    baseline = _baseline_words(summary, summary.baseline.values.get(measure.field))
    latest = summary.periods[-1] if summary.periods else None
    if latest is None or latest.days == 0:
        return _("%(name)s: %(baseline)s; nothing logged under the current settings.") % {
            "name": name, "baseline": baseline,
        }
    value = latest.values.get(measure.field)
    text = ngettext(
        # Translators: "Bladder diary: 1.0 leaks per day under the current settings (12 days),
        # baseline 3.0 leaks per day (the first settings): Responder (...)."
        "%(name)s: %(value)s %(measure)s under the current settings (%(days)s day), "
        "%(baseline)s: %(status)s.",
        "%(name)s: %(value)s %(measure)s under the current settings (%(days)s days), "
        "%(baseline)s: %(status)s.",
        latest.days,
    ) % {
        "name": name,
        "value": number(value, ".1f") if value is not None else _("none logged"),
        "measure": measure.label,
        "days": latest.days,
        "baseline": baseline,
        "status": latest.status_label,
    }
    if latest.pgic is not None:
        # Translators: PGIC, the Patient Global Impression of Change, answered from 1 to 7.
        text += " " + _("Latest PGIC: %(pgic)s of 7.") % {"pgic": latest.pgic}
    return text


def shift_words(shift: OutcomeShift | None) -> str:
    """A before/after cell: '3.0 → 1.0 leaks per day', or ''."""
    if shift is None or shift.before_value is None or shift.after_value is None:
        return ""
    return _("%(before)s → %(after)s %(measure)s") % {
        "before": number(shift.before_value, ".1f"), "after": number(shift.after_value, ".1f"),
        "measure": shift.measure.label,
    }


SHORT_BASELINE_WORDS = {"before_implant": gettext_lazy("before the implant"),
                        "first_settings": gettext_lazy("under the first settings")}


def short_sentence(summary: OutcomeSummary) -> str:
    """The outcome in one printed line (the visit summary)."""
    name = KIND_NAMES[summary.kind]
    measure = summary.primary
    latest = summary.periods[-1] if summary.periods else None
    now = latest.values.get(measure.field) if latest is not None else None
    base = summary.baseline.values.get(measure.field) if summary.baseline else None
    if summary.baseline is None or base is None:
        return _("%(name)s: no baseline yet.") % {"name": name}
    if latest is None or now is None:
        return _("%(name)s: nothing logged under the current settings.") % {"name": name}
    return ngettext(
        # Translators: "Bladder diary: 1.0 leaks per day now (12 days), 3.0 under the first
        # settings: Responder."
        "%(name)s: %(value)s %(measure)s now (%(days)s day), %(base)s %(source)s: %(status)s.",
        "%(name)s: %(value)s %(measure)s now (%(days)s days), %(base)s %(source)s: %(status)s.",
        latest.days,
    ) % {
        "name": name, "value": number(now, ".1f"), "measure": measure.label,
        "days": latest.days, "base": number(base, ".1f"),
        "source": SHORT_BASELINE_WORDS[summary.baseline_source],
        "status": STATUS_SHORT[latest.status],
    }
