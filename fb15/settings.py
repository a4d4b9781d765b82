"""fb15 settings: one flat file, read from environment variables with safe embedded defaults.

Without any variables the app runs on a bare machine: SQLite file, Celery tasks run eagerly,
DEBUG on. In production set DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from fb15.directory_config import (
    authentication_backends,
    form_action_origins,
    ldap_settings,
    oidc_settings,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    """Read a yes/no variable; anything but a known spelling is a configuration error."""
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "fb15",
    "strategy",
    "standards",
    "measures",
    "reporting",
    "imports",
    "portal",
    "needs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "fb15.security.IdleSessionMiddleware",
    "fb15.security.PageCSPMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In production WhiteNoise serves the collected static files; with DEBUG runserver does.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "fb15.urls"
WSGI_APPLICATION = "fb15.wsgi.application"

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
                "fb15.context_processors.navigation",
                "fb15.context_processors.city",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Every choice list of a form (ModelChoiceIterator) and every `.iterator()` would open a
    # server-side cursor: DECLARE … WITH HOLD, FETCH and CLOSE, three round trips for a few
    # dozen rows. Our largest iteration (the CSV export of 10,000 measures) fits in memory.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "fb15.User"
# --- Directory login: LDAP / Active Directory and OpenID Connect (README, "Anmeldung über
# Verzeichnisdienst"). Each is on only when its variables are set; local accounts always work.
# The backends: axes first (refuses a locked-out name or address before any password check),
# then LDAP, OIDC, local accounts and guardian; see fb15/directory_config.py.
_ldap = ldap_settings(os.environ)
_oidc = oidc_settings(os.environ)
globals().update(_ldap, **_oidc)
LDAP_ENABLED = bool(_ldap)
OIDC_ENABLED = bool(_oidc)
AUTHENTICATION_BACKENDS = authentication_backends(
    ldap_enabled=LDAP_ENABLED, oidc_enabled=OIDC_ENABLED
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "fb15.views.core.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# guardian: no anonymous object permissions are ever granted, so skip its AnonymousUser lookups.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = True

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# No MEDIA_URL is served: files (reports) are downloaded through permission-checked views.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    # Report PDFs: MEDIA_ROOT/reports/ (shared volume), or an S3-compatible bucket when
    # REPORT_STORAGE_S3_BUCKET is set, so several worker and web hosts see the same files.
    "reports": {"BACKEND": "reporting.storage.ReportStorage"},
}
if REPORT_STORAGE_S3_BUCKET := os.environ.get("REPORT_STORAGE_S3_BUCKET", ""):
    STORAGES["reports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": REPORT_STORAGE_S3_BUCKET,
            "endpoint_url": os.environ.get("REPORT_STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("REPORT_STORAGE_S3_REGION") or None,
            "access_key": os.environ.get("REPORT_STORAGE_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("REPORT_STORAGE_S3_SECRET_KEY") or None,
            "location": os.environ.get("REPORT_STORAGE_S3_PREFIX", "reports"),
            # Private objects; files leave only through the permission-checked download view.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
# Seconds before an unreachable mail server counts as down (the mail is retried later).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "30")

# Seconds an OParl request to the council information system may take (connect and each
# read); the page then shows the paper's last known state (fb15/oparl.py).
OPARL_TIMEOUT = envint("OPARL_TIMEOUT", "10")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fb15@localhost")
# Absolute base address for links in emails (no request exists in Celery tasks).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

# Celery: with REDIS_URL a real worker and beat run; without it tasks run eagerly in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# The Lagebild's figures are computed by the worker after each change (reporting/warming.py);
# not with eager tasks, where it would slow down every change instead.
WARM_FIGURES = envbool("WARM_FIGURES", "1" if REDIS_URL else "0")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Rendering one report: soft limit (the report fails with a German reason), then hard kill.
REPORT_TIME_LIMIT = envint("REPORT_TIME_LIMIT", "600")
# Largest attachment of a need (Bedarfsmeldung), in megabytes.
NEED_ATTACHMENT_MAX_MB = envint("NEED_ATTACHMENT_MAX_MB", "10")
# Optional virus scan of attachments by ClamAV's clamd: a Unix socket path, or "host:port".
# Unset: no scan. Set but unreachable: uploads are refused (never taken unchecked).
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMAV_HOST = os.environ.get("CLAMAV_HOST", "")
REPORT_SOFT_TIME_LIMIT = max(REPORT_TIME_LIMIT - 30, REPORT_TIME_LIMIT * 9 // 10)
# A task unacknowledged this long (its worker died) is delivered again. It must exceed the
# longest render, or Redis hands a healthy running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", str(REPORT_TIME_LIMIT + 60))
}

# Caches (and what is built on them, such as rate limits) are shared by all web hosts and
# workers through Redis; process memory only on a machine without Redis.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- JSON API (/api/v1/, see fb15/api/) ------------------------------------------------------
# Requests per token (or session user) and minute; counted in the cache above (Redis in
# production, so every web process counts together). Beyond it: 429 with a German detail.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fb15.api.auth.TokenAuthentication",
        "fb15.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "fb15.api.auth.TokenScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["fb15.api.auth.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE_LIMIT},
    "DEFAULT_PAGINATION_CLASS": "fb15.api.listing.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "fb15.api.listing.FilterFormBackend",
        "fb15.api.listing.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "fb15.api.base.exception_handler",
    "NON_FIELD_ERRORS_KEY": "detail",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fb15 API",
    "DESCRIPTION": "Digitale Strategie, Maßnahmen, Standards und Berichte; lesen nach den "
    "Rechten der Person, schreiben (Statusmeldungen, Messwerte, Meilensteine) für die "
    "zuständigen Fachbereiche. Anmeldung: Sitzung im Browser oder persönliches Zugangstoken "
    "(Authorization: Bearer …).",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files (drf-spectacular-sidecar): no CDN, CSP 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ReportedStatusEnum": "measures.models.Status",
        "ReportStatusEnum": "reporting.models.ReportStatus",
        "StandardStatusEnum": "standards.models.StandardStatus",
        "ExemptionStatusEnum": "standards.models.ExemptionStatus",
    },
}

# --- Security: login protection, sessions, Content-Security-Policy ---------------------------
# django-axes records failed logins in the database (visible and removable by superusers in
# the admin: deleting an "Access attempt" unlocks). A user name OR an address with
# LOGIN_FAILURE_LIMIT failures is locked out for LOGIN_COOLOFF_MINUTES after the last one.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False  # no banner on every start
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_LOCKOUT_CALLABLE = "fb15.login_protection.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# No record of successful logins (a log of staff's working hours needs the staff council's
# consent); failed attempts are kept only until their cool-off has passed.
AXES_DISABLE_ACCESS_LOG = True
# Behind LOGIN_PROXY_COUNT reverse proxies the client is the address the outermost proxy put
# into X-Forwarded-For (see fb15/login_protection.py); 0 trusts only the TCP peer (REMOTE_ADDR).
LOGIN_PROXY_COUNT = envint("LOGIN_PROXY_COUNT", "0")
AXES_CLIENT_IP_CALLABLE = "fb15.login_protection.client_ip"
# Sessions end after SESSION_IDLE_HOURS without a request, and when the browser closes.
# fb15.security.IdleSessionMiddleware pushes the expiry forward (at most once a minute, so
# not every page pays a session write as with SESSION_SAVE_EVERY_REQUEST).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_HOURS", "8") * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Only our own files: no inline script or style, no framing, no plugins. PDFs are rendered
# by WeasyPrint on the server, which does not read this header. KERN's icons are data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Directory login: logging out of OpenID Connect redirects the logout form to the provider.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += form_action_origins(_oidc)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain HTTP inside the container network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step and font subset at INFO: one line per PDF page.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
