"""The management ladder: where a patient stands, from their own diary, and why.

Pure rules over insights.analysis data. Each rule, with the sentence of the clinical source it
follows, is written down in docs/management-ladder.md; the thresholds are named settings
(config/settings.py, LADDER_*) so a clinic can change them. This is decision support: the
clinician decides.

Words used below:
- "logged nights" are Night rows; an unlogged night is missing and never counts either way.
- "active cramps": at least `active_cramp_nights` cramp nights among the last `window_nights`
  logged nights.
- "the cramps began": the first cramp night of the earliest window in the current unbroken
  run of active-cramp windows (see _onset); no onset while cramps are not active.
- "improved": the cramp-night rate after a change is at most half the rate before it
  (insights.analysis.compare_change).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext, pgettext

from diary.models import CRAMP_ASSOCIATED_CATEGORIES
from diary.words import day_month, day_month_year, number, percent
from insights.analysis import (
    AttributedNight,
    Comparison,
    PatientData,
    attribute_nights,
    build_comparisons,
    build_epochs,
    describe_change,
    outcome_of,
)
from insights.outcomes import OutcomeShift, loss_fraction, responder_rule, shift_across
from insights.signals import (
    FACTORS_BY_CODE,
    benefit_change,
    compare_factors,
    describe_new_movements,
    holds_since,
    low_activity_worsens,
    lumbar_support_helps,
    new_movement_nights,
)
from insights.thresholds import Thresholds
from insights.visits import lead_migration_signs
from programming.models import therapy_benefit_label

# English as stored and exported (FHIR, `analyze --json`); pages show gettext(DECISION_SUPPORT).
DECISION_SUPPORT = gettext_noop("Decision support only: the clinician decides.")
# possible_lead_migration's reasons that do not rest on the cramps' onset.
NO_ONSET_REASONS = frozenset({
    "felt_elsewhere", "new_movement", "threshold_rise", "response_toward_s2",
})

# Each step of the ladder in a few words: the one place every reader (the cohort's ladder
# column, the patient page, the visit summary) takes a step's name from. The source's order:
# other causes are ruled out first (step 0), then the amplitude, the programme, the leads.
STEP_NAMES = {
    # Translators: a step of the management ladder for leg cramps, after "Step 0: ".
    0: gettext_lazy("rule out other causes"),
    # Translators: a step of the management ladder: lower the stimulation amplitude.
    1: gettext_lazy("reduce amplitude"),
    # Translators: a step of the management ladder: change pulse width or frequency.
    2: gettext_lazy("reprogram"),
    # Translators: a step of the management ladder: the implanted lead may have moved.
    3: gettext_lazy("possible lead migration"),
    4: gettext_lazy("relieved by turning the device off"),
}

# Each flag's title by its code: the stored English record is written from these (under
# translation.override("en"), insights.summary), and a page shows the reader's language.
FLAG_TITLES = {
    "reduce_amplitude": gettext_lazy("Consider reducing the amplitude"),
    "reprogram": gettext_lazy("Consider reprogramming pulse width or frequency"),
    # Translators: the stimulator's lead (electrode wire) may have moved from its place.
    "possible_lead_migration": gettext_lazy("Possible lead migration"),
    "device_off_relief": gettext_lazy("Cramps relieved by turning the device off"),
    "rule_out_other_causes": gettext_lazy("Rule out other causes first"),
    "therapy_loss": gettext_lazy("Therapy weaker since the amplitude was reduced"),
    # Translators: a "responder" is a patient whose therapy meets its success definition.
    "responder_lost": gettext_lazy("Cramps better, but the therapy lost its responder status"),
    "trial_phase": gettext_lazy("Trial phase"),
}


def flag_title(code: str) -> str:
    """A flag's title in the active language (its code for a flag no longer known)."""
    title = FLAG_TITLES.get(code)
    return str(title) if title is not None else code


def step_label(step: int | None) -> str:
    """A step in words ("Step 3: possible lead migration"); "Information" for a flag that is
    no rung of the ladder."""
    if step is None:
        # Translators: a flag that is information, not a step of the management ladder.
        return pgettext("ladder step", "Information")
    name = STEP_NAMES.get(step)
    if name:
        # Translators: "Step 3: possible lead migration".
        return _("Step %(step)s: %(name)s") % {"step": step, "name": name}
    return _("Step %(step)s") % {"step": step}


def ladder_order(step: int | None) -> tuple[int, int]:
    """A flag's place when flags are listed: the ladder's order, step 0 first, information
    last."""
    return (1, 0) if step is None else (0, step)


@dataclass(frozen=True)
class Evidence:
    nights: tuple[date, ...] = ()
    rates: dict[str, float | None] = field(default_factory=dict)
    changes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # Which of the flag's rules hold (docs/management-ladder.md), for flags with several.
    reasons: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "nights": [d.isoformat() for d in self.nights],
            "rates": {k: (round(v, 3) if v is not None else None) for k, v in self.rates.items()},
            "changes": list(self.changes),
            "notes": list(self.notes),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Flag:
    code: str
    step: int | None  # None: information, not a rung of the ladder
    title: str
    explanation: str
    evidence: Evidence
    since: date | None
    # What makes this flag "the same situation": an acknowledged flag alerts again only when
    # this changes (a new onset, a new settings change, a new report of the kind it rests on),
    # never merely because one more night of the same was logged.
    fingerprint_parts: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        text = "|".join((self.code, *self.fingerprint_parts))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "step": self.step,
            "title": self.title,
            "explanation": self.explanation,
            "evidence": self.evidence.as_json(),
            "since": self.since.isoformat() if self.since else None,
            "fingerprint": self.fingerprint,
        }


@dataclass
class LadderResult:
    flags: list[Flag]
    active_cramps: bool
    cramp_nights_recent: int
    logged_recent: int
    onset: date | None
    # The therapy's own outcome under the current settings (insights.outcomes): its status
    # code ("" with no outcome logged) and its rank for sorting (None when not judged).
    outcome_status: str = ""

    @property
    def step(self) -> int | None:
        steps = [f.step for f in self.flags if f.step is not None]
        return max(steps) if steps else None

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.flags]

    @property
    def cramp_night_rate(self) -> float | None:
        return self.cramp_nights_recent / self.logged_recent if self.logged_recent else None


@dataclass(frozen=True)
class Change:
    comparison: Comparison

    @property
    def first_night(self) -> date:
        return self.comparison.first_night

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.comparison.kinds

    @property
    def reduces_amplitude(self) -> bool:
        return "amplitude_down" in self.kinds

    @property
    def reprograms(self) -> bool:
        return "pulse_width" in self.kinds or "frequency" in self.kinds

    def describe(self) -> str:
        c = self.comparison
        return f"{c.first_night.isoformat()}: {describe_change(c.previous, c.change)}"


def _onset(
    nights: list[AttributedNight], window: int, active_min: int
) -> tuple[date | None, int, date | None]:
    """The night the current cramps began, how many cramp-free logged nights ran right
    before it, and the night they became active (the threshold was first met).

    The current cramps are the unbroken stretch of logged nights, up to the last one, whose
    window of `window` logged nights holds at least `active_min` cramp nights ("active
    cramps"). They began at the first cramp night of the earliest such window. An occasional
    cramp night weeks earlier is background (night cramps are common in adults, seeds/README),
    not the start of this episode. With no active cramps now there is no onset."""
    flags = [bool(item.night.cramps) for item in nights]
    count = len(flags)

    def active_at(end: int) -> bool:
        return sum(flags[max(0, end - window + 1) : end + 1]) >= active_min

    if not count or not active_at(count - 1):
        return None, 0, None
    earliest = count - 1
    while earliest > 0 and active_at(earliest - 1):
        earliest -= 1
    first = next(i for i in range(max(0, earliest - window + 1), earliest + 1) if flags[i])
    quiet = 0
    for i in range(first - 1, -1, -1):
        if flags[i]:
            break
        quiet += 1
    return nights[first].night.date, quiet, nights[earliest].night.date


def evaluate(data: PatientData, thresholds: Thresholds | None = None) -> LadderResult:
    t = thresholds or Thresholds()
    start = data.today - timedelta(days=t.lookback_days)
    window = PatientData(
        nights=[n for n in data.nights if n.date >= start],
        timeline=data.timeline,
        today=data.today,
        timezone=data.timezone,
        medications=data.medications,
        phase=data.phase,
        therapy=data.therapy,
        visits=data.visits,
        outcome_kind=data.outcome_kind,
        outcomes=data.outcomes,
        implanted_on=data.implanted_on,
    )
    nights = attribute_nights(window)
    recent = nights[-t.window_nights:]
    recent_cramp = [a for a in recent if a.night.cramps]
    active = len(recent_cramp) >= t.active_cramp_nights
    onset, quiet_before, became_active = _onset(nights, t.window_nights, t.active_cramp_nights)
    changes = [
        Change(c)
        for c in build_comparisons(window, nights, t)
    ]
    flags: list[Flag] = []
    rate = len(recent_cramp) / len(recent) if recent else None
    recent_rates = {"cramp_night_rate_last_14": rate}
    recent_note = ngettext(
        "%(cramp)s of the last %(n)s logged night had cramps.",
        "%(cramp)s of the last %(n)s logged nights had cramps.",
        len(recent),
    ) % {"cramp": len(recent_cramp), "n": len(recent)}
    cramp_dates = tuple(a.night.date for a in recent_cramp)

    since_onset = [c for c in changes if onset is not None and c.first_night >= onset]
    reductions = [c for c in since_onset if c.reduces_amplitude]
    reprogrammings = [c for c in since_onset if c.reprograms]

    if active and onset is not None and not reductions:
        flags.append(Flag(
            code="reduce_amplitude",
            step=1,
            title=flag_title("reduce_amplitude"),
            explanation=_(
                "Cramps are active and the amplitude has not been reduced since they began. "
                "The source gives reducing the amplitude as the first-line approach."
            ),
            evidence=Evidence(
                nights=cramp_dates,
                rates=recent_rates,
                notes=(
                    recent_note,
                    # Translators: %(date)s is a date in the reader's format (2 Nov 2026).
                    _("Cramps began on the night of %(date)s.") % {"date": day_month_year(onset)},
                ),
            ),
            since=onset,
            fingerprint_parts=(onset.isoformat(),),
        ))
    if active and onset is not None and reductions:
        reduction = reductions[-1]
        result = reduction.comparison
        reprogrammed_since = [c for c in reprogrammings if c.first_night >= reduction.first_night]
        if (
            result.verdict == "not_improved"
            and result.after_nights >= t.min_nights_after
            and not reprogrammed_since
        ):
            flags.append(Flag(
                code="reprogram",
                step=2,
                title=flag_title("reprogram"),
                explanation=_(
                    "The amplitude was reduced after the cramps began, and over the logged "
                    "nights since the cramps have not improved. Pulse width and frequency "
                    "have not been changed since."
                ),
                evidence=Evidence(
                    nights=cramp_dates,
                    rates={
                        "before_reduction": result.before_rate,
                        "after_reduction": result.after_rate,
                        **recent_rates,
                    },
                    changes=(reduction.describe(),),
                    notes=(result.sentence(), recent_note),
                ),
                since=reduction.first_night,
                fingerprint_parts=(onset.isoformat(), reduction.describe()),
            ))

    # possible_lead_migration: any of three reasons, each with its own code in the fingerprint.
    reasons: list[tuple[str, str, date]] = []
    lead_changes: list[str] = []
    if active and onset is not None:
        failed_reductions = [c for c in reductions if c.comparison.verdict == "not_improved"]
        failed_reprograms = [c for c in reprogrammings if c.comparison.verdict == "not_improved"]
        if failed_reductions and failed_reprograms:
            pair = (failed_reductions[-1], failed_reprograms[-1])
            lead_changes += [c.describe() for c in pair]
            reasons.append((
                "adjustments_failed",
                _("Cramps have not improved after an amplitude reduction nor after a pulse "
                  "width or frequency change."),
                max(c.first_night for c in pair),
            ))
        if quiet_before >= t.quiet_nights_before_onset and not any(
            _during_quiet_run(c.first_night, onset, quiet_before, nights) for c in changes
        ):
            reasons.append((
                "onset_after_quiet",
                ngettext(
                    "Cramps started after %(n)s cramp-free logged night with unchanged "
                    "settings.",
                    "Cramps started after %(n)s cramp-free logged nights with unchanged "
                    "settings.",
                    quiet_before,
                ) % {"n": quiet_before},
                onset,
            ))
    different = [
        a for a in recent
        if any(e.stimulation_felt == "different_location" for e in a.night.episodes)
    ]
    if len(different) >= t.different_location_nights:
        reasons.append((
            "felt_elsewhere",
            ngettext(
                "Stimulation felt in a different place on %(felt)s of the last %(n)s logged "
                "night.",
                "Stimulation felt in a different place on %(felt)s of the last %(n)s logged "
                "nights.",
                len(recent),
            ) % {"felt": len(different), "n": len(recent)},
            different[t.different_location_nights - 1].night.date,
        ))
    # A new calf or hip movement with the stimulation: in a sacral device, the current reaching
    # S2 (../shared/seeds/README.md). Other therapies' leads sit elsewhere: shown, not a reason.
    moved = new_movement_nights([a.night for a in recent])
    moved_text = describe_new_movements(moved, len(recent)) if moved else ""
    moved_reason = data.therapy == "sacral" and len(moved) >= t.new_movement_nights
    if moved_reason:
        reasons.append(("new_movement", moved_text, moved[t.new_movement_nights - 1][0]))
    # Issue 25: what the latest programming visit found on the lead (insights.visits).
    visit_signs = lead_migration_signs(
        data.visits,
        therapy=data.therapy,
        rise_factor=t.threshold_rise_factor,
        since=start,
        lead_revisions=[
            r.effective_at.date() for r in data.timeline.records if r.reason == "lead_revision"
        ],
    )
    reasons += [(sign.code, sign.text, sign.visited_on) for sign in visit_signs]
    if reasons:
        lead_notes = [text for _c, text, _s in reasons]
        if moved and not moved_reason:
            lead_notes.append(
                ngettext(
                    "%(movements)s Shown for information: fewer than %(n)s night.",
                    "%(movements)s Shown for information: fewer than %(n)s nights.",
                    t.new_movement_nights,
                ) % {"movements": moved_text, "n": t.new_movement_nights}
                if data.therapy == "sacral"
                else _(
                    "%(movements)s Shown for information: a new movement is read as a "
                    "lead-migration sign for sacral devices only."
                ) % {"movements": moved_text}
            )
        moved_dates = {d for d, _k in moved} if moved_reason else set()
        flags.append(Flag(
            code="possible_lead_migration",
            step=3,
            title=flag_title("possible_lead_migration"),
            explanation=_(
                "The source says leads may need repositioning if adjustments to the stimulation "
                "parameters are ineffective, and that leg symptoms may indicate lead migration. "
                "%(reasons)s"
            ) % {"reasons": " ".join(text for _c, text, _s in reasons)},
            evidence=Evidence(
                nights=tuple(sorted(
                    {a.night.date for a in different} | set(cramp_dates) | moved_dates
                )),
                rates=recent_rates,
                changes=tuple(lead_changes),
                notes=tuple(lead_notes),
                reasons=tuple(dict.fromkeys(code for code, _t, _s in reasons)),
            ),
            since=min(since for _c, _t, since in reasons),
            fingerprint_parts=(
                *(code for code, _t, _s in reasons),
                *(sign.text for sign in visit_signs),
                *lead_changes,
                *(a.night.date.isoformat() for a in different),
                *(d.isoformat() for d in sorted(moved_dates)),
                # The onset is evidence only for the reasons that rest on it.
                onset.isoformat()
                if onset and any(c not in NO_ONSET_REASONS for c, _t, _s in reasons)
                else "",
            ),
        ))

    relief = [
        (a.night.date, e) for a in nights for e in a.night.episodes if "device_off" in e.relieved_by
    ]
    if len(relief) >= t.device_off_relief_episodes:
        flags.append(Flag(
            code="device_off_relief",
            step=4,
            title=flag_title("device_off_relief"),
            explanation=ngettext(
                "%(n)s cramp was relieved by turning the device off: the stimulation is "
                "probably involved. The source says turning the device off temporarily can "
                "give immediate relief.",
                "%(n)s cramps were relieved by turning the device off: the stimulation is "
                "probably involved. The source says turning the device off temporarily can "
                "give immediate relief.",
                len(relief),
            ) % {"n": len(relief)},
            evidence=Evidence(
                nights=tuple(sorted({d for d, _e in relief})),
                notes=(ngettext(
                    "%(n)s episode relieved by turning the device off.",
                    "%(n)s episodes relieved by turning the device off.",
                    len(relief),
                ) % {"n": len(relief)},),
            ),
            since=relief[t.device_off_relief_episodes - 1][0],
            fingerprint_parts=tuple(e.started_at.isoformat() for _d, e in relief),
        ))

    other_reasons: list[str] = []
    other_codes: list[str] = []
    other_nights: list[date] = []
    other_since: list[date] = []
    # What makes a new situation: each reason's text where it counts discrete events (another
    # night off, another medication), only the code where it is a rate that moves every night.
    other_fingerprint: list[str] = []
    off_cramp = [
        a for a in nights if a.night.cramps and a.settings and not a.settings.stimulation_on
    ]
    if len(off_cramp) >= t.stimulation_off_cramp_nights:
        other_reasons.append(ngettext(
            "Cramps on %(n)s night while stimulation was off.",
            "Cramps on %(n)s nights while stimulation was off.",
            len(off_cramp),
        ) % {"n": len(off_cramp)})
        other_codes.append("stimulation_off")
        other_fingerprint.append(other_reasons[-1])
        other_nights += [a.night.date for a in off_cramp]
        other_since.append(off_cramp[t.stimulation_off_cramp_nights - 1].night.date)
    # Medicines of unknown kind ("Other", "Not sure", no clinician's kind) started in the same
    # window: shown beside the reasons, never a reason (the care team sets the kind).
    medication_context: list[str] = []
    if onset is not None and became_active is not None:
        for med in data.medications:
            counts = med.category in CRAMP_ASSOCIATED_CATEGORIES
            if not counts and not med.kind_unknown:
                continue
            # Cramps "begin" after a medication when their first night, or the night they
            # became active, falls within the onset window after it was started: unlogged
            # nights around a start must not hide a medication the clinic should rule out.
            began = next(
                (
                    d for d in (onset, became_active)
                    if 0 <= (d - med.started_on).days <= t.medication_onset_days
                ),
                None,
            )
            if began is None:
                continue
            when = _after_starting(began == onset, (began - med.started_on).days)
            if not counts:
                medication_context.append(_(
                    # Translators: %(when)s is e.g. "began 3 days after starting",
                    # %(medicine)s the medicine's name as the patient wrote it.
                    "Context, not a reason: cramps %(when)s %(medicine)s, whose kind is "
                    "unknown; set its kind in the medications list so the medication rule can "
                    "read it."
                ) % {"when": when, "medicine": med.name})
                continue
            other_reasons.append(_(
                # Translators: "Cramps began 3 days after starting Prednisolone (steroid)."
                # %(kind)s is the medicine's kind, a code of the medications list.
                "Cramps %(when)s %(medicine)s (%(kind)s)."
            ) % {"when": when, "medicine": med.name, "kind": med.category})
            other_codes.append("medication")
            other_fingerprint.append(other_reasons[-1])
            other_since.append(began)
    # The patient's own nights with and without each factor they record. Read only while
    # cramps are active: night cramps are common in adults (seeds/README), and a few background
    # cramps that happen to fall on less active days are nothing to work up.
    factor_nights = [a.night for a in nights]
    factors = compare_factors(factor_nights, t.factor_min_nights)
    factor_rules = (
        (
            "lumbar_support",
            lambda c: lumbar_support_helps(c, t.lumbar_support_ratio),
            _("Fewer cramps with the lower back supported in bed: possible lumbar spinal "
              "stenosis; consider imaging of the lumbar spine."),
        ),
        (
            "low_activity",
            lambda c: low_activity_worsens(c, t.low_activity_ratio),
            _("More cramps after less active days: inactivity is a cause of night cramps to "
              "rule out."),
        ),
    )
    if active and became_active is not None:
        for code, test, meaning in factor_rules:
            if not test(factors[code]):
                continue
            # Translators: two sentences: the factor's figures, then what they may mean.
            other_reasons.append(_("%(figures)s %(meaning)s") % {
                "figures": factors[code].sentence(), "meaning": meaning,
            })
            other_codes.append(code)
            other_fingerprint.append(code)
            began = holds_since(
                FACTORS_BY_CODE[code], factor_nights, t.factor_min_nights, test
            )
            other_since.append(max(began or became_active, became_active))
    if other_reasons:
        # Fluids and alcohol: shown beside the reasons as context, never a reason themselves.
        context = (*medication_context, *(
            _("Context, not a reason: %(figures)s") % {"figures": factors[code].sentence()}
            for code in ("low_fluids", "alcohol")
            if factors[code].enough
        ))
        flags.append(Flag(
            code="rule_out_other_causes",
            step=0,
            title=flag_title("rule_out_other_causes"),
            explanation=_(
                "Before attributing leg cramps to the stimulation, the source says other causes "
                "should be ruled out: spinal stenosis, medication side effects (steroids, "
                "electrolyte imbalance), inactivity. %(reasons)s"
            ) % {"reasons": " ".join(other_reasons)},
            evidence=Evidence(
                nights=tuple(other_nights),
                notes=(*other_reasons, *context),
                reasons=tuple(other_codes),
            ),
            since=min(other_since),
            fingerprint_parts=(*other_fingerprint,),
        ))

    # therapy_loss: a reduction that ends the cramps but takes the therapy with it is no win.
    # Each amplitude reduction is read against the therapy as it is now, so the flag resolves
    # when the benefit recovers (also after a later change) and holds through a second
    # reduction; the earliest reduction with a loss is the one the flag dates from. Where the
    # patient logs the therapy's own outcome (issue 24) on enough days each side, the loss is
    # read in those units (insights.outcomes); otherwise from the 0-10 benefit score.
    outcome = outcome_of(window, build_epochs(window, nights, t), t) if data.outcomes else None
    shifts = {
        k: shift for k in range(len(changes))
        for shift in [shift_across(outcome, k + 1) if outcome else None]
        if shift is not None and shift.enough
    }
    scored = [a.night for a in nights]
    losses: list[tuple[Change, str]] = []
    in_units = False  # at least one loss read in the outcome's own units
    for k, c in enumerate(changes):
        if not c.reduces_amplitude:
            continue
        shift = shifts.get(k)
        if shift is not None:
            if outcome_lost(shift, outcome.kind, t):
                words = shift.sentence(_("reduction on %(date)s") % {
                    "date": day_month(c.first_night),
                })
                losses.append((c, _("%(shift)s: now %(status)s.") % {
                    "shift": f"{words[:1].upper()}{words[1:]}",
                    "status": shift.after.status_label.lower(),
                }))
                in_units = True
            continue
        b = benefit_change(scored, c.first_night, nights_each_side=t.comparison_nights)
        if b.is_loss(min_after=t.min_nights_after, points=t.therapy_loss_points,
                     share=t.therapy_loss_share):
            losses.append((c, b.sentence()))
    if losses:
        loss_words = (
            _(
                # Translators: %(measure)s is e.g. "leaks per day".
                "the therapy's own outcome (%(measure)s) is worse than before the reduction."
            ) % {"measure": outcome.primary.label}
            if in_units and outcome is not None else
            _(
                # Translators: %(score)s names the 0-10 score, e.g. "bladder control";
                # %(points)s a number of points, %(share)s a percentage.
                "the daily therapy score (%(score)s) is at least %(points)s points or "
                "%(share)s below what it was before the reduction."
            ) % {
                "score": therapy_benefit_label(data.therapy),
                "points": number(t.therapy_loss_points),
                "share": percent(t.therapy_loss_share),
            }
        )
        flags.append(Flag(
            code="therapy_loss",
            step=None,
            title=flag_title("therapy_loss"),
            explanation=_therapy_loss_explanation(
                [c.comparison for c, _n in losses], loss_words,
            ),
            evidence=Evidence(
                changes=tuple(c.describe() for c, _n in losses),
                notes=tuple(note for _c, note in losses),
            ),
            since=losses[0][0].first_night,
            fingerprint_parts=tuple(c.describe() for c, _n in losses),
        ))

    # responder_lost: a change that cured the cramps (its before/after verdict is
    # "improved") but whose period no longer meets the therapy's responder definition, which
    # the period before it met (insights.outcomes). Information: the clinician weighs both.
    cured_but_lost = [
        (c, shifts[k]) for k, c in enumerate(changes)
        if k in shifts and c.comparison.verdict == "improved" and shifts[k].lost_responder
    ]
    if cured_but_lost:
        flags.append(Flag(
            code="responder_lost",
            step=None,
            title=flag_title("responder_lost"),
            explanation=_(
                # Translators: %(rule)s is the responder definition in words, e.g. "at least
                # 50% fewer leaks or voids a day than at baseline, ...".
                "A settings change ended or eased the cramps, but the therapy's own outcome "
                "under the new settings no longer meets its responder definition (%(rule)s), "
                "which the settings before it met."
            ) % {"rule": responder_rule(outcome.kind, t)},
            evidence=Evidence(
                changes=tuple(c.describe() for c, _s in cured_but_lost),
                notes=tuple(
                    _("%(shift)s: %(before)s before, %(after)s after.") % {
                        "shift": shift.sentence(
                            _("change on %(date)s") % {"date": day_month(c.first_night)}
                        ),
                        "before": shift.before.status_label.lower(),
                        "after": shift.after.status_label.lower(),
                    }
                    for c, shift in cured_but_lost
                ),
            ),
            since=cured_but_lost[0][0].first_night,
            fingerprint_parts=tuple(c.describe() for c, _s in cured_but_lost),
        ))

    if data.phase == "trial" and active:
        flags.append(Flag(
            code="trial_phase",
            step=None,
            title=flag_title("trial_phase"),
            explanation=_(
                "The device is in its trial phase: the source says transient leg symptoms during "
                "the trial period may resolve with programming adjustments."
            ),
            evidence=Evidence(nights=cramp_dates, notes=(recent_note,)),
            since=onset,
            fingerprint_parts=(onset.isoformat() if onset else "",),
        ))

    flags.sort(key=lambda f: (-1 if f.step is None else f.step), reverse=True)
    return LadderResult(
        flags=flags,
        active_cramps=active,
        cramp_nights_recent=len(recent_cramp),
        logged_recent=len(recent),
        onset=onset,
        outcome_status=outcome.periods[-1].status if outcome and outcome.periods else "",
    )


def outcome_lost(shift: OutcomeShift, kind: str, t: Thresholds) -> bool:
    """The outcome across a reduction is a loss of the therapy: its primary measure worse by
    the responder fraction (pain: IMMPACT's moderate 30%), or the responder status lost."""
    return shift.worsened(loss_fraction(kind, t)) or shift.lost_responder


def _after_starting(began: bool, days: int) -> str:
    """'began 3 days after starting', 'began 1 day after starting', 'began on the day of
    starting' (or 'became frequent ...'): the medication reason's words before the medicine's
    name."""
    if began:
        if days == 0:
            # Translators: this and the next phrases continue "Cramps ..." and are followed
            # by a medicine's name: "Cramps began 3 days after starting Prednisolone".
            return _("began on the day of starting")
        # Translators: continues "Cramps ..."; a medicine's name follows.
        return ngettext(
            "began %(n)s day after starting", "began %(n)s days after starting", days
        ) % {"n": days}
    if days == 0:
        # Translators: continues "Cramps ..."; a medicine's name follows.
        return _("became frequent on the day of starting")
    # Translators: continues "Cramps ..."; a medicine's name follows.
    return ngettext(
        "became frequent %(n)s day after starting", "became frequent %(n)s days after starting",
        days,
    ) % {"n": days}


def _before_and_since(c: Comparison) -> str:
    """'3 of 10 logged nights with cramps before, 1 of 8 since'."""
    return ngettext(
        "%(before)s of %(before_n)s logged night with cramps before, %(after)s of %(after_n)s "
        "since",
        "%(before)s of %(before_n)s logged nights with cramps before, %(after)s of %(after_n)s "
        "since",
        c.before_nights,
    ) % {
        "before": c.before_cramp_nights, "before_n": c.before_nights,
        "after": c.after_cramp_nights, "after_n": c.after_nights,
    }


def _therapy_loss_explanation(comparisons: list[Comparison], loss: str) -> str:
    """therapy_loss's words about the cramps follow the cramp-night figures of the reductions
    it rests on (the rows of the page's before/after table): cramps are called better only
    when those figures fell, for every such reduction; with nothing to compare, nothing is
    said about them."""
    compared = [c for c in comparisons if c.before_nights and c.after_nights]
    # Translators: %(loss)s is a sentence fragment such as "the daily therapy score (...) is
    # at least 2 points or 25% below what it was before the reduction."
    weaker = _("The therapy is weaker since the amplitude was reduced: %(loss)s") % {
        "loss": loss,
    }
    if not compared or len(compared) < len(comparisons):
        return weaker
    figures = "; ".join(_before_and_since(c) for c in compared)
    # Rates, not counts: the two sides need not have as many logged nights.
    moves = {
        "fell" if c.after_rate < c.before_rate
        else "rose" if c.after_rate > c.before_rate
        else "unchanged"
        for c in compared
    }
    values = {"figures": figures, "loss": loss}
    if moves == {"fell"}:
        return _(
            "Cramp nights fell since the amplitude was reduced (%(figures)s), but the therapy "
            "is weaker: %(loss)s"
        ) % values
    if moves == {"rose"}:
        return _(
            "Cramps are not better: cramp nights rose since the amplitude was reduced "
            "(%(figures)s), and the therapy is weaker: %(loss)s"
        ) % values
    if moves == {"unchanged"}:
        return _(
            "Cramp nights are unchanged since the amplitude was reduced (%(figures)s), and the "
            "therapy is weaker: %(loss)s"
        ) % values
    return _("%(weaker)s Cramp nights, one reduction after another: %(figures)s.") % {
        "weaker": weaker, "figures": figures,
    }


def _during_quiet_run(
    first_night: date, onset: date, quiet: int, nights: list[AttributedNight]
) -> bool:
    """Whether a change took effect during the quiet run that preceded the onset, or at it."""
    dates = [a.night.date for a in nights if a.night.date < onset]
    run_start = dates[-quiet] if quiet and len(dates) >= quiet else onset
    return run_start < first_night <= onset

