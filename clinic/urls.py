from __future__ import annotations

from django.urls import path

from clinic import views

app_name = "clinic"
urlpatterns = [
    path("", views.cohort, name="cohort"),
]
