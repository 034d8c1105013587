"""Sends what is due: evening reminders, missed-night nudges and clinician digests.

Each message is claimed first by inserting its unique Delivery row (user, kind, key) in its
own transaction; a second worker running the same schedule gets an IntegrityError and skips it
("another worker got there first"). The claim is committed before the send, so a message is
sent at most once: a send that fails is recorded as failed, never retried into a duplicate.
The Delivery row is the audit of the send: who, which kind, when, by which channel; the
message's words are never stored or logged.
"""

from __future__ import annotations

import json
import logging
import zoneinfo
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pywebpush import WebPushException, webpush

from accounts.language import in_language_of
from diary.access import visible_patients
from diary.models import Night, Patient, last_completed_night
from insights.models import Flag
from insights.summary import ensure_fresh
from notify.models import Delivery, Preference, PushSubscription
from notify.schedule import PatientDiaryState, due_window, new_or_changed_flags, patient_message_due

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notify.unsubscribe"


@dataclass
class DispatchReport:
    sent: list[str] = field(default_factory=list)  # "kind:username", for the command's output
    failed: int = 0
    skipped_claimed: int = 0


def unsubscribe_token(user: AbstractBaseUser, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def preference_of(user: AbstractBaseUser) -> Preference:
    try:
        return user.notify_preference
    except Preference.DoesNotExist:
        return Preference(user=user)


def claim(user: AbstractBaseUser, kind: str, key: str, channel: str) -> Delivery | None:
    try:
        with transaction.atomic():
            return Delivery.objects.create(user=user, kind=kind, key=key, channel=channel)
    except IntegrityError:
        return None  # another worker (or an earlier run) got there first


def finish(delivery: Delivery, ok: bool) -> None:
    delivery.status = Delivery.Status.SENT if ok else Delivery.Status.FAILED
    delivery.sent_at = timezone.now() if ok else None
    delivery.save(update_fields=["status", "sent_at"])


def send_email(user: AbstractBaseUser, kind: str, context: dict[str, object]) -> bool:
    off_url = absolute(reverse("notify:off", args=[unsubscribe_token(user, kind)]))
    context = {**context, "user": user, "off_url": off_url}
    subject = render_to_string(f"notify/email/{kind}_subject.txt", context).strip()
    body = render_to_string(f"notify/email/{kind}.txt", context)
    message = EmailMultiAlternatives(
        subject,
        body,
        to=[user.email],
        headers={
            # RFC 8058: mail clients offer a real one-click "unsubscribe" with these two.
            "List-Unsubscribe": f"<{off_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    try:
        message.send()
    except Exception:  # noqa: BLE001 - an SMTP failure must not stop the other messages
        logger.exception("sending a %s email to user %s failed", kind, user.pk)
        return False
    return True


def push_is_set_up() -> bool:
    """Whether this server can send Web Push at all: the page needs the public key, the
    sender the private key and the subject. The one rule the settings page and the sender read."""
    return bool(
        settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY and settings.VAPID_SUBJECT
    )


def send_push(user: AbstractBaseUser, kind: str, context: dict[str, object]) -> bool:
    if not push_is_set_up():
        return False
    payload = json.dumps(
        {
            "title": "StimDiary",
            "body": render_to_string(f"notify/push/{kind}.txt", context).strip(),
            "url": context["open_url"],
        }
    )
    delivered = False
    for subscription in PushSubscription.objects.filter(user=user):
        try:
            webpush(
                subscription_info=subscription.as_subscription_info(),
                data=payload,
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=60 * 60 * 6,
                timeout=10,
            )
            delivered = True
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):
                subscription.delete()  # the browser dropped it: stop trying
            else:
                logger.warning("a push to user %s failed with status %s", user.pk, status)
    return delivered


def deliver(user: AbstractBaseUser, kind: str, key: str, channel: str, context: dict) -> bool:
    delivery = claim(user, kind, key, channel)
    if delivery is None:
        return False
    send = send_push if channel == "push" else send_email
    with in_language_of(user):  # each message in its recipient's language
        ok = send(user, kind, context)
    finish(delivery, ok)
    return ok


def patient_channel(user: AbstractBaseUser, preference: Preference) -> str | None:
    """The channel the patient chose if it can reach them, else email if there is one."""
    if (
        preference.channel == "push"
        and push_is_set_up()
        and PushSubscription.objects.filter(user=user).exists()
    ):
        return "push"
    return "email" if user.email else None


def patient_states(
    patients: list[Patient], now: datetime
) -> dict[int, tuple[PatientDiaryState, date]]:
    ids = [p.pk for p in patients]
    alive = Night.objects.alive().filter(patient_id__in=ids)
    recent_from = now.date() - timedelta(days=4)
    logged: dict[int, set[date]] = {}
    for patient_id, night_date in alive.filter(date__gte=recent_from).values_list(
        "patient_id", "date"
    ):
        logged.setdefault(patient_id, set()).add(night_date)
    bounds = {
        row["patient_id"]: (row["first"], row["last"])
        for row in alive.values("patient_id").annotate(first=Min("date"), last=Max("date"))
    }
    states = {}
    for patient in patients:
        preference = preference_of(patient.user)
        zone = patient.tz
        first, last = bounds.get(patient.pk, (None, None))
        joined = patient.created_at.astimezone(zone).date()
        if first is not None:
            joined = min(joined, first)  # a diary brought from another clinic starts earlier
        due = due_window(now, zone, preference.evening_time)
        last_night = last_completed_night(zone, at=due or now)
        states[patient.pk] = (
            PatientDiaryState(
                zone=zone,
                at=preference.evening_time,
                joined_on=joined,
                logged=frozenset(logged.get(patient.pk, set())),
                last_logged=last,
                evening_enabled=preference.evening_enabled,
                nudge_enabled=preference.nudge_enabled,
            ),
            last_night,
        )
    return states


def send_patient_messages(now: datetime, report: DispatchReport, ignore_time: bool = False) -> None:
    patients = list(
        Patient.objects.select_related("user", "user__notify_preference").filter(
            user__is_active=True
        )
    )
    for patient, (state, last_night) in zip(
        patients, patient_states(patients, now).values(), strict=True
    ):
        if ignore_time:
            # For trying it out (send_reminders --ignore-time): as if the chosen time were now.
            state = replace(state, at=now.astimezone(state.zone).time())
            last_night = last_completed_night(state.zone, at=now)
        due = patient_message_due(now, state, last_night)
        if due is None:
            continue
        user = patient.user
        channel = patient_channel(user, preference_of(user))
        if channel is None:
            continue
        context = {"open_url": absolute(reverse("diary:home") + "#last-night")}
        if deliver(user, due.kind, due.key, channel, context):
            report.sent.append(f"{due.kind}:{user.get_username()}")
        elif Delivery.objects.filter(user=user, kind=due.kind, key=due.key).exists():
            report.skipped_claimed += 1


def active_flag_fingerprints(clinician: AbstractBaseUser) -> dict[int, dict[str, str]]:
    """patient id -> {flag id: fingerprint} of each active flag, read after the ladder state
    of every patient in care is brought up to date (the one freshness rule). The patients in
    care are those the clinician may see (diary.access): their care team, in their clinic."""
    patients = list(visible_patients(clinician))
    ensure_fresh(patients)
    current: dict[int, dict[str, str]] = {}
    for flag in Flag.objects.active().filter(patient__in=patients).only(
        "id", "patient_id", "fingerprint"
    ):
        current.setdefault(flag.patient_id, {})[str(flag.pk)] = flag.fingerprint
    return current


def send_digests(now: datetime, report: DispatchReport) -> None:
    clinic_zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    clinicians = (
        get_user_model()
        .objects.filter(clinician__isnull=False, is_active=True)
        .exclude(email="")
        .select_related("notify_preference")
    )
    for clinician in clinicians:
        preference = preference_of(clinician)
        if not preference.digest_enabled:
            continue
        due = due_window(now, clinic_zone, preference.digest_time)
        if due is None:
            continue
        key = due.date().isoformat()
        delivery = claim(clinician, "digest", key, "email")
        if delivery is None:
            continue
        last = (
            Delivery.objects.filter(user=clinician, kind="digest")
            .exclude(pk=delivery.pk)
            .exclude(status=Delivery.Status.FAILED)
            .order_by("-created_at", "-id")
            .first()
        )
        previous = last.covered if last else {}
        current = active_flag_fingerprints(clinician)
        flat_previous = {k: v for flags in previous.values() for k, v in flags.items()}
        changed_patients = [
            patient_id
            for patient_id, flags in current.items()
            if new_or_changed_flags(flags, flat_previous)
        ]
        delivery.covered = {str(k): v for k, v in current.items()}
        if not changed_patients:
            delivery.status = Delivery.Status.NOTHING_NEW
            delivery.save(update_fields=["covered", "status"])
            continue
        delivery.save(update_fields=["covered"])
        rows = []
        for patient in (
            Patient.objects.filter(pk__in=changed_patients)
            .select_related("user")
            .order_by("user__username")
        ):
            rows.append(
                {
                    "name": patient_label(patient),
                    "url": absolute(reverse("clinic:patient", args=[patient.pk])),
                }
            )
        ok = send_email(clinician, "digest", {"patients": rows, "open_url": absolute("/")})
        finish(delivery, ok)
        if ok:
            report.sent.append(f"digest:{clinician.get_username()}")
        else:
            report.failed += 1


def patient_label(patient: Patient) -> str:
    """The patient's name as the clinic set it (display name where there is one)."""
    return getattr(patient, "display_name", "") or patient.user.get_username()


def run(now: datetime | None = None, ignore_time: bool = False) -> DispatchReport:
    now = now or timezone.now()
    report = DispatchReport()
    send_patient_messages(now, report, ignore_time=ignore_time)
    send_digests(now, report)
    return report
