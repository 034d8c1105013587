"""The bounds on every date and time that enters the diary: one place for the rule, used by
the forms, the admin (through the models' clean()), the bundle import and the pages that read
a date from the query string. See docs/security.md, "Dates and times".

- Nothing earlier than settings.EARLIEST_DIARY_DATE (nights before the implant are allowed:
  a baseline diary is valuable).
- A settings record never before its device's implant date.
- Nothing in the future beyond a few minutes of clock skew (a moment) or a day (a date: the
  patient's today may be the server's tomorrow).

Readers of values stored before these bounds existed use `readable_moment` and
`readable_date`, so an old year-1 row can never overflow a date calculation.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diary import words

# A phone's clock may run a little ahead of the server's.
FUTURE_SLACK = timedelta(minutes=5)
# A date typed on the patient's wall clock may be the server's tomorrow.
FUTURE_DATE_SLACK = timedelta(days=1)
# The last date a stored value is read as (see readable_date): far from the end of Python's
# calendar, so adding a few days or moving to any time zone never overflows.
READABLE_LAST = date(9998, 12, 31)


def earliest_date() -> date:
    return settings.EARLIEST_DIARY_DATE


def latest_date() -> date:
    return timezone.now().date() + FUTURE_DATE_SLACK


def _long(day: date) -> str:
    return words.day(day, "j F Y")


# One whole sentence for each kind of value checked (`what`), so a translator sees each one.
# Translators: %(earliest)s is a date, for example "1 January 2000".
TOO_EARLY = {
    "date": _("That date is before %(earliest)s, the earliest the diary accepts."),
    "night": _("That night is before %(earliest)s, the earliest the diary accepts."),
    "day": _("That day is before %(earliest)s, the earliest the diary accepts."),
    "implant date": _("That implant date is before %(earliest)s, the earliest the diary accepts."),
    "time": _("That time is before %(earliest)s, the earliest the diary accepts."),
}
IN_FUTURE = {
    "date": _("That date is in the future."),
    "night": _("That night is in the future."),
    "day": _("That day is in the future."),
    "implant date": _("That implant date is in the future."),
    "time": _("That time is in the future. Enter when it happened."),
}


def _too_early(what: str, earliest: date) -> ValidationError:
    message = TOO_EARLY.get(what, TOO_EARLY["date"])
    return ValidationError(message % {"earliest": _long(earliest)}, code="too_early")


def check_date(day: date | None, *, not_before: date | None = None, what: str = "date") -> None:
    """A date the patient or clinician entered: not before the diary's earliest date (or
    `not_before`, when later), not in the future."""
    if day is None:
        return
    earliest = max(earliest_date(), not_before) if not_before else earliest_date()
    if day < earliest:
        raise _too_early(what, earliest)
    if day > latest_date():
        raise ValidationError(IN_FUTURE.get(what, IN_FUTURE["date"]), code="future")


def check_moment(
    moment: datetime | None, *, not_before: date | None = None, what: str = "time"
) -> None:
    """A moment: the same bounds, read on its own wall clock, with a few minutes of slack for
    a fast clock."""
    if moment is None:
        return
    earliest = max(earliest_date(), not_before) if not_before else earliest_date()
    if moment.date() < earliest:
        raise _too_early(what, earliest)
    if moment > timezone.now() + FUTURE_SLACK:
        raise ValidationError(IN_FUTURE.get(what, IN_FUTURE["time"]), code="future")


def local_date(moment: datetime, zone: tzinfo | None) -> date:
    """The moment's date on the zone's wall clock (its own when no zone is given); a stored
    moment so far out that the zone cannot show it is read at the end of the calendar."""
    if zone is None:
        return moment.date()
    try:
        return moment.astimezone(zone).date()
    except OverflowError:
        return date.min if moment.year < 2 else date.max


def check_settings_moment(
    moment: datetime | None, *, implanted_on: date | None, zone: tzinfo | None = None
) -> None:
    """A settings record's effective time: not before its device's implant date (on the
    patient's wall clock), not in the future. The implant date itself is bounded by the
    diary's earliest date, so this bound is never the looser one."""
    if moment is None:
        return
    if implanted_on is None:
        check_moment(moment)
        return
    if local_date(moment, zone) < implanted_on:
        raise ValidationError(
            # Translators: %(implanted_on)s is a date, for example "3 March 2025".
            _(
                "That is before the device was implanted (%(implanted_on)s). A settings "
                "record starts on or after the implant date."
            ) % {"implanted_on": _long(implanted_on)},
            code="before_implant",
        )
    if moment > timezone.now() + FUTURE_SLACK:
        raise ValidationError(
            _("That time is in the future. Record a change once it has been made."),
            code="future",
        )


def parse_query_date(value: str | None) -> date | None:
    """A date from a query string, or None when absent, malformed or outside the bounds."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value.strip()[:10])
        check_date(day)
    except (ValueError, ValidationError):
        return None
    return day


def readable_date(day: date) -> date:
    """A stored date as the analysis reads it: one from before the diary's earliest date (old
    data, from before the bounds) is read as two days before it, one from the far future as
    READABLE_LAST. Order is kept, and so is every answer about nights within the bounds."""
    return min(max(day, earliest_date() - timedelta(days=2)), READABLE_LAST)


def readable_moment(moment: datetime) -> datetime:
    """A stored moment, bounded as readable_date bounds a date."""
    low = datetime.combine(earliest_date() - timedelta(days=2), time(), tzinfo=UTC)
    high = datetime.combine(READABLE_LAST, time(), tzinfo=UTC)
    return min(max(moment, low), high)


def local_moment(moment: datetime, zone: tzinfo) -> datetime:
    """A stored moment in a zone; one too close to the ends of the calendar for the zone to
    show (only old data, from before the bounds) stays in UTC."""
    try:
        return moment.astimezone(zone)
    except OverflowError:
        return moment.astimezone(UTC)
