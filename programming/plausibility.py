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
) -> list[AmplitudeConcern]:
    """What is unusual about `new`: above the therapy's usual top, or a jump from `current`
    (the value in effect, same unit) of more than AMPLITUDE_JUMP_FACTOR times or more than
    AMPLITUDE_JUMP_MAX. Lowering the amplitude is never questioned (it is the ladder's
    first step, 000 "management ladder")."""
    concerns: list[AmplitudeConcern] = []
    top = usual_max(therapy, unit)
    if top is not None and new > top:
        name = THERAPY_LABELS.get(therapy, "this therapy").lower()
        concerns.append(AmplitudeConcern(
            f"{show(new, unit)} is above the usual range for {name} (up to {show(top, unit)})."
        ))
    if current is not None and (current_unit or unit) == unit and new > current:
        factor = Decimal(str(settings.AMPLITUDE_JUMP_FACTOR))
        step = Decimal(str(settings.AMPLITUDE_JUMP_MAX.get(unit, 0)))
        doubled = current > 0 and new > current * factor
        if doubled or new - current > step:
            concerns.append(AmplitudeConcern(
                f"{show(new, unit)} is a big jump from {show(current, unit)}, the amplitude "
                "in effect now."
            ))
    return concerns


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
