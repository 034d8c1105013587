from __future__ import annotations

from django.urls import path

from notify import views

app_name = "notify"
urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("push/subscribe/", views.push_subscribe, name="push-subscribe"),
    path("off/<str:token>/", views.turn_off, name="off"),
]
