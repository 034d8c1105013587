"""Is a typed amplitude plausible, and may a record change the amplitude unit? Plain functions
over plain values, used by the patient's remote form and the clinician's programming form.

A typo (25 for 2.5) saved as a setting moves every night after it into a new settings epoch
and misleads the analysis; asking once before saving costs a tap. The thresholds are named
settings (config/settings.py, docs/plausibility.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# The therapies' names inside a sentence ("... above the usual range for sacral nerve
# stimulation"): lower case in English, each language's own case in its catalogue.
THERAPY_IN_SENTENCE = {
    "sacral": pgettext_lazy("therapy name inside a sentence", "sacral nerve stimulation"),
    "spinal_cord": pgettext_lazy("therapy name inside a sentence", "spinal cord stimulation"),
    "drg": pgettext_lazy("therapy name inside a sentence", "dorsal root ganglion stimulation"),
    "peripheral": pgettext_lazy("therapy name inside a sentence", "peripheral nerve stimulation"),
    "other": pgettext_lazy("therapy name inside a sentence", "other"),
}

# Reasons after which a device's amplitude may be recorded in another unit: a lead revision
# can come with a new programme; anything else is one device, one unit.
UNIT_CHANGE_REASONS = frozenset({"lead_revision"})


def usual_max(therapy: str, unit: str) -> Decimal | None:
    table = settings.AMPLITUDE_USUAL_MAX_MA if unit == "mA" else settings.AMPLITUDE_USUAL_MAX_V
    top = table.get(therapy, table.get("other"))
    return Decimal(str(top)) if top is not None else None


def show(amount: Decimal, unit: str) -> str:
    """1.50 -> '1.5 mA', 25.00 -> '25 mA'. The same in every language: it is also the value
    the 'yes, this is right' box carries (confirmation_token)."""
    return f"{format(amount.normalize(), 'f')} {unit}"


def shown(amount: Decimal, unit: str) -> str:
    """show() in the reader's number format, for sentences: '1.5 mA' in English."""
    return f"{number_format(Decimal(format(amount.normalize(), 'f')))} {unit}"


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
    before_record: bool = False,
) -> list[AmplitudeConcern]:
    """What is unusual about `new`: above the therapy's usual top, a jump from `current`
    (the value it is compared with, same unit: the amplitude in effect now, or with
    `before_record` the one before the record being corrected) of more than
    AMPLITUDE_JUMP_FACTOR times or more than AMPLITUDE_JUMP_MAX, or a cut to less
    than 1/AMPLITUDE_DROP_FACTOR of it. An ordinary reduction is never questioned (it is the
    ladder's first step, 000 "management ladder"); a cut by ten is a slipped decimal point
    (0.15 typed for 1.5) far more often than a change a patient or clinician meant."""
    concerns: list[AmplitudeConcern] = []
    top = usual_max(therapy, unit)
    if top is not None and new > top:
        name = THERAPY_IN_SENTENCE.get(
            therapy, pgettext_lazy("therapy name inside a sentence", "this therapy")
        )
        concerns.append(AmplitudeConcern(
            # Translators: e.g. "25 mA is above the usual range for sacral nerve stimulation
            # (up to 5 mA)."
            _("%(new)s is above the usual range for %(therapy)s (up to %(top)s).")
            % {"new": shown(new, unit), "therapy": name, "top": shown(top, unit)}
        ))
    if current is None or (current_unit or unit) != unit:
        return concerns
    values = {"new": shown(new, unit), "current": shown(current, unit)}
    if new > current:
        factor = Decimal(str(settings.AMPLITUDE_JUMP_FACTOR))
        step = Decimal(str(settings.AMPLITUDE_JUMP_MAX.get(unit, 0)))
        doubled = current > 0 and new > current * factor
        if doubled or new - current > step:
            if before_record:
                message = _(
                    "%(new)s is a big jump from %(current)s, the amplitude before this record."
                ) % values
            else:
                message = _(
                    "%(new)s is a big jump from %(current)s, the amplitude in effect now."
                ) % values
            concerns.append(AmplitudeConcern(message))
    elif new < current and new * Decimal(str(settings.AMPLITUDE_DROP_FACTOR)) < current:
        values["fraction"] = drop_fraction_words()
        if before_record:
            # Translators: %(fraction)s is a fraction in words, e.g. "a quarter" or "1/6".
            message = _(
                "%(new)s is much lower than %(current)s, the amplitude before this record: "
                "less than %(fraction)s of it. If you meant to turn the stimulation off, "
                "choose Off instead."
            ) % values
        else:
            # Translators: %(fraction)s is a fraction in words, e.g. "a quarter" or "1/6".
            message = _(
                "%(new)s is much lower than %(current)s, the amplitude in effect now: "
                "less than %(fraction)s of it. If you meant to turn the stimulation off, "
                "choose Off instead."
            ) % values
        concerns.append(AmplitudeConcern(message))
    return concerns


# Translators: fractions in "less than a quarter of it" (an amplitude cut by a slipped
# decimal point).
FRACTION_WORDS = {
    2: pgettext_lazy("fraction of an amplitude", "half"),
    3: pgettext_lazy("fraction of an amplitude", "a third"),
    4: pgettext_lazy("fraction of an amplitude", "a quarter"),
    5: pgettext_lazy("fraction of an amplitude", "a fifth"),
    10: pgettext_lazy("fraction of an amplitude", "a tenth"),
}


def drop_fraction_words() -> str:
    """1/AMPLITUDE_DROP_FACTOR in words: 'a quarter' for 4, 'a fifth' for 5, else '1/n'."""
    factor = Decimal(str(settings.AMPLITUDE_DROP_FACTOR)).normalize()
    return str(FRACTION_WORDS.get(factor, f"1/{format(factor, 'f')}"))


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
    return _(
        "This device's settings are recorded in %(previous_unit)s. Enter the amplitude in "
        "%(previous_unit)s, or record a lead revision if the new programme is in %(unit)s."
    ) % {"previous_unit": previous_unit, "unit": unit}
