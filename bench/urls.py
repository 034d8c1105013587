"""The app's URLs plus the bench's baseline page."""

from __future__ import annotations

from django.urls import path

from bench.views import baseline
from config.urls import handler500  # noqa: F401 - the app's answer to an outage, here too
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/baseline/", baseline, name="bench-baseline"),
    *app_urlpatterns,
]
