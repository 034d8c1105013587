from __future__ import annotations

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    # Django's password views, under the template names Django gives them
    # (templates/registration/password_change_*.html); password reset sits beside them.
    path("password/", views.password_change, name="password-change"),
    path("password/done/", views.password_change_done, name="password-change-done"),
    path("language/", views.language, name="language"),
    path("two-factor/", views.two_factor_setup, name="two-factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("two-factor/disable/", views.two_factor_disable, name="two-factor-disable"),
    # Sign-in with the hospital's accounts (OpenID Connect): 404 unless configured.
    path("oidc/sign-in/", views.hospital_sign_in, name="oidc-sign-in"),
    path("oidc/callback/", views.hospital_callback, name="oidc-callback"),
]
