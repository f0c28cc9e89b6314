"""Settings for Lianfang, read from the environment with safe defaults for the demo.

Environment variables (all optional):
  DATABASE_URL      default sqlite:///<LIANFANG_DATA_DIR>/lianfang.sqlite3 ; postgres://… for production
  LIANFANG_DATA_DIR default ./data (SQLite file, generated secret key, backups)
  SECRET_KEY        default: generated once and kept in <data dir>/secret_key
  DEBUG             default 0
  ALLOWED_HOSTS     default 127.0.0.1,localhost (comma separated)
  HTTPS             default 0; 1 behind TLS: secure cookies, HSTS, redirect
  LIANFANG_SESSION_IDLE_MINUTES  default 30
  LIANFANG_TASKS_BACKEND         default db (django-tasks-db); "rq" with REDIS_URL for scale-out
  LIANFANG_COMPLAINT_KEY_FILE    default <data dir>/keys/complaints.key (encrypts complaint filers)
  LIANFANG_SMTP_HOST (+ _PORT, _USER, _PASSWORD, _TLS), LIANFANG_MAIL_FROM: reminders by e-mail
  LIANFANG_SUPERVISION_EVALUATION  default inline; "queued": the worker checks the rules (high event rates)
  LIANFANG_SUPERVISION_GATHER_SECONDS  default 0.5: a queued check waits this long to take more cases
  LIANFANG_CONN_MAX_AGE          default 60: seconds a server thread keeps its database connection
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("LIANFANG_DATA_DIR", "data")).resolve()


def _secret_key() -> str:
    """Use SECRET_KEY when given; otherwise keep a generated key beside the data, never a fixed one."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "lianfang.core",
    "lianfang.audit",
    "lianfang.accounts",
    "lianfang.org",
    "lianfang.cycles",
    "lianfang.powers",
    "lianfang.risks",
    "lianfang.review",
    "lianfang.portal",
    "lianfang.complaints",
    "lianfang.workdays",
    "lianfang.supervision",
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
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lianfang.urls"
WSGI_APPLICATION = "lianfang.wsgi.application"

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
                "lianfang.core.context_processors.shell",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{DATA_DIR / 'lianfang.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two writers
    # queue behind the busy timeout instead of failing half-way with "database is locked". The backend is
    # Django's, with writers queued on locks (in the process, and across processes on a file beside the
    # database) instead of SQLite's sleeping busy handler.
    DATABASES["default"]["ENGINE"] = "lianfang.core.sqlite_backend"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
# Connections kept per server thread: opening one costs its PRAGMAs and, on SQLite, reading the whole
# schema again. (dj_database_url always sets CONN_MAX_AGE, to 0 unless the URL says otherwise.)
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("LIANFANG_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lianfang.accounts.passwords.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the cookie is renewed on every request, so it expires after this much inactivity.
SESSION_COOKIE_AGE = int(os.environ.get("LIANFANG_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = int(os.environ.get("LIANFANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LIANFANG_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lock the account, not the address: on an intranet many people share one NAT address, and locking it
# would shut out a whole building after one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- security headers ---------------------------------------------------------
HTTPS = env_bool("HTTPS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("LIANFANG_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static -----------------------------------------------------------------
STATIC_URL = "/static/"
# WhiteNoise serves the assets straight from the app folders: no collectstatic step, no CDN. Set
# LIANFANG_STATIC_ROOT only to collect them for a reverse proxy to serve.
STATIC_ROOT = os.environ.get("LIANFANG_STATIC_ROOT") or None
# Uploaded files (measure evidence) live in the data folder; they are served only through views that check
# scope, never from a public URL.
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- complaint box and mail ----------------------------------------------------
# The key that encrypts complaint filers' identities lives in a file outside the database (and outside
# backups): a database dump alone does not reveal who filed. `lianfang complaints keygen` writes it.
COMPLAINT_KEY_FILE = Path(
    os.environ.get("LIANFANG_COMPLAINT_KEY_FILE", str(DATA_DIR / "keys" / "complaints.key"))
)
COMPLAINT_MAX_UPLOAD_BYTES = int(os.environ.get("LIANFANG_COMPLAINT_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# Reminders go by e-mail only when an SMTP server is configured; in-app reminders always.
EMAIL_HOST = os.environ.get("LIANFANG_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("LIANFANG_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("LIANFANG_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LIANFANG_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LIANFANG_SMTP_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("LIANFANG_MAIL_FROM", "lianfang@localhost")

# Electronic supervision checks a case's rules as its events arrive ("inline"); "queued" hands the checks
# to the worker, which takes every case with new events in one run (for high event rates).
SUPERVISION_EVALUATION = os.environ.get("LIANFANG_SUPERVISION_EVALUATION", "inline")
# Queued mode: a worker run starts this many seconds after the first unchecked event, so the events of that
# time are checked together (each run of the rules costs tens of milliseconds, however few its cases).
SUPERVISION_GATHER_SECONDS = float(os.environ.get("LIANFANG_SUPERVISION_GATHER_SECONDS", "0.5"))

# --- background tasks ---------------------------------------------------------
if os.environ.get("LIANFANG_TASKS_BACKEND", "db") == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
