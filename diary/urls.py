from __future__ import annotations

from django.urls import path

from diary import views

app_name = "diary"
urlpatterns = [
    path("", views.home, name="home"),
]
