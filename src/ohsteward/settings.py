"""ohsteward settings: everything comes from environment variables (docs/configuration.md).

One settings module, no per-environment trees. ``OHSTEWARD_DEMO=1`` (set by ``ohsteward demo``
and by the test suite) relaxes the secret-key rule: a key is generated once and kept in the
data directory. Production (neither debug nor demo) refuses to start without a secret key.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("OHSTEWARD_DEBUG")
DEMO = env_bool("OHSTEWARD_DEMO")
# The test suite runs like demo mode, with its data directory in a temporary folder.
TESTING = "pytest" in sys.modules
DATA_DIR = Path(
    os.environ.get("OHSTEWARD_DATA_DIR")
    or (Path(tempfile.gettempdir()) / "ohsteward-test" if TESTING else Path.home() / ".ohsteward")
).expanduser()


def _secret_key() -> str:
    key = os.environ.get("OHSTEWARD_SECRET_KEY", "")
    if key:
        return key
    if not (DEBUG or DEMO or TESTING):
        raise ImproperlyConfigured(
            "OHSTEWARD_SECRET_KEY is not set. Production mode refuses to start without it "
            "(see docs/configuration.md); use `ohsteward demo` to try the system."
        )
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("OHSTEWARD_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("OHSTEWARD_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "ohsteward.core",
    "ohsteward.accounts",
    "ohsteward.registry",
    "ohsteward.hazards",
    "ohsteward.intake",
    "ohsteward.declarations",
    "ohsteward.api",
    "ohsteward.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ohsteward.core.audit.AuditUserMiddleware",
]

ROOT_URLCONF = "ohsteward.urls"
WSGI_APPLICATION = "ohsteward.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ohsteward.web.context.navigation",
            ],
        },
    }
]


def _database() -> dict:
    url = os.environ.get("OHSTEWARD_DATABASE_URL", "")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("OHSTEWARD_SQLITE_PATH") or str(DATA_DIR / "ohsteward.sqlite3"),
        # WAL lets readers (list pages) go on while an import writes.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["ohsteward.accounts.backends.ThrottledModelBackend"]
# Login lockout: after this many failures for one username (or one client address) within the
# window, further attempts are refused until the window has passed.
OHSTEWARD_LOGIN_MAX_FAILURES = int(os.environ.get("OHSTEWARD_LOGIN_MAX_FAILURES", "5"))
OHSTEWARD_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("OHSTEWARD_LOGIN_LOCKOUT_SECONDS", "900"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves from the app folders (USE_FINDERS) and warns when STATIC_ROOT is missing.
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:  # pragma: no cover - read-only data dir: collectstatic will say so
    pass
# Production (not debug, not the test suite): `ohsteward serve` runs collectstatic at start, which
# writes hashed, gzip- and brotli-compressed copies; WhiteNoise serves them with a far-future,
# immutable Cache-Control (the name changes when the content does). Debug and tests serve the
# source files through the finders.
STATIC_MANIFEST = env_bool("OHSTEWARD_STATIC_MANIFEST", not (DEBUG or TESTING))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if STATIC_MANIFEST
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_ROOT = DATA_DIR / "media"

# `ohsteward serve` runs several worker processes: what one process counts (login failures) or
# keeps (list counts) must be seen by the others, so outside the test suite the cache is a
# directory in the data dir, shared by the processes of one machine.
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(DATA_DIR / "cache"), "OPTIONS": {"MAX_ENTRIES": 10000}}}
# Lists keep the total count of a query (same jurisdiction, filters, search) this many seconds
# instead of counting again for every page (core/pagination.py); 0 = count every time.
OHSTEWARD_LIST_COUNT_CACHE_SECONDS = int(os.environ.get("OHSTEWARD_LIST_COUNT_CACHE_SECONDS", "0" if TESTING else "30"))

# `ohsteward serve` (docs/configuration.md): gunicorn worker processes (0 = 2 × CPU cores), threads
# per worker (empty = 1 for gunicorn, 8 for waitress) and the seconds a request may take before
# gunicorn replaces the worker (large imports through the web run inside a request).
OHSTEWARD_WORKERS = int(os.environ.get("OHSTEWARD_WORKERS", "0") or 0)
OHSTEWARD_THREADS = int(os.environ.get("OHSTEWARD_THREADS", "0") or 0) or None
OHSTEWARD_WORKER_TIMEOUT = int(os.environ.get("OHSTEWARD_WORKER_TIMEOUT", "300") or 300)

# Uploads: spreadsheets are read in memory; the limit is stated to users on the import page.
OHSTEWARD_MAX_UPLOAD_MB = int(os.environ.get("OHSTEWARD_MAX_UPLOAD_MB", "20"))
OHSTEWARD_MAX_IMPORT_ROWS = int(os.environ.get("OHSTEWARD_MAX_IMPORT_ROWS", "200000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = OHSTEWARD_MAX_UPLOAD_MB * 1024 * 1024 + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# Matching thresholds for source intake (declarations app); see docs/domain/matching.md.
OHSTEWARD_MATCH_FUZZY_ACCEPT = float(os.environ.get("OHSTEWARD_MATCH_FUZZY_ACCEPT", "0") or 0) or None
OHSTEWARD_MATCH_FUZZY_REVIEW = float(os.environ.get("OHSTEWARD_MATCH_FUZZY_REVIEW", "0") or 0) or None

# 年度更新 of declarations is a local rule (RULES.md §8.1 [?]): "MM-DD" = due every year on that day,
# empty = no annual update required.
OHSTEWARD_DECLARATION_ANNUAL_UPDATE = os.environ.get("OHSTEWARD_DECLARATION_ANNUAL_UPDATE", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ohsteward.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ohsteward.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "ohsteward.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ohsteward.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ohsteward API",
    "DESCRIPTION": "职业健康管家服务平台 REST API. Authenticate with `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "RiskClassEnum": "ohsteward.registry.choices.RiskClass",
        "SourceRowStatusEnum": "ohsteward.intake.choices.RowStatus",
        "SourceKindEnum": "ohsteward.intake.choices.SourceKind",
        "DeclarationKindEnum": "ohsteward.declarations.choices.DeclarationKind",
        "EntryStatusEnum": "ohsteward.declarations.choices.EntryStatus",
        "DeclarationStatusEnum": "ohsteward.declarations.choices.DeclarationStatus",
    },
}

# Hardened settings when not in debug.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not DEMO and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("OHSTEWARD_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("OHSTEWARD_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("OHSTEWARD_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = int(os.environ.get("OHSTEWARD_HSTS_SECONDS", "0"))
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-less meta tag instead

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OHSTEWARD_LOG_LEVEL", "WARNING")},
}
