"""StimDiary settings, read from the environment.

Development defaults are safe on a laptop; with DEBUG off every production hardening
(secure cookies, HSTS, SSL redirect) is on unless explicitly turned off.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_include_bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # two-factor recovery codes (accounts/recovery.py)
    "axes",
    "auditlog",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "diary",
    "programming",
    "clinic",
    "insights",
    "exchange",
    "accounts",
    "notify",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # PostgreSQL: the request's transaction sees the signed-in user's clinic only (row-level
    # security); after the user is known, before the first read of patient data.
    "clinic.tenancy.ClinicScopeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "diary.middleware.PatientTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionEpochMiddleware",
    "accounts.middleware.ClinicianIdleTimeoutMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "diary.context_processors.colour_mode",
            ],
            # Dates as the reader's language writes them: {{ value|day }} (diary.words).
            "builtins": ["diary.templatetags.days"],
        },
    },
]

# SQLite by default: WAL lets readers run beside a writer, the busy timeout makes a writer
# wait instead of failing, and IMMEDIATE transactions take the write lock up front so two
# concurrent writers never deadlock into "database is locked".
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Clinics as tenants (clinic.tenancy; docs/security.md) ---------------------------------
# On PostgreSQL, each web request runs in a transaction that names the signed-in user's clinic
# to the database, whose row-level security shows only that clinic's patient data.
CLINIC_ROW_SECURITY = env_bool("CLINIC_ROW_SECURITY", True)
# The clinic a whole database session sees. manage.py sets "all" for every command but
# runserver (the task worker, send_reminders, seed_demo, migrate); never set it for the web
# servers, which name each request's clinic themselves.
DATABASE_CLINIC_SCOPE = os.environ.get("STIMDIARY_DATABASE_SCOPE", "")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Every page in the reader's language: their choice in Settings (accounts.language), else
# the browser's Accept-Language, else English. Arabic is written right to left (base.html
# swaps in Bootstrap's RTL stylesheet). Catalogues: locale/<code>/LC_MESSAGES/django.po,
# compiled by `make test` and `make run` (docs/translations.md).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("nl", "Nederlands"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Files only the care team may read (a programmer's printed session report): outside
# STATIC_ROOT, never served by whitenoise or any URL; programming.views.visit_report serves
# each one after the access check.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
VISIT_REPORT_MAX_BYTES = int(os.environ.get("VISIT_REPORT_MAX_BYTES", str(10 * 1024 * 1024)))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email and Web Push (notify; docs/deploy.md) ------------------------------------------
# Development prints each email to the console (or writes it into EMAIL_FILE_PATH with
# EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend); production sends by SMTP.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "StimDiary <stimdiary@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in messages point here (the address patients and clinicians open the diary at).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Web Push (RFC 8292 VAPID): `python manage.py vapid_keys` prints a new pair (base64url);
# without keys reminders go by email only.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:clinic@example.org")

CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "stimdiary"),
        "TIMEOUT": 60 * 60 * 24 * 7,
    }
}

# --- The diary's clock -----------------------------------------------------------------
# A night is dated by the evening it began. A moment before NIGHT_BOUNDARY_HOUR (local
# time, in the patient's zone) belongs to the night that began the evening before.
NIGHT_BOUNDARY_HOUR = int(os.environ.get("NIGHT_BOUNDARY_HOUR", "12"))
# The settings a night is analysed under are those in effect when it starts: this local
# hour on its date. A clinic visit in the afternoon applies to that night; a change made
# later (at bedtime or in the middle of the night) applies from the next night on.
NIGHT_START_HOUR = int(os.environ.get("NIGHT_START_HOUR", "18"))
# From this local hour a night is over and can be called cramp-free. Before it (at 3 a.m.)
# "last night" is the one before: the current night may still bring a cramp.
NIGHT_END_HOUR = int(os.environ.get("NIGHT_END_HOUR", "6"))

# --- Plausibility of a typed amplitude (programming.plausibility; docs/plausibility.md) ----
# An amplitude above its therapy's usual top, or a jump from the value in effect of more
# than AMPLITUDE_JUMP_FACTOR times or more than AMPLITUDE_JUMP_MAX, is saved only once the
# patient or clinician confirms it. Starting points, not clinical limits: a clinic whose
# patients usually run higher changes them here (the hard device limits are
# programming.models.AMPLITUDE_MAX).
AMPLITUDE_USUAL_MAX_MA = {
    "sacral": 5.0, "spinal_cord": 15.0, "drg": 2.0, "peripheral": 10.0, "other": 15.0,
}
AMPLITUDE_USUAL_MAX_V = {
    "sacral": 5.0, "spinal_cord": 8.0, "drg": 2.0, "peripheral": 6.0, "other": 8.0,
}
AMPLITUDE_JUMP_FACTOR = float(os.environ.get("AMPLITUDE_JUMP_FACTOR", "2"))
AMPLITUDE_JUMP_MAX = {
    "mA": float(os.environ.get("AMPLITUDE_JUMP_MAX_MA", "2")),
    "V": float(os.environ.get("AMPLITUDE_JUMP_MAX_V", "1")),
}
# A cut to less than 1/AMPLITUDE_DROP_FACTOR of the amplitude in effect (0.15 typed for 1.5)
# is confirmed the same way; an ordinary reduction, the ladder's first step, is not.
AMPLITUDE_DROP_FACTOR = float(os.environ.get("AMPLITUDE_DROP_FACTOR", "4"))
# For this many hours after recording it, a patient may undo their own last remote entry (a
# correction record back to the settings before it; programming.services.remote_entry_undo).
REMOTE_UNDO_HOURS = float(os.environ.get("REMOTE_UNDO_HOURS", "24"))

# --- Bounds on what can be entered (diary.validators; docs/security.md) -------------------
# No diary date (a night, a cramp, a medicine, an implant) may be earlier than this. Nights
# before the implant are allowed: a baseline diary is valuable. A settings record is bounded
# by its device's implant date instead.
EARLIEST_DIARY_DATE = date.fromisoformat(os.environ.get("EARLIEST_DIARY_DATE", "2000-01-01"))
# The largest bundle file import_bundle reads, in bytes.
BUNDLE_MAX_BYTES = int(os.environ.get("BUNDLE_MAX_BYTES", str(20 * 1024 * 1024)))

# Background work (insights.tasks, notify.tasks) on Django's task framework: the database
# backend (django-tasks-db) by default, run by `manage.py db_worker` (docs/deploy.md). The
# tests use the immediate backend. On Django 6 the same TASKS setting drives django.tasks.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Seconds after a write before the worker refreshes the patient's ladder state: a cramp and
# its details a moment later make one refresh. Readers never wait for it (insights.summary).
SUMMARY_REFRESH_DELAY = float(os.environ.get("SUMMARY_REFRESH_DELAY", "2"))

# --- The management ladder (insights.ladder; docs/management-ladder.md) ------------------
# Defaults from issue 5. The clinical source is not peer reviewed, so every threshold is a
# named setting a clinic can change; the flags are decision support, the clinician decides.
LADDER_WINDOW_NIGHTS = int(os.environ.get("LADDER_WINDOW_NIGHTS", "14"))
LADDER_ACTIVE_CRAMP_NIGHTS = int(os.environ.get("LADDER_ACTIVE_CRAMP_NIGHTS", "3"))
LADDER_COMPARISON_NIGHTS = int(os.environ.get("LADDER_COMPARISON_NIGHTS", "14"))
LADDER_IMPROVED_RATIO = float(os.environ.get("LADDER_IMPROVED_RATIO", "0.5"))
LADDER_MIN_NIGHTS_AFTER = int(os.environ.get("LADDER_MIN_NIGHTS_AFTER", "7"))
LADDER_DIFFERENT_LOCATION_NIGHTS = int(os.environ.get("LADDER_DIFFERENT_LOCATION_NIGHTS", "2"))
LADDER_QUIET_NIGHTS_BEFORE_ONSET = int(os.environ.get("LADDER_QUIET_NIGHTS_BEFORE_ONSET", "28"))
LADDER_DEVICE_OFF_RELIEF_EPISODES = int(os.environ.get("LADDER_DEVICE_OFF_RELIEF_EPISODES", "2"))
LADDER_STIMULATION_OFF_CRAMP_NIGHTS = int(
    os.environ.get("LADDER_STIMULATION_OFF_CRAMP_NIGHTS", "3")
)
LADDER_MEDICATION_ONSET_DAYS = int(os.environ.get("LADDER_MEDICATION_ONSET_DAYS", "14"))
# How far back the ladder reads: bounded so keeping it current costs the same after five years.
LADDER_LOOKBACK_DAYS = int(os.environ.get("LADDER_LOOKBACK_DAYS", "180"))
# Issue 16: the other signals the diary collects (insights.signals), same document.
LADDER_NEW_MOVEMENT_NIGHTS = int(os.environ.get("LADDER_NEW_MOVEMENT_NIGHTS", "2"))
LADDER_FACTOR_MIN_NIGHTS = int(os.environ.get("LADDER_FACTOR_MIN_NIGHTS", "5"))
LADDER_LUMBAR_SUPPORT_RATIO = float(os.environ.get("LADDER_LUMBAR_SUPPORT_RATIO", "0.5"))
LADDER_LOW_ACTIVITY_RATIO = float(os.environ.get("LADDER_LOW_ACTIVITY_RATIO", "2.0"))
LADDER_THERAPY_LOSS_POINTS = float(os.environ.get("LADDER_THERAPY_LOSS_POINTS", "2"))
LADDER_THERAPY_LOSS_SHARE = float(os.environ.get("LADDER_THERAPY_LOSS_SHARE", "0.3"))
# Issue 25: a threshold on the same electrodes at least this many times the previous visit's
# (insights.visits). No source gives a number; 2.0 is StimDiary's choice, a clinic may change it.
LADDER_THRESHOLD_RISE_FACTOR = float(os.environ.get("LADDER_THRESHOLD_RISE_FACTOR", "2.0"))

# --- The therapy's own outcome (insights.outcomes; docs/management-ladder.md) -------------
# Issue 24. A sacral responder improves by at least this share against baseline (InSite:
# leaks or voids a day, bladder; Rasmussen 2004, Wong 2011: accidents a week, bowel); a pain
# score by 30% is a moderate and by 50% a substantial improvement (IMMPACT, Dworkin et al.
# 2008); fewer than 8 voids a day is normal again (InSite); a period needs 3 answered days.
OUTCOME_RESPONDER_FRACTION = float(os.environ.get("OUTCOME_RESPONDER_FRACTION", "0.5"))
PAIN_MODERATE_FRACTION = float(os.environ.get("PAIN_MODERATE_FRACTION", "0.3"))
PAIN_SUBSTANTIAL_FRACTION = float(os.environ.get("PAIN_SUBSTANTIAL_FRACTION", "0.5"))
NORMAL_VOIDS_PER_DAY = float(os.environ.get("NORMAL_VOIDS_PER_DAY", "8"))
OUTCOME_MIN_DAYS = int(os.environ.get("OUTCOME_MIN_DAYS", "3"))

# --- The association over settings periods (insights.association; docs/analysis.md) -------
# Issue 23: the first nights after each settings change are left out of each period's share
# of cramp nights (washout: a response may lag the change) and reported apart (carry-over).
ASSOCIATION_WASHOUT_NIGHTS = int(os.environ.get("ASSOCIATION_WASHOUT_NIGHTS", "3"))

# --- FHIR export (exchange.fhir; docs/fhir.md) ---------------------------------------------
# The identifier system of the usernames this clinic gives its patients. Set it to a URL the
# clinic controls, so two clinics' "alice" never read as one person in a shared record.
FHIR_IDENTIFIER_SYSTEM = os.environ.get(
    "FHIR_IDENTIFIER_SYSTEM", "https://stimdiary.org/fhir/sid/username"
)
# The system of the clinic record numbers (MRN) entered at onboarding: the clinic's own.
FHIR_RECORD_NUMBER_SYSTEM = os.environ.get(
    "FHIR_RECORD_NUMBER_SYSTEM", "https://stimdiary.org/fhir/sid/clinic-record-number"
)

# --- Sessions and security ---------------------------------------------------------------
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CLINICIAN_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("CLINICIAN_IDLE_MINUTES", "30")))
# Clinicians and staff must use two-factor log-in: on in production, off in development so the
# demo accounts log in with a password alone.
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", not DEBUG)
# The admin never shows an authenticator's secret or a recovery code (django-otp's QR code and
# token views): they are shown once, to their owner, at set-up.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

SECURE = env_bool("SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if SECURE else 0)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Behind a TLS proxy: trust its X-Forwarded-Proto, and take the client's address from the
# X-Forwarded-For entry the proxy wrote (PROXY_COUNT proxies in a row; accounts/addresses.py).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Sign-in with the hospital's accounts (OpenID Connect; accounts/oidc.py, docs/security.md) ---
# Off unless every variable below is set; then the log-in page offers "Sign in with
# OIDC_PROVIDER_NAME" to clinicians and staff (never patients). Endpoints come from the identity
# provider's /.well-known/openid-configuration (docs/deploy.md); nothing is fetched at start-up.
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
_OIDC_REQUIRED = {
    "OIDC_PROVIDER_NAME": OIDC_PROVIDER_NAME,
    "OIDC_OP_ISSUER": OIDC_OP_ISSUER,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
    "OIDC_OP_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
    "OIDC_OP_USER_ENDPOINT": OIDC_OP_USER_ENDPOINT,
    "OIDC_OP_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
    "OIDC_RP_CLIENT_ID": OIDC_RP_CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
}
OIDC_ENABLED = all(_OIDC_REQUIRED.values())
if any(_OIDC_REQUIRED.values()) and not OIDC_ENABLED:
    _missing = ", ".join(name for name, value in _OIDC_REQUIRED.items() if not value)
    raise ImproperlyConfigured(f"OpenID Connect sign-in is half configured: set {_missing}.")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
# The provider's `end_session_endpoint` (optional): log-out after a hospital sign-in ends the
# provider's session there too (accounts/oidc.py, provider_log_out_url).
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
# The identity provider's own two-factor counts as StimDiary's when its ID token says so: an
# `amr` value in this list (RFC 8176) or an `acr` value in the next. Otherwise StimDiary's TOTP
# step asks, as after a password.
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR_VALUES", "mfa,otp,hwk")
OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR_VALUES", "")
# An identity seen for the first time is linked to the one active clinician or staff account
# with its email address; off, staff link identities in the admin only.
OIDC_LINK_BY_EMAIL = env_bool("OIDC_LINK_BY_EMAIL", True)
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
# Fixed by StimDiary (mozilla-django-oidc's settings): no account is ever created, no token kept.
OIDC_CREATE_USER = False
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = LOGIN_URL
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.HospitalAccountBackend")

# django-axes: lock the pair (user name, client address) after repeated failures, so a
# stranger's guesses never lock the user out from anywhere else. The address is the one rule
# the audit trail reads too. A locked visitor is told when to try again (429, Retry-After);
# tries during the lock do not push that time back.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The hospital sign-in's refusals are not password guesses (the identity provider throttles
# those), and axes would store the callback's query string, an authorization code.
AXES_WHITELIST_CALLABLE = "accounts.oidc.axes_leaves_alone"

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies never reach the logs: diary contents are health data.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # matplotlib's PDF backend subsets fonts with fontTools, which logs each glyph a PDF
        # uses at INFO: a hundred lines per visit summary, naming the letters of its text.
        "fontTools": {"level": "WARNING"},
    },
}
