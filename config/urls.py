from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from diary import views as diary_views

urlpatterns = [
    path("", diary_views.start, name="start"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/no-role/", diary_views.no_role, name="accounts-no-role"),
    path("accounts/", include("accounts.urls")),
    path("diary/", include("diary.urls")),
    path("clinic/", include("clinic.urls")),
    path("clinic/", include("programming.urls")),
    path("exports/", include("exchange.urls")),
    path("insights/", include("insights.urls")),
    path("admin/", admin.site.urls),
]
