from __future__ import annotations

from django.urls import path

from diary import views

app_name = "diary"
urlpatterns = [
    path("", views.home, name="home"),
    path("cramp/", views.log_cramp, name="log-cramp"),
    path("episodes/<int:episode_id>/", views.episode, name="episode"),
    path("episodes/<int:episode_id>/delete/", views.episode_delete, name="episode-delete"),
    path("nights/no-cramps/", views.no_cramps, name="no-cramps"),
    path("nights/new/", views.night_new, name="night-new"),
    path("nights/<int:night_id>/", views.night, name="night"),
    path("nights/<int:night_id>/delete/", views.night_delete, name="night-delete"),
    path("nights/<int:night_id>/sleep/", views.night_sleep, name="night-sleep"),
    path("outcome/", views.outcome, name="outcome"),
    path("history/", views.history, name="history"),
    path("remote/", views.remote_change, name="remote-change"),
    path("remote/<int:record_id>/undo/", views.remote_undo, name="remote-undo"),
    path("medications/", views.medications, name="medications"),
    path("medications/<int:medication_id>/stop/", views.medication_stop, name="medication-stop"),
]
