"""The other signals the diary collects each night, read as plain data (no database here):
the factors a patient records (lumbar support in bed, the day's activity, fluids, alcohol),
the new movements felt with the stimulation, and the therapy benefit around a settings change.

The ladder (insights.ladder) turns some of them into reasons, and the clinician's page shows
the factor table from the same functions, so the two never disagree. Each rule and threshold
is written down in docs/management-ladder.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import mean

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from diary.words import number, percent
from insights.analysis import NightRecord


@dataclass(frozen=True)
class Factor:
    code: str
    label: str  # what the row is about, for the table
    present: str  # the nights with the factor, in words
    absent: str  # the nights without it
    reads: Callable[[NightRecord], bool | None]  # None: not answered that night
    role: str  # what the ladder does with it (docs/management-ladder.md)


def _level_is_low(name: str) -> Callable[[NightRecord], bool | None]:
    def reads(night: NightRecord) -> bool | None:
        value = night.confounders.get(name)
        if value in ("", None):
            return None
        return value == "low"

    return reads


def _yes_no(name: str) -> Callable[[NightRecord], bool | None]:
    def reads(night: NightRecord) -> bool | None:
        value = night.confounders.get(name)
        return value if isinstance(value, bool) else None

    return reads


# Every factor the nightly check-in asks about. Sleep quality is asked too, but cramps wake
# people, so poor sleep is read as a result of the cramps, never as a cause to compare.
# Translators: `present` and `absent` (e.g. "with lumbar support") end the sentence "Cramps on
# 3 of 12 logged nights with lumbar support (25%) and on ..." and head the factor table.
FACTORS: tuple[Factor, ...] = (
    Factor("lumbar_support", gettext_lazy("Lumbar support in bed"),
           gettext_lazy("with lumbar support"), gettext_lazy("without lumbar support"),
           _yes_no("lumbar_support"),
           gettext_lazy("rule-out reason (spinal stenosis) when the rate with it is half or "
                        "less")),
    Factor("low_activity", gettext_lazy("Less activity than usual"),
           gettext_lazy("after a less active day"),
           gettext_lazy("after a usual or more active day"),
           _level_is_low("activity"),
           gettext_lazy("rule-out reason (inactivity) when the rate with it is twice or more")),
    Factor("low_fluids", gettext_lazy("Fewer fluids than usual"),
           gettext_lazy("after drinking less than usual"),
           gettext_lazy("after usual or more fluids"), _level_is_low("fluids"),
           gettext_lazy("context only")),
    Factor("alcohol", gettext_lazy("Alcohol"), gettext_lazy("after alcohol"),
           gettext_lazy("without alcohol"), _yes_no("alcohol"), gettext_lazy("context only")),
)
FACTORS_BY_CODE = {f.code: f for f in FACTORS}


@dataclass(frozen=True)
class FactorComparison:
    """The cramp-night rate on the logged nights with a factor against those without it.
    Nights where the question was not answered are on neither side."""

    factor: Factor
    with_nights: int
    with_cramp_nights: int
    without_nights: int
    without_cramp_nights: int
    min_nights: int

    @property
    def code(self) -> str:
        return self.factor.code

    @property
    def enough(self) -> bool:
        return self.with_nights >= self.min_nights and self.without_nights >= self.min_nights

    @property
    def with_rate(self) -> float | None:
        return self.with_cramp_nights / self.with_nights if self.with_nights else None

    @property
    def without_rate(self) -> float | None:
        return self.without_cramp_nights / self.without_nights if self.without_nights else None

    def sentence(self) -> str:
        f = self.factor
        return ngettext(
            # Translators: %(present)s and %(absent)s are e.g. "with lumbar support" and
            # "without lumbar support"; %(rate)s and %(rate_without)s percentages.
            "Cramps on %(cramp)s of %(n)s logged night %(present)s (%(rate)s) and on "
            "%(cramp_without)s of %(n_without)s %(absent)s (%(rate_without)s).",
            "Cramps on %(cramp)s of %(n)s logged nights %(present)s (%(rate)s) and on "
            "%(cramp_without)s of %(n_without)s %(absent)s (%(rate_without)s).",
            self.with_nights,
        ) % {
            "cramp": self.with_cramp_nights, "n": self.with_nights, "present": f.present,
            "rate": _percent(self.with_rate), "cramp_without": self.without_cramp_nights,
            "n_without": self.without_nights, "absent": f.absent,
            "rate_without": _percent(self.without_rate),
        }

    def with_text(self) -> str:
        """The nights with the factor, for the table: '3 of 12 nights (25%)'."""
        return _nights_text(self.with_cramp_nights, self.with_nights, self.with_rate)

    def without_text(self) -> str:
        return _nights_text(self.without_cramp_nights, self.without_nights, self.without_rate)

    def not_enough(self) -> str:
        return _(
            # Translators: "Not enough nights: 2 with lumbar support and 9 without lumbar
            # support; 5 needed on each side."
            "Not enough nights: %(n)s %(present)s and %(n_without)s %(absent)s; %(min)s needed "
            "on each side."
        ) % {
            "n": self.with_nights, "present": self.factor.present,
            "n_without": self.without_nights, "absent": self.factor.absent,
            "min": self.min_nights,
        }


def _nights_text(cramp: int, nights: int, rate: float | None) -> str:
    """'3 of 12 nights (25%)'."""
    return ngettext(
        "%(cramp)s of %(n)s night (%(rate)s)", "%(cramp)s of %(n)s nights (%(rate)s)", nights,
    ) % {"cramp": cramp, "n": nights, "rate": _percent(rate)}


def _percent(rate: float | None) -> str:
    return _("no nights") if rate is None else percent(rate)


def compare_factor(
    factor: Factor, nights: Sequence[NightRecord], min_nights: int
) -> FactorComparison:
    with_, without = [], []
    for night in nights:
        answer = factor.reads(night)
        if answer is True:
            with_.append(night)
        elif answer is False:
            without.append(night)
    return FactorComparison(
        factor=factor,
        with_nights=len(with_),
        with_cramp_nights=sum(1 for n in with_ if n.cramps),
        without_nights=len(without),
        without_cramp_nights=sum(1 for n in without if n.cramps),
        min_nights=min_nights,
    )


def compare_factors(
    nights: Sequence[NightRecord], min_nights: int
) -> dict[str, FactorComparison]:
    return {f.code: compare_factor(f, nights, min_nights) for f in FACTORS}


def lumbar_support_helps(c: FactorComparison, ratio: float) -> bool:
    """Cramp nights with lumbar support at most `ratio` times as frequent as without it
    (there must be cramps without it to halve)."""
    return (
        c.enough
        and c.without_rate is not None
        and c.without_rate > 0
        and c.with_rate is not None
        and c.with_rate <= ratio * c.without_rate + 1e-9
    )


def low_activity_worsens(c: FactorComparison, ratio: float) -> bool:
    """Cramp nights after a less active day at least `ratio` times as frequent as after a
    usual or more active day."""
    return (
        c.enough
        and c.with_rate is not None
        and c.with_rate > 0
        and c.without_rate is not None
        and c.with_rate >= ratio * c.without_rate - 1e-9
    )


# Movements felt with the stimulation that, in a sacral device, mean the current reaches S2
# (../shared/seeds/README.md: an S2 response is felt in the calf or hip, an S3 response as
# great-toe flexion, which is the intended one).
S2_MOVEMENTS = {"calf": gettext_lazy("calf"), "thigh_or_hip": gettext_lazy("thigh/hip")}


def new_movement_nights(nights: Sequence[NightRecord]) -> list[tuple[date, tuple[str, ...]]]:
    """The nights with a new calf or thigh/hip movement reported with a cramp, and which."""
    out = []
    for night in nights:
        kinds = tuple(sorted({
            e.new_movement for e in night.episodes if e.new_movement in S2_MOVEMENTS
        }))
        if kinds:
            out.append((night.date, kinds))
    return out


def describe_new_movements(found: list[tuple[date, tuple[str, ...]]], window: int) -> str:
    kinds = sorted({k for _d, ks in found for k in ks})
    values = {"n": len(found), "window": window}
    if len(kinds) == 1:
        # Translators: %(movement)s is "calf" or "thigh/hip": a new movement felt with the
        # stimulation.
        return ngettext(
            "%(n)s of the last %(window)s logged night had a new %(movement)s movement.",
            "%(n)s of the last %(window)s logged nights had a new %(movement)s movement.",
            window,
        ) % {**values, "movement": S2_MOVEMENTS[kinds[0]]}
    counts = ", ".join(
        # Translators: how many nights had each movement: "calf on 3".
        _("%(movement)s on %(n)s") % {
            "movement": S2_MOVEMENTS[k], "n": sum(1 for _d, ks in found if k in ks),
        }
        for k in kinds
    )
    return ngettext(
        "%(n)s of the last %(window)s logged night had a new calf or thigh/hip movement "
        "(%(counts)s).",
        "%(n)s of the last %(window)s logged nights had a new calf or thigh/hip movement "
        "(%(counts)s).",
        window,
    ) % {**values, "counts": counts}


@dataclass(frozen=True)
class BenefitChange:
    """Mean therapy benefit (0-10) over the scored nights before a change and since it."""

    first_night: date
    before_nights: int
    before_mean: float | None
    after_nights: int
    after_mean: float | None

    @property
    def drop(self) -> float | None:
        if self.before_mean is None or self.after_mean is None:
            return None
        return self.before_mean - self.after_mean

    def is_loss(self, *, min_after: int, points: float, share: float) -> bool:
        """Lower by at least `points` or by at least `share` of the benefit before, with
        at least `min_after` scored nights since the change and as many before it."""
        drop = self.drop
        if self.before_mean is None or drop is None:
            return False
        if self.after_nights < min_after or self.before_nights < min_after:
            return False
        # A mean of whole scores is not always exact in floating point: allow for it.
        return drop >= points - 1e-9 or drop >= share * self.before_mean - 1e-9

    def sentence(self) -> str:
        drop = self.drop or 0.0
        values = {
            "before": number(self.before_mean, ".1f"), "before_n": self.before_nights,
            "after": number(self.after_mean, ".1f"), "after_n": self.after_nights,
            "drop": number(drop, ".1f"),
        }
        if self.before_mean:
            return _(
                # Translators: the therapy benefit is the patient's 0-10 score of the day.
                "Therapy benefit averaged %(before)s of 10 over the %(before_n)s scored nights "
                "before the reduction and %(after)s over the latest %(after_n)s since: "
                "%(drop)s points lower (%(share)s)."
            ) % {**values, "share": percent(drop / self.before_mean)}
        return _(
            "Therapy benefit averaged %(before)s of 10 over the %(before_n)s scored nights "
            "before the reduction and %(after)s over the latest %(after_n)s since: %(drop)s "
            "points lower."
        ) % values


def benefit_change(
    nights: Sequence[NightRecord], first_night: date, *, nights_each_side: int
) -> BenefitChange:
    """The last `nights_each_side` scored nights before `first_night` against the latest
    `nights_each_side` from it on: the therapy as it is now, so recovery shows."""
    scored = [n for n in nights if n.therapy_benefit is not None]
    before = [n.therapy_benefit for n in scored if n.date < first_night][-nights_each_side:]
    after = [n.therapy_benefit for n in scored if n.date >= first_night][-nights_each_side:]
    return BenefitChange(
        first_night=first_night,
        before_nights=len(before),
        before_mean=mean(before) if before else None,
        after_nights=len(after),
        after_mean=mean(after) if after else None,
    )


def holds_since(
    factor: Factor,
    nights: Sequence[NightRecord],
    min_nights: int,
    test: Callable[[FactorComparison], bool],
) -> date | None:
    """The first night of the unbroken run, up to the latest night, over which `test` held
    for the nights read so far; None when it does not hold now. One pass over the nights."""
    with_n = with_c = without_n = without_c = 0
    since: date | None = None
    for night in nights:
        answer = factor.reads(night)
        if answer is True:
            with_n += 1
            with_c += bool(night.cramps)
        elif answer is False:
            without_n += 1
            without_c += bool(night.cramps)
        holds = test(FactorComparison(factor, with_n, with_c, without_n, without_c, min_nights))
        if not holds:
            since = None
        elif since is None:
            since = night.date
    return since
