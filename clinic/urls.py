from __future__ import annotations

from django.urls import path

from clinic import views

app_name = "clinic"
urlpatterns = [
    path("", views.cohort, name="cohort"),
    path("patients/new/", views.patient_new, name="patient-new"),
    path("patients/<int:patient_id>/", views.patient_detail, name="patient"),
    path("patients/<int:patient_id>/password-link/", views.set_password_link, name="password-link"),
    path("patients/<int:patient_id>/unlock/", views.patient_unlock, name="patient-unlock"),
    path("patients/<int:patient_id>/medications/new/", views.medication_add, name="medication-add"),
    path(
        "patients/<int:patient_id>/medications/<int:medication_id>/stop/",
        views.medication_stop_view,
        name="medication-stop",
    ),
    path(
        "patients/<int:patient_id>/medications/<int:medication_id>/kind/",
        views.medication_kind,
        name="medication-kind",
    ),
    path(
        "patients/<int:patient_id>/visits/<int:visit_id>/report/",
        views.visit_report,
        name="visit-report",
    ),
    path("patients/<int:patient_id>/outcome/", views.outcome_settings, name="outcome-settings"),
    path("welcome/<uidb64>/<token>/", views.set_password, name="set-password"),
]
