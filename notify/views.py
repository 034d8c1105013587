from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from diary.access import role_of
from notify.dispatch import UNSUBSCRIBE_SALT, preference_of, push_is_set_up
from notify.forms import (
    ClinicianPreferenceForm,
    EmailForm,
    PatientPreferenceForm,
    PushSubscriptionForm,
)
from notify.models import PushSubscription

KIND_FIELD = {"evening": "evening_enabled", "nudge": "nudge_enabled", "digest": "digest_enabled"}
# The turn-off page's words for each kind of message, whole sentences so each translates well.
TURN_OFF_WORDS = {
    "evening": {
        "title": gettext_lazy("Turn off evening reminders"),
        "question": gettext_lazy("Turn off evening reminders?"),
        "done": gettext_lazy(
            "You will not get any more evening reminders. You can turn them on again under "
            "Reminders and email after you log in."
        ),
    },
    "nudge": {
        "title": gettext_lazy("Turn off missed-night nudges"),
        "question": gettext_lazy("Turn off missed-night nudges?"),
        "done": gettext_lazy(
            "You will not get any more missed-night nudges. You can turn them on again under "
            "Reminders and email after you log in."
        ),
    },
    "digest": {
        "title": gettext_lazy("Turn off clinician digests"),
        "question": gettext_lazy("Turn off clinician digests?"),
        "done": gettext_lazy(
            "You will not get any more clinician digests. You can turn them on again under "
            "Reminders and email after you log in."
        ),
    },
}


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = role_of(user)
    preference = preference_of(user)
    stored_channel = preference.channel  # before a post's values land on the instance
    data = request.POST if request.method == "POST" else None
    email_form = EmailForm(data, user=user, required=role != "patient",
                           initial={"email": user.email})
    push_available = push_is_set_up()
    if role == "patient":
        form = PatientPreferenceForm(data, instance=preference, push_available=push_available)
    else:
        form = ClinicianPreferenceForm(data, instance=preference)
    if request.method == "POST" and email_form.is_valid() and form.is_valid():
        user.email = email_form.cleaned_data["email"]
        user.save(update_fields=["email"])
        form.save()
        messages.success(request, _("Saved your reminder settings."))
        return redirect("notify:preferences")
    return render(
        request,
        "notify/preferences.html",
        {
            "email_form": email_form,
            "form": form,
            "role": role,
            "vapid_public_key": settings.VAPID_PUBLIC_KEY if push_available else "",
            "push_count": PushSubscription.objects.filter(user=user).count(),
            # What the sender will do with the stored choice, said on the page.
            "push_chosen": role == "patient" and stored_channel == "push",
        },
    )


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> HttpResponse:
    try:
        body = json.loads(request.body or b"{}")
        keys = body.get("keys") or {}
        payload = {"endpoint": body.get("endpoint"), "p256dh": keys.get("p256dh"),
                   "auth": keys.get("auth")}
    except (ValueError, AttributeError):
        payload = {}
    form = PushSubscriptionForm(payload)
    if not form.is_valid():
        return JsonResponse({"ok": False, "errors": form.errors}, status=400)
    data = form.cleaned_data
    PushSubscription.objects.update_or_create(
        endpoint=data["endpoint"],
        defaults={"user": request.user, "p256dh": data["p256dh"], "auth": data["auth"]},
    )
    return JsonResponse({"ok": True})


# The signed link is the credential here (RFC 8058 one-click posts carry no CSRF token), and
# all it can do is turn one kind of message off for the user it was made for.
@csrf_exempt
def turn_off(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = get_user_model().objects.get(pk=claim["u"])
        field = KIND_FIELD[claim["k"]]
    except (signing.BadSignature, KeyError, TypeError, get_user_model().DoesNotExist):
        raise Http404("This link is not valid.") from None
    done = False
    if request.method == "POST":
        preference = preference_of(user)
        setattr(preference, field, False)
        preference.save()
        done = True
    return render(
        request,
        "notify/turn_off.html",
        {"words": TURN_OFF_WORDS[claim["k"]], "done": done},
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the site's root so its scope covers every page. Like
    every response it is sent with no-store (accounts.middleware), so a new version is
    picked up at once."""
    # The offline page's words live here, not in the script, so makemessages finds them.
    words = {
        "offline_title": _("Offline · StimDiary"),
        "offline_text": _("You are offline and this page is not on your phone yet."),
        "offline_open": _("Open your diary"),
    }
    return render(request, "notify/sw.js", words, content_type="application/javascript")
