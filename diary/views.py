from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from diary import services, words
from diary.access import get_scoped_or_404, home_url_for, patient_required
from diary.forms import (
    PGIC_INTERVAL_DAYS,
    DailyOutcomeForm,
    EpisodeForm,
    LogCrampForm,
    MedicationForm,
    MedicationStopForm,
    NightForm,
    PastNightForm,
    RemoteChangeForm,
    SleepDisturbanceForm,
    local_input,
    night_words,
)
from diary.models import (
    OUTCOME_FIELDS,
    OUTCOME_KIND_LABELS,
    CrampEpisode,
    DailyOutcome,
    Medication,
    Night,
    Patient,
    outcome_kind,
)
from diary.validators import local_moment, parse_query_date
from programming.models import SettingsRecord
from programming.services import (
    current_device,
    remote_entry_undo,
    remote_entry_undoable,
    settings_from_record,
    settings_record_create,
    timeline_for,
)
from programming.timeline import night_of


@login_required
def start(request: HttpRequest) -> HttpResponse:
    return redirect(home_url_for(request.user))


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/no_role.html", status=403)


def nights_with_episodes(patient: Patient):
    alive = CrampEpisode.objects.filter(deleted_at__isnull=True).order_by("started_at", "id")
    return Night.objects.for_patient(patient).prefetch_related(Prefetch("episodes", queryset=alive))


@patient_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "diary/home.html", home_context(request.user.patient))


def home_context(patient: Patient, **extra: Any) -> dict[str, Any]:
    last_night = patient.last_completed_night()
    window_start = last_night - timedelta(days=13)
    counts = (
        Night.objects.for_patient(patient)
        .between(window_start, last_night)
        .aggregate(
            logged=Count("id", distinct=True),
            cramp_nights=Count(
                "id",
                filter=Q(episodes__deleted_at__isnull=True, episodes__isnull=False),
                distinct=True,
            ),
        )
    )
    last = nights_with_episodes(patient).filter(date=last_night).first()
    # In the small hours (and the evening) the current night is still going on.
    tonight = night_of(timezone.now(), patient.tz)
    tonight_cramps = (
        CrampEpisode.objects.for_patient(patient).filter(night__date=tonight).count()
        if tonight > last_night
        else None
    )
    small_hours = patient.local_now().hour < settings.NIGHT_END_HOUR
    timeline = timeline_for(patient)
    device = current_device(patient)
    last_episodes = list(last.episodes.all()) if last else []
    # The sleep question, one tap, for a logged night with cramps that has no answer yet.
    ask_sleep = bool(last and last_episodes and last.sleep_disturbance is None)
    return {
        "patient": patient,
        "device": device,
        "last_night": last_night,
        "last": last,
        "tonight_cramps": tonight_cramps,
        "small_hours": small_hours,
        "last_episodes": last_episodes,
        "sleep_form": SleepDisturbanceForm() if ask_sleep else None,
        "in_effect": timeline.at(timezone.now()),
        "undoable": remote_entry_undoable(patient),
        "logged_14": counts["logged"],
        "cramp_nights_14": counts["cramp_nights"],
        **outcome_context(patient, device),
        **extra,
    }


def patient_outcome_kind(patient: Patient, device: Any) -> str | None:
    return outcome_kind(device.therapy if device else None, patient.sacral_indication)


def outcome_context(patient: Patient, device: Any) -> dict[str, Any]:
    """The home page's outcome card: which diary, the clinic's bladder diary day if one is
    running, and whether today is already logged."""
    kind = patient_outcome_kind(patient, device)
    if kind is None:
        return {"outcome_kind": None}
    today = patient.local_now().date()
    logged = DailyOutcome.objects.for_patient(patient).filter(date=today).first()
    return {
        "outcome_kind": kind,
        "outcome_label": OUTCOME_KIND_LABELS[kind],
        "outcome_diary_day": patient.outcome_diary_day(today) if kind == "bladder" else None,
        "outcome_today": logged,
        # The pain score in one tap, as the sleep question: until today's average is given.
        "pain_choices": (
            range(0, 11) if kind == "pain" and (logged is None or logged.pain_average is None)
            else None
        ),
    }


# One whole sentence for each kind, so a translator can inflect it.
OUTCOME_SAVED = {
    "bladder": gettext_lazy("Saved: your bladder diary."),
    "bowel": gettext_lazy("Saved: your bowel diary."),
    "pain": gettext_lazy("Saved: your pain diary."),
}


@patient_required
def outcome(request: HttpRequest) -> HttpResponse:
    """The day's outcome in the clinic's own units (issue 24): a few numbers or taps."""
    patient: Patient = request.user.patient
    kind = patient_outcome_kind(patient, current_device(patient))
    if kind is None:
        messages.info(
            request, _("Your clinic has not set up a daily outcome for your stimulator.")
        )
        return redirect("diary:home")
    today = patient.local_now().date()
    ask_pgic = not DailyOutcome.objects.for_patient(patient).filter(
        pgic__isnull=False, date__gt=today - timedelta(days=PGIC_INTERVAL_DAYS)
    ).exists()
    existing = DailyOutcome.objects.for_patient(patient).filter(date=today).first()
    initial: dict[str, Any] = {"day": "today"}
    if existing is not None:
        initial.update({name: getattr(existing, name) for name in OUTCOME_FIELDS[kind]})
    form = DailyOutcomeForm(
        request.POST or None, kind=kind, today=today, ask_pgic=ask_pgic, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            services.outcome_record(
                patient=patient, day=form.cleaned_data["day"], **form.values()
            )
            messages.success(request, OUTCOME_SAVED[kind])
            return redirect("diary:home")
        status = 400
    else:
        status = 200
    diary_day = patient.outcome_diary_day(today) if kind == "bladder" else None
    return render(request, "diary/outcome.html", {
        "form": form, "kind": kind, "label": OUTCOME_KIND_LABELS[kind], "diary_day": diary_day,
    }, status=status)


@patient_required
@require_POST
def night_sleep(request: HttpRequest, night_id: int) -> HttpResponse:
    """The home page's one-tap answer to "How much did cramps disturb your sleep?"."""
    patient: Patient = request.user.patient
    item: Night = get_scoped_or_404(request.user, Night.objects.alive(), night_id)
    form = SleepDisturbanceForm(request.POST)
    if not form.is_valid():
        context = home_context(patient, sleep_form=form)
        return render(request, "diary/home.html", context, status=400)
    services.night_check_in(
        patient=patient, night_date=item.date, cramp_free=False,
        sleep_disturbance=form.cleaned_data["sleep_disturbance"],
    )
    messages.success(request, _("Saved: how much cramps disturbed your sleep."))
    return redirect("diary:home")


@patient_required
def log_cramp(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.user.patient
    if request.method == "POST":
        form = LogCrampForm(request.POST, patient=patient)
        if form.is_valid():
            episode, created = services.episode_create(
                patient=patient,
                started_at=form.cleaned_data["started_at"],
                severity=form.cleaned_data["severity"],
                client_token=form.cleaned_data["client_token"],
                time_estimated=form.cleaned_data["time_estimated"],
            )
            where = night_words(episode.night.date)
            if created:
                at = local_input(episode.started_at, patient)[11:]
                # Translators: %(night)s is a date ("Sunday 6 December 2026"), %(time)s a time
                # of day ("03:00").
                if episode.time_estimated:
                    saved = _(
                        "Cramp saved to the night of %(night)s, at %(time)s (no time given, so "
                        "that is an estimate). Add more detail below if you like, or go back to "
                        "sleep."
                    )
                else:
                    saved = _(
                        "Cramp saved to the night of %(night)s, at %(time)s. Add more detail "
                        "below if you like, or go back to sleep."
                    )
                messages.success(request, saved % {"night": where, "time": at})
            else:
                messages.info(
                    request,
                    _("That cramp was already saved, to the night of %(night)s.")
                    % {"night": where},
                )
            return redirect("diary:episode", episode_id=episode.pk)
    else:
        form = LogCrampForm(patient=patient, initial=past_night_initial(request, patient))
    night_date = form.cleaned_data.get("night") if form.is_bound else form.initial.get("night")
    return render(
        request,
        "diary/log_cramp.html",
        {
            "form": form,
            "severities": range(0, 11),
            "night": night_date,
            "time_open": bool(night_date) or bool(form.errors),
        },
    )


def past_night_initial(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    """?night=YYYY-MM-DD from "Add a cramp to that night": the form is for that night, if it is
    one that has begun; anything else opens the plain form for a cramp now."""
    night = request.GET.get("night", "")
    night_date = parse_query_date(night)  # within the diary's dates (diary.validators)
    if night_date is None:
        if night:
            messages.error(
                request,
                _("That night is outside the diary's dates. Enter when the cramp started."),
            )
        return {}
    if night_date > night_of(timezone.now(), patient.tz):
        return {}
    return {"night": night_date}


@patient_required
def episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    patient: Patient = request.user.patient
    item: CrampEpisode = get_scoped_or_404(
        request.user,
        CrampEpisode.objects.alive().select_related("night"),
        episode_id,
        "night__patient",
    )
    initial = EpisodeForm.initial_for(item, patient)
    if request.method == "POST":
        form = EpisodeForm(
            request.POST, initial=initial, patient=patient, time_estimated=item.time_estimated
        )
        if form.is_valid():
            # "Done" (then=home) is a submit too: answers tapped on this page feed the
            # lead-migration rule and must not be lost behind a plain link (issue 28).
            then = "diary:home" if request.POST.get("then") == "home" else "diary:history"
            # Only what the patient changed is written: a repeated tap writes nothing more, and
            # a time shown to the minute does not overwrite the seconds it was logged with.
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            if changes:
                if "started_at" in changes:
                    changes["time_estimated"] = False  # the patient has now given a time
                services.episode_update(episode=item, **changes)
                messages.success(request, _("Cramp details saved."))
            elif then == "diary:history":
                messages.info(request, _("Nothing changed, so nothing new was saved."))
            return redirect(then)
    else:
        form = EpisodeForm(initial=initial, patient=patient, time_estimated=item.time_estimated)
    in_effect = timeline_for(patient).at(item.started_at)
    return render(
        request, "diary/episode.html", {"form": form, "episode": item, "in_effect": in_effect}
    )


@patient_required
def episode_delete(request: HttpRequest, episode_id: int) -> HttpResponse:
    item: CrampEpisode = get_scoped_or_404(
        request.user,
        CrampEpisode.objects.alive().select_related("night"),
        episode_id,
        "night__patient",
    )
    if request.method == "POST":
        services.episode_delete(episode=item)
        messages.success(
            request,
            _("Cramp removed from your diary. Your clinic keeps a record of the change."),
        )
        return redirect("diary:history")
    return render(request, "diary/confirm_delete.html", {"what": "cramp", "object": item})


@patient_required
@require_POST
def no_cramps(request: HttpRequest) -> HttpResponse:
    """The one-tap cramp-free night: a record of its own, not an absence."""
    patient: Patient = request.user.patient
    posted = request.POST.get("date", "")
    night_date = parse_query_date(posted) if posted else patient.last_completed_night()
    if night_date is None:
        messages.error(request, _("That night is outside the diary's dates."))
        return redirect("diary:home")
    if night_date > patient.last_completed_night():
        messages.error(request, _("That night has not ended yet."))
        return redirect("diary:home")
    try:
        night = services.night_check_in(patient=patient, night_date=night_date, cramp_free=True)
    except services.NightHasCramps as exc:
        messages.error(
            request,
            ngettext(
                "You logged %(count)s cramp that night, so it is not cramp-free. Open it to "
                "check.",
                "You logged %(count)s cramps that night, so it is not cramp-free. Open it to "
                "check.",
                exc.count,
            ) % {"count": exc.count},
        )
        return redirect("diary:night", night_id=exc.night.pk)
    messages.success(request, no_cramps_saved(night.date))
    return redirect("diary:home")


def no_cramps_saved(night_date: date) -> str:
    # Translators: %(night)s is a date, for example "Sunday 6 December".
    return _("Saved: no cramps on the night of %(night)s.") % {
        "night": words.day(night_date, "l j F")
    }


@patient_required
def night_new(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.user.patient
    form = PastNightForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        night_date = form.cleaned_data["date"]
        if request.POST.get("had_cramps"):
            return redirect(f"{reverse('diary:log-cramp')}?night={night_date.isoformat()}")
        night = services.night_check_in(patient=patient, night_date=night_date, cramp_free=True)
        messages.success(request, no_cramps_saved(night.date))
        return redirect("diary:history")
    return render(request, "diary/night_new.html", {"form": form, "existing": form.existing})


@patient_required
def night(request: HttpRequest, night_id: int) -> HttpResponse:
    patient: Patient = request.user.patient
    item: Night = get_scoped_or_404(request.user, nights_with_episodes(patient), night_id)
    device = current_device(patient)
    form = NightForm(
        request.POST or None, instance=item, therapy=device.therapy if device else None
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.night_check_in(patient=patient, night_date=item.date, cramp_free=False, **fields)
        messages.success(request, _("Night saved."))
        return redirect("diary:home")
    timeline = timeline_for(patient)
    episodes = list(item.episodes.all())
    return render(
        request,
        "diary/night.html",
        {
            "form": form,
            "night": item,
            "episodes": [(e, timeline.at(e.started_at)) for e in episodes],
            "in_effect": timeline.for_night(item.date, item.zone),
        },
    )


@patient_required
def night_delete(request: HttpRequest, night_id: int) -> HttpResponse:
    item: Night = get_scoped_or_404(request.user, Night.objects.alive(), night_id)
    if request.method == "POST":
        services.night_delete(night=item)
        messages.success(
            request,
            _("Night removed from your diary. Your clinic keeps a record of the change."),
        )
        return redirect("diary:history")
    return render(
        request,
        "diary/confirm_delete.html",
        {"what": "night", "object": item},
    )


@patient_required
def history(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.user.patient
    page = Paginator(nights_with_episodes(patient).order_by("-date"), 20).get_page(
        request.GET.get("page")
    )
    timeline = timeline_for(patient)
    rows = []
    # On the first page, the nights since the newest entry that are still missing.
    previous: date | None = (
        patient.last_completed_night() + timedelta(days=1) if page.number == 1 else None
    )
    for item in page.object_list:
        gap = (previous - item.date).days - 1 if previous else 0
        episodes = list(item.episodes.all())
        rows.append(
            {
                "night": item,
                "gap": gap,
                "settings": timeline.for_night(item.date, item.zone),
                "episodes": [(e, timeline.at(e.started_at)) for e in episodes],
            }
        )
        previous = item.date
    return render(request, "diary/history.html", {"page": page, "rows": rows, "patient": patient})


@patient_required
def remote_change(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.user.patient
    device = current_device(patient)
    current = SettingsRecord.objects.for_patient(patient).current().timeline_order().last()
    if device is None or current is None:
        messages.error(request, _("Your clinic has not recorded your stimulator yet."))
        return redirect("diary:home")
    form = RemoteChangeForm(
        request.POST or None,
        patient=patient,
        unit=current.amplitude_unit,
        therapy=device.therapy,
        current_amplitude=current.amplitude,
        initial={
            "amplitude": current.amplitude,
            "stimulation_on": "on" if current.stimulation_on else "off",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["stimulation_on"]:
            reason = "device_off"
        elif not current.stimulation_on:
            reason = "device_on"
        elif data["amplitude"] < current.amplitude:
            reason = "reduce_amplitude"
        elif data["amplitude"] > current.amplitude:
            reason = "increase_amplitude"
        else:
            reason = "other"
        values = {
            "device": device,
            "effective_at": data["effective_at"],
            "amplitude": data["amplitude"],
            "amplitude_unit": current.amplitude_unit,
            "pulse_width_us": current.pulse_width_us,
            "frequency_hz": current.frequency_hz,
            "stimulation_on": data["stimulation_on"],
            "source": "patient_remote",
        }
        # The same form sent twice carries the same values and time: record it once.
        duplicate = SettingsRecord.objects.filter(**values, correction__isnull=True).exists()
        unchanged = (data["amplitude"], data["stimulation_on"]) == (
            current.amplitude, current.stimulation_on
        )
        if unchanged and not duplicate:
            now = amplitude_words(current.amplitude, current.amplitude_unit)
            # Translators: %(amplitude)s is an amplitude with its unit, for example "1.5 mA".
            if current.stimulation_on:
                unchanged_words = _(
                    "Nothing changed: your stimulator is already at %(amplitude)s, on. Nothing "
                    "was saved."
                )
            else:
                unchanged_words = _(
                    "Nothing changed: your stimulator is already at %(amplitude)s, off. Nothing "
                    "was saved."
                )
            messages.info(request, unchanged_words % {"amplitude": now})
            return redirect("diary:home")
        if not duplicate:
            settings_record_create(
                **values,
                reason=reason,
                note=data["note"],
                electrode_configuration=current.electrode_configuration,
                recorded_by=request.user,
            )
        messages.success(
            request,
            _(
                "Saved. Your diary now uses the new setting from that time on. Typed it wrong? "
                "Undo it on your home page."
            ),
        )
        return redirect("diary:home")
    return render(request, "diary/remote_change.html", {
        "form": form, "current": current, "patient": patient,
        "current_settings": settings_from_record(current) if current else None,
        "undoable": remote_entry_undoable(patient),
    })


def amplitude_words(amount: Decimal, unit: str) -> str:
    """1.50 mA as "1.5 mA" in English, "1,5 mA" in German: the reader's decimal mark, no
    trailing zeros (as programming.plausibility.show)."""
    return f"{number_format(Decimal(format(amount.normalize(), 'f')))} {unit}"


def _settings_words(record: SettingsRecord) -> str:
    amplitude = amplitude_words(record.amplitude, record.amplitude_unit)
    # Translators: a stimulator's setting; %(amplitude)s is, for example, "1.5 mA".
    if record.stimulation_on:
        return _("%(amplitude)s, on") % {"amplitude": amplitude}
    return _("%(amplitude)s, off") % {"amplitude": amplitude}


def already_undone(when: str) -> str:
    # Translators: %(when)s is a day and time, for example "Sun 6 Dec, 03:00".
    return _("Your change of %(when)s was already undone.") % {"when": when}


@patient_required
@require_POST
def remote_undo(request: HttpRequest, record_id: int) -> HttpResponse:
    """Undo the patient's own last remote entry (programming.services.remote_entry_undoable
    says which, and for how long): a correction record, nothing overwritten. Another
    patient's record answers 404; a record that may not be undone, 403."""
    patient: Patient = request.user.patient
    record = get_scoped_or_404(
        request.user, SettingsRecord.objects.all(), record_id, patient_path="device__patient"
    )
    when = words.day(local_moment(record.effective_at, patient.tz), "D j M, H:i")
    already = SettingsRecord.objects.filter(
        corrects=record, source="patient_remote", recorded_by=request.user
    ).exists()
    entry = None if already else remote_entry_undoable(patient)
    if entry is None or entry.record.pk != record.pk:
        if already:  # a double tap: the first one did it
            messages.info(request, already_undone(when))
            return redirect("diary:home")
        return render(
            request, "diary/remote_undo_refused.html",
            # An int for the plural form of "hours" (a float may be 1.5).
            {"hours": settings.REMOTE_UNDO_HOURS,
             "hours_count": max(round(settings.REMOTE_UNDO_HOURS), 1)}, status=403,
        )
    if remote_entry_undo(entry=entry, recorded_by=request.user) is None:
        messages.info(request, already_undone(when))
        return redirect("diary:home")
    messages.success(
        request,
        # Translators: %(change)s and %(before)s are settings ("1.5 mA, on"), %(when)s a day and
        # time ("Sun 6 Dec, 03:00").
        _(
            "Undone: your change to %(change)s on %(when)s is no longer in your diary, which "
            "reads %(before)s from then on, as before. If you did change your stimulator, "
            "record the change again."
        ) % {
            "change": _settings_words(record), "when": when,
            "before": _settings_words(entry.before),
        },
    )
    return redirect("diary:home")


@patient_required
def medications(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.user.patient
    form = MedicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        exists = (
            Medication.objects.for_patient(patient)
            .filter(name__iexact=data["name"], started_on=data["started_on"])
            .exists()
        )
        if not exists:
            services.medication_create(patient=patient, recorded_by=request.user, **data)
        # Translators: %(name)s is the medicine's name as the patient typed it.
        messages.success(request, _("Saved: %(name)s.") % {"name": data["name"]})
        return redirect("diary:medications")
    items = Medication.objects.for_patient(patient)
    return render(request, "diary/medications.html", {"form": form, "medications": items})


@patient_required
def medication_stop(request: HttpRequest, medication_id: int) -> HttpResponse:
    item: Medication = get_scoped_or_404(
        request.user, Medication.objects.filter(deleted_at__isnull=True), medication_id
    )
    form = MedicationStopForm(
        request.POST or None,
        started_on=item.started_on,
        initial={"stopped_on": timezone.now().date()},
    )
    if request.method == "POST" and form.is_valid():
        services.medication_stop(medication=item, stopped_on=form.cleaned_data["stopped_on"])
        messages.success(request, _("Saved: you stopped %(name)s.") % {"name": item.name})
        return redirect("diary:medications")
    return render(request, "diary/medication_stop.html", {"form": form, "medication": item})
