from __future__ import annotations

from django.urls import path

from programming import views

app_name = "programming"
urlpatterns = [
    path("patients/<int:patient_id>/program/", views.record_settings, name="program"),
    path(
        "patients/<int:patient_id>/device-off/",
        views.record_settings, {"kind": "device_off"}, name="device-off",
    ),
    path(
        "patients/<int:patient_id>/device-on/",
        views.record_settings, {"kind": "device_on"}, name="device-on",
    ),
    path(
        "patients/<int:patient_id>/lead-revision/",
        views.record_settings, {"kind": "lead_revision"}, name="lead-revision",
    ),
    path(
        "patients/<int:patient_id>/planned-trial/", views.planned_trial, name="planned-trial",
    ),
    path(
        "patients/<int:patient_id>/settings/<int:record_id>/correct/",
        views.correct_record, name="correct",
    ),
    path("patients/<int:patient_id>/visits/new/", views.visit_new, name="visit-new"),
    path(
        "patients/<int:patient_id>/visits/<int:visit_id>/", views.visit_detail, name="visit",
    ),
]
