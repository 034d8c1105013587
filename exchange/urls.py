from __future__ import annotations

from django.urls import path

from exchange import views

app_name = "exchange"
urlpatterns = [
    path("patients/<int:patient_id>/<slug:kind>.csv", views.patient_csv, name="patient-csv"),
    path("patients/<int:patient_id>/fhir.json", views.patient_fhir, name="patient-fhir"),
    path("cohort/<slug:kind>.csv", views.cohort_csv, name="cohort-csv"),
    path("mine/<slug:kind>.csv", views.my_csv, name="my-csv"),
    path("mine/bundle.json", views.my_bundle, name="my-bundle"),
    path("mine/", views.my_data, name="my-data"),
    path("mine/erasure/withdraw/", views.my_erasure_withdraw, name="my-erasure-withdraw"),
]
