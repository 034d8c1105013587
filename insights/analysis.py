"""How a patient's cramps move with their stimulator settings.

Pure functions over plain data (no database access here): the loader in insights.data builds
`PatientData` from the database, pages, exports, the PDF and `manage.py analyze` read the
`Analysis` this module returns.

The honesty rules:
- A night with no Night row is missing, never a cramp-free night: every rate is over logged
  nights, and adherence (logged / elapsed nights) is reported beside it.
- A night is read under the settings in effect at its start (programming.timeline).
- A statistic that cannot be computed is None, never 0 or NaN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from statistics import mean
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from scipy import stats

from diary.words import number, percent
from insights.association import CRAMPS_PER_NIGHT, Correlation, associate
from insights.burden import Burden, burden_of
from insights.outcomes import OutcomeDay, OutcomeSummary, summarise_outcomes
from insights.thresholds import Thresholds
from programming.timeline import Settings, Timeline, night_start

# How many logged nights each side of a settings change are compared, how many are needed
# after it before the change is judged, and when cramps are active: the ladder's thresholds
# (insights.thresholds), one source for the ladder and for the comparisons the pages show.
# Changes that answer cramps, per the source's management ladder
# (seeds/000_4fc11b34e07321ea.txt, "Management of Leg Cramps from Sacral Stimulation"):
# reduce the amplitude, reprogram pulse width or frequency, turn the device off.
RESPONSES_TO_CRAMPS = frozenset({"amplitude_down", "pulse_width", "frequency", "stimulation_off"})
# The reasons a clinic records for a change that answers cramps (programming.models
# REASON_CHOICES). "other", "lead_revision" and the rest name no response to cramps.
REASONS_ANSWERING_CRAMPS = frozenset({"reduce_amplitude", "reprogram", "device_off"})

PARAMETERS = ("amplitude", "pulse_width_us", "frequency_hz")
# Part of every cache key that holds an Analysis, its panel or its charts: bump it when their
# shape or meaning changes, so a shared cache never serves what an older release computed.
ANALYSIS_SCHEMA = 7  # 7: the therapy's own outcome per period (insights.outcomes); 6: the
# association by cramps per night; 5: the cramp burden, the reactive rule reading reason and
# source, washout, planned trials


@dataclass(frozen=True)
class Episode:
    started_at: datetime
    severity: int
    stimulation_felt: str = ""
    new_movement: str = ""
    relieved_by: tuple[str, ...] = ()
    duration_min: int | None = None
    woke_from_sleep: bool | None = None


@dataclass(frozen=True)
class NightRecord:
    """One logged night. A date without one is missing."""

    date: date
    timezone: str
    episodes: tuple[Episode, ...] = ()
    therapy_benefit: int | None = None
    sleep_disturbance: int | None = None  # 0-10, asked once a night; None when not answered
    confounders: Mapping[str, object] = field(default_factory=dict, compare=False)

    @property
    def cramps(self) -> int:
        return len(self.episodes)


@dataclass(frozen=True)
class MedicationRecord:
    name: str
    category: str
    started_on: date
    stopped_on: date | None = None
    # "Other" or "Not sure" with no clinician's kind (diary.medicines.kind_unknown).
    kind_unknown: bool = False


@dataclass(frozen=True)
class PlannedTrial:
    """A run of settings changes a clinician marked as planned in advance (an N-of-1 ABAB or
    alternating-levels design, programming.models.PlannedTrial): the periods that begin on a
    night from `first_night` to `last_night` are its periods."""

    parameter: str  # "amplitude" | "pulse_width_us" | "frequency_hz"
    first_night: date
    last_night: date
    order_randomised: bool = False

    def covers(self, night: date) -> bool:
        return self.first_night <= night <= self.last_night


def planned_trial_at(trials: Sequence[PlannedTrial], night: date) -> PlannedTrial | None:
    """The planned trial a change whose first night is `night` belongs to (the latest one
    begun, if two overlap)."""
    covering = [t for t in trials if t.covers(night)]
    return max(covering, key=lambda t: t.first_night) if covering else None


@dataclass(frozen=True)
class VisitRow:
    """One electrode configuration tried at a programming visit (programming.VisitConfiguration);
    thresholds in `unit`."""

    electrodes: str
    unit: str = "mA"
    sensory_threshold: float | None = None
    motor_threshold: float | None = None
    responses: tuple[str, ...] = ()  # sacral motor responses, or the areas covered
    pulse_width_us: int | None = None  # the thresholds were found at this pulse width


@dataclass(frozen=True)
class VisitRecord:
    """A programming visit, on the patient's wall-clock date."""

    visited_on: date
    rows: tuple[VisitRow, ...] = ()
    device_id: int | None = None


@dataclass
class PatientData:
    nights: Sequence[NightRecord]  # in date order
    timeline: Timeline
    today: date  # the night in progress, in the patient's zone
    timezone: str = "UTC"
    medications: Sequence[MedicationRecord] = ()
    phase: str = "permanent"
    therapy: str = "sacral"
    joined: date | None = None  # the night the patient joined in (Patient.joined_night)
    trials: Sequence[PlannedTrial] = ()
    visits: Sequence[VisitRecord] = ()  # programming visits, in visit order (issue 25)
    # The therapy's own outcome (issue 24): "bladder" | "bowel" | "pain" | None, and its days.
    outcome_kind: str | None = None
    outcomes: Sequence[OutcomeDay] = ()
    implanted_on: date | None = None


@dataclass(frozen=True)
class AttributedNight:
    night: NightRecord
    settings: Settings | None

    @property
    def stimulation_on(self) -> bool:
        return self.settings is not None and self.settings.stimulation_on


@dataclass(frozen=True)
class Adherence:
    nights_logged: int
    nights_elapsed: int
    first_night: date | None
    last_night: date | None

    @property
    def rate(self) -> float | None:
        return self.nights_logged / self.nights_elapsed if self.nights_elapsed else None

    def describe(self) -> str:
        if not self.nights_elapsed:
            return _("no nights logged yet")
        return ngettext(
            "%(logged)s of %(elapsed)s night logged (%(rate)s)",
            "%(logged)s of %(elapsed)s nights logged (%(rate)s)",
            self.nights_elapsed,
        ) % {
            "logged": self.nights_logged, "elapsed": self.nights_elapsed,
            "rate": percent(self.rate),
        }


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Epoch:
    """A contiguous period with the same settings."""

    index: int
    start: date
    end: date
    settings: Settings
    nights_elapsed: int
    nights_logged: int
    cramp_nights: int
    cramps: int
    mean_severity: float | None
    mean_benefit: float | None
    benefit_nights: int = 0
    # The change that began this epoch answered active cramps (made_because_of_cramps): its
    # nights are the test of that change, not a sample of the settings' own cramp rate.
    made_because_of_cramps: bool = False
    # The first `washout_nights` nights of the period (Thresholds.association_washout_nights):
    # a response may lag a change, so the association reads the period's rate without them,
    # and they are reported apart (carry-over) instead of being dropped unseen.
    washout_nights: int = 0
    washout_nights_logged: int = 0
    washout_cramp_nights: int = 0
    washout_cramps: int = 0
    planned_trial: PlannedTrial | None = None  # the planned trial the period belongs to

    # The cramp burden of the period's logged nights (insights.burden).
    burden: Burden = field(default_factory=Burden)

    @property
    def adherence(self) -> float | None:
        return _rate(self.nights_logged, self.nights_elapsed)

    @property
    def cramps_per_logged_night(self) -> float | None:
        return _rate(self.cramps, self.nights_logged)

    @property
    def cramp_night_rate(self) -> float | None:
        return _rate(self.cramp_nights, self.nights_logged)

    def cramp_night_interval(self, confidence: float = 0.95) -> tuple[float, float] | None:
        """Wilson interval of the cramp-night rate: honest at 0 of 7 and at 7 of 7."""
        return wilson_interval(self.cramp_nights, self.nights_logged, confidence)

    @property
    def settled_nights_logged(self) -> int:
        """Logged nights after the washout: what the association counts."""
        return self.nights_logged - self.washout_nights_logged

    @property
    def settled_cramp_nights(self) -> int:
        return self.cramp_nights - self.washout_cramp_nights

    @property
    def settled_cramp_night_rate(self) -> float | None:
        return _rate(self.settled_cramp_nights, self.settled_nights_logged)

    @property
    def settled_cramps_per_night(self) -> float | None:
        """Cramps per logged night after the washout: the association's burden measure."""
        return _rate(self.cramps - self.washout_cramps, self.settled_nights_logged)




def wilson_interval(
    successes: int, trials: int, confidence: float = 0.95
) -> tuple[float, float] | None:
    if not trials:
        return None
    ci = stats.binomtest(successes, trials).proportion_ci(confidence, method="wilson")
    return float(ci.low), float(ci.high)


VERDICT_LABELS = {
    # Translators: the verdict on a settings change: cramps improved after it.
    "improved": gettext_lazy("Improved"),
    "not_improved": gettext_lazy("Not improved"),
    "too_early": gettext_lazy("Too early to judge"),
    "too_few_before": gettext_lazy("Too few nights before"),
    "no_cramps_before": gettext_lazy("No cramps before"),
}


@dataclass(frozen=True)
class Comparison:
    """Cramp-night rate over the logged nights before a settings change against those after."""

    change: Settings
    previous: Settings
    first_night: date
    kinds: tuple[str, ...]
    before_nights: int
    before_cramp_nights: int
    after_nights: int
    after_cramp_nights: int
    verdict: str  # improved | not_improved | too_early | too_few_before | no_cramps_before
    made_because_of_cramps: bool = False

    # The cramp burden of each side's nights, shown beside the verdict; the verdict itself is
    # judged on the cramp-night rate alone (insights.burden.VERDICT_MEASURE).
    before_burden: Burden = field(default_factory=Burden)
    after_burden: Burden = field(default_factory=Burden)

    @property
    def before_rate(self) -> float | None:
        return _rate(self.before_cramp_nights, self.before_nights)

    @property
    def after_rate(self) -> float | None:
        return _rate(self.after_cramp_nights, self.after_nights)

    @property
    def judged(self) -> bool:
        return self.verdict in {"improved", "not_improved"}

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])

    def describe_change(self) -> str:
        return describe_change(self.previous, self.change)

    def sentence(self) -> str:
        """The verdict in a sentence, in the reader's language."""
        counts = {
            "before": self.before_cramp_nights, "before_n": self.before_nights,
            "after": self.after_cramp_nights, "after_n": self.after_nights,
        }
        if self.verdict == "too_early":
            return ngettext(
                "%(before)s of %(before_n)s logged nights with cramps before; only %(after_n)s "
                "logged night after: too early to judge.",
                "%(before)s of %(before_n)s logged nights with cramps before; only %(after_n)s "
                "logged nights after: too early to judge.",
                self.after_nights,
            ) % counts
        if self.verdict == "too_few_before":
            return ngettext(
                "Only %(before_n)s logged night before the change: nothing to compare.",
                "Only %(before_n)s logged nights before the change: nothing to compare.",
                self.before_nights,
            ) % counts
        if self.verdict == "no_cramps_before":
            return ngettext(
                "No cramps in the %(before_n)s logged night before; %(after)s of %(after_n)s "
                "after.",
                "No cramps in the %(before_n)s logged nights before; %(after)s of %(after_n)s "
                "after.",
                self.before_nights,
            ) % counts
        if self.verdict == "improved":
            if self.made_because_of_cramps:
                return _(
                    "Improved: %(before)s of %(before_n)s logged nights with cramps before, "
                    "%(after)s of %(after_n)s after. Made because of cramps: cramps at their "
                    "worst often ease whatever is done (regression to the mean), so part of "
                    "this may be that."
                ) % counts
            return _(
                "Improved: %(before)s of %(before_n)s logged nights with cramps before, "
                "%(after)s of %(after_n)s after."
            ) % counts
        return _(
            "Not improved: %(before)s of %(before_n)s logged nights with cramps before, "
            "%(after)s of %(after_n)s after."
        ) % counts


@dataclass
class Analysis:
    today: date
    nights: list[AttributedNight]
    epochs: list[Epoch]
    correlations: dict[str, Correlation]
    comparisons: list[Comparison]
    adherence: Adherence
    adherence_14: Adherence
    changes: list[Settings]
    medications: Sequence[MedicationRecord]
    timezone: str
    # The same association by cramps per night (the burden's count), beside the default.
    burden_correlations: dict[str, Correlation] = field(default_factory=dict)
    outcome: OutcomeSummary | None = None

    @property
    def logged_nights(self) -> int:
        return len(self.nights)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def first_night_under(change: Settings, zone_name: str) -> date:
    """The first night analysed under a change: nights are read at their start."""
    z = zone(zone_name)
    day = change.effective_at.astimezone(z).date()
    return day if night_start(day, z) >= change.effective_at else day + timedelta(days=1)


def change_kinds(previous: Settings, change: Settings) -> tuple[str, ...]:
    kinds: list[str] = []
    if previous.stimulation_on and not change.stimulation_on:
        return ("stimulation_off",)
    if change.stimulation_on and not previous.stimulation_on:
        kinds.append("stimulation_on")
    if change.amplitude_unit == previous.amplitude_unit:
        if change.amplitude < previous.amplitude:
            kinds.append("amplitude_down")
        elif change.amplitude > previous.amplitude:
            kinds.append("amplitude_up")
    else:
        kinds.append("amplitude_unit")
    if change.pulse_width_us != previous.pulse_width_us:
        kinds.append("pulse_width")
    if change.frequency_hz != previous.frequency_hz:
        kinds.append("frequency")
    return tuple(kinds)


def describe_change(previous: Settings | None, change: Settings) -> str:
    """A settings change in words: "Amplitude 1.5 → 1 mA, frequency 14 → 10 Hz". Each part is
    a phrase of its own (a list, joined with commas); units stay symbols."""
    if previous is None:
        return _("Initial settings: %(settings)s") % {"settings": change.describe()}
    if previous.stimulation_on and not change.stimulation_on:
        return _("Stimulation turned off")
    parts: list[str] = []
    if change.stimulation_on and not previous.stimulation_on:
        parts.append(_("Stimulation back on"))
    if change.amplitude_unit != previous.amplitude_unit:
        # Never one number line for mA and V: each value keeps its own unit.
        parts.append(_(
            # Translators: a part of a list of settings changes; units are symbols (mA, V).
            "amplitude %(before)s %(before_unit)s → %(after)s %(after_unit)s (another unit)"
        ) % {
            "before": number(previous.amplitude), "before_unit": previous.amplitude_unit,
            "after": number(change.amplitude), "after_unit": change.amplitude_unit,
        })
    elif change.amplitude != previous.amplitude:
        # Translators: a part of a list of settings changes: "amplitude 1.5 → 1 mA".
        parts.append(_("amplitude %(before)s → %(after)s %(unit)s") % {
            "before": number(previous.amplitude), "after": number(change.amplitude),
            "unit": change.amplitude_unit,
        })
    if change.pulse_width_us != previous.pulse_width_us:
        # Translators: a part of a list of settings changes: "pulse width 210 → 180 µs".
        parts.append(_("pulse width %(before)s → %(after)s µs") % {
            "before": previous.pulse_width_us, "after": change.pulse_width_us,
        })
    if change.frequency_hz != previous.frequency_hz:
        # Translators: a part of a list of settings changes: "frequency 14 → 10 Hz".
        parts.append(_("frequency %(before)s → %(after)s Hz") % {
            "before": number(previous.frequency_hz), "after": number(change.frequency_hz),
        })
    text = ", ".join(parts) or _("Settings re-recorded")
    return text[0].upper() + text[1:]


def attribute_nights(data: PatientData) -> list[AttributedNight]:
    out = []
    for night in data.nights:
        settings = data.timeline.for_night(night.date, zone(night.timezone))
        out.append(AttributedNight(night, settings))
    return out


def last_complete_night(data: PatientData) -> date:
    """Nights up to yesterday's are elapsed; tonight counts only once it is logged."""
    last = data.today - timedelta(days=1)
    if data.nights and data.nights[-1].date > last:
        return data.nights[-1].date
    return last


def diary_start(joined: date | None, first_logged: date | None) -> date | None:
    """From which night a night with no entry is 'not logged': the night the patient joined,
    or their first entry if earlier (a baseline kept before joining). Before it there was no
    diary to fill in, so those nights are neither logged nor missing."""
    known = [d for d in (joined, first_logged) if d is not None]
    return min(known) if known else None


def adherence_between(nights: Sequence[NightRecord], first: date, last: date) -> Adherence:
    if last < first:
        return Adherence(0, 0, None, None)
    logged = sum(1 for n in nights if first <= n.date <= last)
    return Adherence(logged, (last - first).days + 1, first, last)


def cramps_active_before(
    attributed: Sequence[AttributedNight],
    first_night: date,
    thresholds: Thresholds,
) -> bool:
    """Were cramps active when a change was made: at least `minimum` cramp nights among the
    last `window` logged nights before its first night?"""
    before = [a for a in attributed if a.night.date < first_night][-thresholds.window_nights:]
    return sum(1 for a in before if a.night.cramps) >= thresholds.active_cramp_nights


def made_because_of_cramps(
    previous: Settings | None,
    change: Settings,
    first_night: date,
    attributed: Sequence[AttributedNight],
    thresholds: Thresholds,
    trial: PlannedTrial | None = None,
) -> bool:
    """The one rule for a change made because of cramps. All three must hold:

    - what changed answers cramps (RESPONSES_TO_CRAMPS: lower amplitude, new pulse width or
      frequency, stimulation off); an increase never does, no one raises it for cramps;
    - cramps were active when it was made (cramps_active_before: the timing);
    - what was recorded says it was an answer: the patient changed it on their remote (the
      patient feels the cramps and acts on them, whatever reason is picked), or the clinic
      recorded a reason that names a response to cramps (REASONS_ANSWERING_CRAMPS) and the
      change is not part of a planned trial (`trial`) the clinician marked.

    So a clinic change recorded as "other", or any clinic change inside a planned trial (its
    order was fixed before these cramps were seen), is not reactive because cramps happened
    to be active. Its after-period is a sample of the settings' own rate."""
    if previous is None:
        return False
    if not RESPONSES_TO_CRAMPS.intersection(change_kinds(previous, change)):
        return False
    if change.source != "patient_remote" and (
        trial is not None or change.reason not in REASONS_ANSWERING_CRAMPS
    ):
        return False
    return cramps_active_before(attributed, first_night, thresholds)


def build_epochs(
    data: PatientData, attributed: list[AttributedNight], thresholds: Thresholds
) -> list[Epoch]:
    changes = data.timeline.changes()
    if not changes:
        return []
    diary_start = data.nights[0].date if data.nights else None
    last = last_complete_night(data)
    starts = [first_night_under(c, data.timezone) for c in changes]
    # Which epoch each record belongs to: the latest change at or before it.
    epoch_of: dict[int, int] = {}
    index = -1
    change_ids = {id(c) for c in changes}
    for record in data.timeline.records:
        if id(record) in change_ids:
            index += 1
        epoch_of[id(record)] = max(index, 0)
    members: list[list[NightRecord]] = [[] for _ in changes]
    for item in attributed:
        if item.settings is not None:
            members[epoch_of[id(item.settings)]].append(item.night)
    epochs: list[Epoch] = []
    for i, change in enumerate(changes):
        start = starts[i]
        end = starts[i + 1] - timedelta(days=1) if i + 1 < len(changes) else max(last, start)
        if end < start:  # two changes before one night began: the first never applied
            end = start
        nights = members[i]
        washout_end = start + timedelta(days=thresholds.association_washout_nights)
        washout = [n for n in nights if n.date < washout_end]
        trial = planned_trial_at(data.trials, start)
        counted_from = max(start, diary_start) if diary_start else None
        elapsed = (end - counted_from).days + 1 if counted_from and end >= counted_from else 0
        episodes = [e for n in nights for e in n.episodes]
        benefits = [n.therapy_benefit for n in nights if n.therapy_benefit is not None]
        previous = changes[i - 1] if i else None
        epochs.append(
            Epoch(
                index=i,
                start=start,
                end=end,
                settings=change,
                nights_elapsed=max(elapsed, len(nights)),
                nights_logged=len(nights),
                cramp_nights=sum(1 for n in nights if n.cramps),
                cramps=len(episodes),
                burden=burden_of(nights),
                mean_severity=mean(e.severity for e in episodes) if episodes else None,
                mean_benefit=mean(benefits) if benefits else None,
                benefit_nights=len(benefits),
                made_because_of_cramps=made_because_of_cramps(
                    previous, change, start, attributed, thresholds, trial
                ),
                washout_nights=thresholds.association_washout_nights,
                washout_nights_logged=len(washout),
                washout_cramp_nights=sum(1 for n in washout if n.cramps),
                washout_cramps=sum(n.cramps for n in washout),
                planned_trial=trial,
            )
        )
    return epochs


def compare_change(
    previous: Settings,
    change: Settings,
    first_night: date,
    attributed: list[AttributedNight],
    *,
    window_start: date | None = None,
    window_end: date | None = None,
    thresholds: Thresholds,
    trial: PlannedTrial | None = None,
) -> Comparison:
    """Logged nights before the change (from window_start) against those from its first night
    (until window_end, the night before the next change)."""
    before = [
        a.night for a in attributed
        if a.night.date < first_night and (window_start is None or a.night.date >= window_start)
    ][-thresholds.comparison_nights:]
    after = [
        a.night for a in attributed
        if a.night.date >= first_night and (window_end is None or a.night.date <= window_end)
    ][:thresholds.comparison_nights]
    before_cramp = sum(1 for n in before if n.cramps)
    after_cramp = sum(1 for n in after if n.cramps)
    if len(before) < thresholds.min_nights_before:
        verdict = "too_few_before"
    elif len(after) < thresholds.min_nights_after:
        verdict = "too_early"
    elif before_cramp == 0:
        verdict = "no_cramps_before"
    elif after_cramp / len(after) <= thresholds.improved_ratio * before_cramp / len(before):
        verdict = "improved"
    else:
        verdict = "not_improved"
    return Comparison(
        change=change,
        previous=previous,
        first_night=first_night,
        kinds=change_kinds(previous, change),
        before_burden=burden_of(before),
        after_burden=burden_of(after),
        before_nights=len(before),
        before_cramp_nights=before_cramp,
        after_nights=len(after),
        after_cramp_nights=after_cramp,
        verdict=verdict,
        made_because_of_cramps=made_because_of_cramps(
            previous, change, first_night, attributed, thresholds, trial
        ),
    )


def build_comparisons(
    data: PatientData, attributed: list[AttributedNight], thresholds: Thresholds
) -> list[Comparison]:
    changes = data.timeline.changes()
    starts = [first_night_under(c, data.timezone) for c in changes]
    out = []
    for i in range(1, len(changes)):
        # Each side stays within its own settings: the nights since the previous change, and
        # those until the next one.
        window_start = starts[i - 1]
        window_end = starts[i + 1] - timedelta(days=1) if i + 1 < len(changes) else None
        out.append(
            compare_change(
                changes[i - 1], changes[i], starts[i], attributed,
                window_start=window_start, window_end=window_end, thresholds=thresholds,
                trial=planned_trial_at(data.trials, starts[i]),
            )
        )
    return out


def analyse(data: PatientData, thresholds: Thresholds | None = None) -> Analysis:
    """`thresholds`: the clinic's (Thresholds.from_settings()); the defaults when None."""
    t = thresholds or Thresholds()
    attributed = attribute_nights(data)
    last = last_complete_night(data)
    first = diary_start(data.joined, data.nights[0].date if data.nights else None)
    adherence = (
        adherence_between(data.nights, first, last) if first else Adherence(0, 0, None, None)
    )
    window = last - timedelta(days=13)
    adherence_14 = adherence_between(data.nights, max(window, first or window), last)
    epochs = build_epochs(data, attributed, t)
    return Analysis(
        today=data.today,
        nights=attributed,
        epochs=epochs,
        correlations={p: associate(p, epochs) for p in PARAMETERS},
        burden_correlations={
            p: associate(p, epochs, measure=CRAMPS_PER_NIGHT) for p in PARAMETERS
        },
        comparisons=build_comparisons(data, attributed, t),
        adherence=adherence,
        adherence_14=adherence_14,
        changes=data.timeline.changes(),
        medications=data.medications,
        timezone=data.timezone,
        outcome=outcome_of(data, epochs, t),
    )


def outcome_of(
    data: PatientData, epochs: Sequence[Epoch], thresholds: Thresholds | None = None
) -> OutcomeSummary | None:
    """The outcome per settings period, when the patient has a kind of outcome to log. The
    periods are the epochs'; the current one runs to today, whose day may be logged before
    its night is over."""
    if data.outcome_kind is None:
        return None
    periods = [(e.start, e.end) for e in epochs]
    if periods:
        periods[-1] = (periods[-1][0], max(periods[-1][1], data.today))
    return summarise_outcomes(
        data.outcome_kind, data.outcomes, periods, implanted_on=data.implanted_on,
        t=thresholds or Thresholds(),
    )
