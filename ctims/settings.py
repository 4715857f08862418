"""CTIMS settings. Everything that differs between machines comes from the environment (see .env.example)."""

from pathlib import Path

import environ
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A development key only works with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key" if DEBUG else environ.Env.NOTSET)
# Victims' and callers' identifiers are encrypted with these Fernet keys (urlsafe base64, 32 bytes): the first
# encrypts, all decrypt, so a key can be rotated (see `manage.py rotate_encryption_keys`). FIELD_HASH_KEY keys the
# blind indexes used to find a value without decrypting it; it does not change with rotation.
# Development keys exist only with DEBUG on; production must set both.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS",
    default=["ZGV2ZWxvcG1lbnQta2V5LW9ubHktbm90LWZvci11c2U="] if DEBUG else environ.Env.NOTSET,
)
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default="development-hash-key-only" if DEBUG else environ.Env.NOTSET)
if not FIELD_ENCRYPTION_KEYS or not FIELD_HASH_KEY:
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY (see .env.example).")
try:
    [Fernet(key) for key in FIELD_ENCRYPTION_KEYS]
except ValueError:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS: each key must be 32 url-safe base64-encoded bytes.") from None
# Backups (`manage.py backup`) are encrypted with this key (urlsafe base64, 32 bytes), kept apart from the field keys
# on purpose: a stolen archive needs it as well (docs/security.md §4). Only the backup and restore commands need it,
# so the web server's environment can leave it out; the commands refuse to run without it.
BACKUP_KEY = env.str("BACKUP_KEY", default="ZGV2ZWxvcG1lbnQtYmFja3VwLWtleS1vbmx5LWRldiE=" if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "csp",
    "ctims",
    "accounts",
    "organisations",
    "plans",
    "monitoring",
    "audit",
    "cases",
    "prevention",
    "hotline",
    "prosecution",
    "partners",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ctims.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ctims.urls"
WSGI_APPLICATION = "ctims.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'ctims.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection is tested before a request uses it, so the first request after a database restart reconnects
# instead of failing on the dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts-login"

# Lockout after repeated failed logins, per user name and address, so one attacker cannot lock out everyone.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "CTIMS"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# Case workers, identification officers, hotline operators and prosecution analysts are signed out after this many
# minutes without a request (accounts.middleware.IdleTimeoutMiddleware).
IDLE_TIMEOUT_MINUTES = env.int("IDLE_TIMEOUT_MINUTES", default=15)
# A closed case's identifiers (names, date of birth, documents, address, phone) are erased this many years after it
# was closed, by `manage.py erase_expired_identifiers`; what statistics use stays.
CASE_RETENTION_YEARS = env.int("CASE_RETENTION_YEARS", default=10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Only this server's own scripts and styles run: no inline code, so injected markup cannot execute. Templates keep
# scripts and styles in static files; the API docs use drf-spectacular's split Swagger view for the same reason.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Behind HTTPS (HTTPS=true) every cookie is secure and browsers are told to never use plain HTTP.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en"
LANGUAGES = [("az", "Azərbaycanca"), ("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Baku")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence lives outside the web root and is never served directly (no MEDIA_URL).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ctims@localhost")

FORM_RENDERER = "ctims.forms.FormRenderer"

# The identifier and name under which the National Coordinator's office publishes to IATI (donor-support export).
# The defaults are placeholders: set the identifier registered with IATI ({agency}-{number}).
IATI_REPORTING_ORG_REF = env.str("IATI_REPORTING_ORG_REF", default="AZ-GOV-CTIMS")
IATI_REPORTING_ORG_NAME = env.str(
    "IATI_REPORTING_ORG_NAME",
    default="National Coordinator for Combating Trafficking in Human Beings, Republic of Azerbaijan",
)

# The public edition of the annual report hides counts of people below this number (and what would reveal them).
REPORT_MIN_CELL = env.int("REPORT_MIN_CELL", default=5)
# …or, with REPORT_PUBLIC_METHOD=noise, releases them with differential-privacy noise of REPORT_EPSILON per count.
REPORT_PUBLIC_METHOD = env.str("REPORT_PUBLIC_METHOD", default="suppression")
REPORT_EPSILON = env.float("REPORT_EPSILON", default=1.0)

# Evidence attached to progress reports: at most this many bytes, of these kinds.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Days before a round's due date when focal points are reminded.
REMINDER_DAYS_BEFORE_DUE = env.int("REMINDER_DAYS_BEFORE_DUE", default=7)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# The competent bodies whose identification officers decide a victim's legal status (plan 13.1.5).
IDENTIFYING_ORGANISATIONS = env.list(
    "IDENTIFYING_ORGANISATIONS", default=["Main Department for Combating Trafficking in Human Beings"]
)
# The recovery and reflection period lasts at least this many days; the law's minimum is 30, never less.
REFLECTION_PERIOD_DAYS = max(30, env.int("REFLECTION_PERIOD_DAYS", default=30))

LIST_PAGE_SIZE = 100
LIST_MAX_PAGE_SIZE = 500

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lib.pagination.ApiPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CTIMS API",
    "DESCRIPTION": "Counter-Trafficking Information Management System",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The error answers (400, 403, 404) are documented once for every operation, by lib.openapi.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "lib.openapi.error_responses"],
    # Choice sets that share a field name across registers get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CallChannelEnum": "hotline.models.Channel",
        "CallActionEnum": "hotline.models.Action",
        "AwarenessChannelEnum": "prevention.models.AwarenessActivity.Channel",
        "MediaFindingActionEnum": "prevention.models.MediaFinding.Action",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each step of drawing a PDF, and fontTools each font it subsets: noise, not news.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

AUDITLOG_INCLUDE_ALL_MODELS = False

# Password given to demo users created by `manage.py seed_demo` (make run). Demo installations only.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="ctims-demo-2014")
