from __future__ import annotations

from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path(
        "patients/<int:patient_id>/charts/<slug:chart>.<str:fmt>",
        views.patient_chart,
        name="chart",
    ),
    path(
        "patients/<int:patient_id>/visit-thresholds.<str:fmt>",
        views.visit_thresholds,
        name="visit-thresholds",
    ),
    path(
        "patients/<int:patient_id>/visit-summary.pdf",
        views.visit_summary,
        name="visit-summary",
    ),
    path(
        "patients/<int:patient_id>/flags/<int:flag_id>/acknowledge/",
        views.acknowledge_flag,
        name="acknowledge-flag",
    ),
    path("ladder/", views.ladder_rules, name="ladder-rules"),
    path("me/last-30-nights.<str:fmt>", views.my_last_30_nights, name="my-last-30-nights"),
]
