from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from accounts import views as accounts_views
from config import health
from diary import views as diary_views
from notify import views as notify_views

urlpatterns = [
    path("", diary_views.start, name="start"),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts_views.LogoutView.as_view(), name="logout"),
    path("accounts/no-role/", diary_views.no_role, name="accounts-no-role"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
            # Links are built from SITE_URL, never from the request's Host header.
            extra_email_context={"site_url": settings.SITE_URL.rstrip("/")},
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", include("accounts.urls")),
    # Django's set_language: the language of the pages before log-in (a cookie).
    path("i18n/", include("django.conf.urls.i18n")),
    # The words static/js/*.js show, in the reader's language (gettext in the browser).
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("settings/reminders/", include("notify.urls")),
    path("sw.js", notify_views.service_worker, name="service-worker"),
    path("diary/", include("diary.urls")),
    path("clinic/", include("clinic.urls")),
    path("clinic/", include("programming.urls")),
    path("exports/", include("exchange.urls")),
    path("insights/", include("insights.urls")),
    # One password change for everyone, staff included (it ends their other sessions).
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="accounts:password-change"),
    ),
    path("admin/", admin.site.urls),
]

handler500 = "config.errors.server_error"
