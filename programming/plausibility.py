"""Is a typed amplitude plausible, and may a record change the amplitude unit? Plain functions
over plain values, used by the patient's remote form and the clinician's programming form.

A typo (25 for 2.5) saved as a setting moves every night after it into a new settings epoch
and misleads the analysis; asking once before saving costs a tap. The thresholds are named
settings (config/settings.py, docs/plausibility.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from programming.models import THERAPY_CHOICES

THERAPY_LABELS = dict(THERAPY_CHOICES)

# Reasons after which a device's amplitude may be recorded in another unit: a lead revision
# can come with a new programme; anything else is one device, one unit.
UNIT_CHANGE_REASONS = frozenset({"lead_revision"})


def usual_max(therapy: str, unit: str) -> Decimal | None:
    table = settings.AMPLITUDE_USUAL_MAX_MA if unit == "mA" else settings.AMPLITUDE_USUAL_MAX_V
    top = table.get(therapy, table.get("other"))
    return Decimal(str(top)) if top is not None else None


def show(amount: Decimal, unit: str) -> str:
    """1.50 -> '1.5 mA', 25.00 -> '25 mA'."""
    return f"{format(amount.normalize(), 'f')} {unit}"


@dataclass(frozen=True)
class AmplitudeConcern:
    """Why an amplitude needs a second look, in words for the person who typed it."""

    message: str


def amplitude_concerns(
    *,
    therapy: str,
    unit: str,
    new: Decimal,
    current: Decimal | None,
    current_unit: str | None = None,
    current_words: str = "the amplitude in effect now",
) -> list[AmplitudeConcern]:
    """What is unusual about `new`: above the therapy's usual top, a jump from `current`
    (the value it is compared with, same unit; `current_words` says what that value is) of
    more than AMPLITUDE_JUMP_FACTOR times or more than AMPLITUDE_JUMP_MAX, or a cut to less
    than 1/AMPLITUDE_DROP_FACTOR of it. An ordinary reduction is never questioned (it is the
    ladder's first step, 000 "management ladder"); a cut by ten is a slipped decimal point
    (0.15 typed for 1.5) far more often than a change a patient or clinician meant."""
    concerns: list[AmplitudeConcern] = []
    top = usual_max(therapy, unit)
    if top is not None and new > top:
        name = THERAPY_LABELS.get(therapy, "this therapy").lower()
        concerns.append(AmplitudeConcern(
            f"{show(new, unit)} is above the usual range for {name} (up to {show(top, unit)})."
        ))
    if current is None or (current_unit or unit) != unit:
        return concerns
    if new > current:
        factor = Decimal(str(settings.AMPLITUDE_JUMP_FACTOR))
        step = Decimal(str(settings.AMPLITUDE_JUMP_MAX.get(unit, 0)))
        doubled = current > 0 and new > current * factor
        if doubled or new - current > step:
            concerns.append(AmplitudeConcern(
                f"{show(new, unit)} is a big jump from {show(current, unit)}, {current_words}."
            ))
    elif new < current and new * Decimal(str(settings.AMPLITUDE_DROP_FACTOR)) < current:
        concerns.append(AmplitudeConcern(
            f"{show(new, unit)} is much lower than {show(current, unit)}, {current_words}: "
            f"less than {drop_fraction_words()} of it. If you meant to turn the stimulation "
            "off, choose Off instead."
        ))
    return concerns


def drop_fraction_words() -> str:
    """1/AMPLITUDE_DROP_FACTOR in words: 'a quarter' for 4, 'a fifth' for 5, else '1/n'."""
    factor = Decimal(str(settings.AMPLITUDE_DROP_FACTOR)).normalize()
    names = {2: "half", 3: "a third", 4: "a quarter", 5: "a fifth", 10: "a tenth"}
    return names.get(factor, f"1/{format(factor, 'f')}")


def confirmation_token(amplitude: Decimal, unit: str) -> str:
    """What the 'yes, this is right' box carries: a confirmation is for one value only, so
    changing the number after ticking the box asks again."""
    return show(amplitude, unit)


def unit_change_message(
    *, previous_unit: str | None, unit: str, reason: str, new_device: bool = False
) -> str | None:
    """A device's settings history keeps one amplitude unit, so a series is never read as mA
    and V at once; a lead revision or a new device may start another."""
    if previous_unit is None or unit == previous_unit or new_device:
        return None
    if reason in UNIT_CHANGE_REASONS:
        return None
    return (
        f"This device's settings are recorded in {previous_unit}. Enter the amplitude in "
        f"{previous_unit}, or record a lead revision if the new programme is in {unit}."
    )
