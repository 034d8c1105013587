from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines

BASELINE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Baseline{% endblock %}'
    "{% block content %}<h1>Baseline</h1>{% endblock %}"
)


@login_required
def baseline(request: HttpRequest) -> HttpResponse:
    """The cheapest logged-in page: the base template with no data, through every middleware.
    Every target is a ratio against it, so the shared machine's noise cancels out."""
    return HttpResponse(BASELINE.render({}, request))
