"""Settings shared by every profile."""

import os
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
from csp.constants import SELF, UNSAFE_INLINE

# Django's classes that are generic in django-stubs (ModelAdmin[Course], ModelForm[Zone] …)
# take their type arguments at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

# The demo's keys: production.py reads both from the environment.
SECRET_KEY = "insecure-demo-key-change-me"  # noqa: S105
# Key that protects national ID numbers at rest (Fernet, url-safe base64 of 32 bytes).
# Production reads it from YANXIU_ID_KEY; losing it makes stored ID numbers unreadable.
ID_NUMBER_KEY = "ZGVtby1rZXktZm9yLWlkLW51bWJlcnMtMzItYnl0ZXM="
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # The API docs (Swagger UI) render from ninja's bundled static files, not a CDN.
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "yanxiu.core",
    "yanxiu.web",
    "yanxiu.orgs",
    "yanxiu.imports",
    "yanxiu.credits",
    "yanxiu.certificates",
    "yanxiu.credit_imports",
    "yanxiu.roster",
    "yanxiu.training",
    "yanxiu.notifications",
    "yanxiu.projects",
    "yanxiu.learning",
    "yanxiu.api",
    "yanxiu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "yanxiu.web.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yanxiu.core.audit.LazyActorAuditlogMiddleware",
    "yanxiu.web.middleware.DomainErrorMiddleware",
    "yanxiu.core.busy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "yanxiu.urls"
WSGI_APPLICATION = "yanxiu.wsgi.application"
ASGI_APPLICATION = "yanxiu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yanxiu.web.context_processors.navigation",
                "yanxiu.notifications.context_processors.bell",
            ],
        },
    },
]

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Sessions: a working day (12 hours, as long as a study pass) from sign-in. On shared
# computers (a school office, a training room) YANXIU_SESSION_EXPIRE_AT_BROWSER_CLOSE=1
# also ends them when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("YANXIU_SESSION_COOKIE_AGE", str(12 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = os.environ.get("YANXIU_SESSION_EXPIRE_AT_BROWSER_CLOSE") == "1"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "yanxiu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Uploaded import files are deleted this many days after upload (purge_import_files);
# the import record keeps the file's SHA-256.
IMPORT_FILE_RETENTION_DAYS = 30
# Lifetime of the signed object-storage URL a file download redirects to.
UPLOAD_URL_EXPIRY_SECONDS = 300

# Uploaded roster and credit files are read in memory up to this size.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# Limits on an imported spreadsheet, checked before it is parsed (yanxiu/imports/tables.py):
# a file of 647 KB can unpack into millions of rows. The parser itself runs in a child
# process that may use at most IMPORT_PARSER_MEMORY_BYTES and IMPORT_PARSE_SECONDS.
IMPORT_MAX_FILE_BYTES = 20 * 1024 * 1024
IMPORT_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
IMPORT_MAX_COMPRESSION_RATIO = 100
IMPORT_MAX_ROWS = 300_000
IMPORT_PARSER_MEMORY_BYTES = 768 * 1024 * 1024
IMPORT_PARSE_SECONDS = 60

# SQLite tuning for the demo and the SQLite test run: WAL, write transactions
# that take the lock up front, and a busy timeout instead of "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}

AUDITLOG_INCLUDE_ALL_MODELS = False

# --- Online study: how many times a teacher may submit one unit's quiz, so the answers
# cannot be found by trying every combination.
LEARNING_QUIZ_MAX_ATTEMPTS = int(os.environ.get("YANXIU_QUIZ_MAX_ATTEMPTS", "5"))


# --- Content-Security-Policy (django-csp), enforced -------------------------------
def csp_directives(media_origins: Sequence[str] = ()) -> dict[str, list[str]]:
    """The site-wide policy; ``media_origins`` are where uploaded media is fetched from
    when it is not this site (an object-storage bucket in production).

    Scripts come only from our own static files: no inline script, no handler
    attributes, no eval, so an injected <script> or onerror= does not run. Styles still
    allow inline style= attributes, which templates use and which cannot run script.
    PDFs are read in an <object> of our own origin, so frames of our own origin may
    embed our responses; no other site may frame them.
    """
    media = [SELF, *media_origins]
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [*media, "data:"],
        "media-src": media,
        "object-src": media,
        "connect-src": [SELF],
        "frame-ancestors": [SELF],
        "base-uri": [SELF],
        "form-action": [SELF],
    }


CONTENT_SECURITY_POLICY: dict[str, Any] = {"DIRECTIVES": csp_directives()}

# The cache holds short-lived counters (sign-in code attempts). Local memory serves one
# process (the demo, the tests); production shares Redis between workers (production.py).
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Classroom sign-in: wrong typed codes allowed per teacher in a window, then a wait;
# how long a scanned QR link stays valid (the code on the screen rotates every 30 s).
TRAINING_SIGN_IN_CODE_FAILURES = 5
TRAINING_SIGN_IN_CODE_WINDOW = timedelta(minutes=10)
TRAINING_SIGN_IN_LINK_MAX_AGE = timedelta(minutes=3)
# ID numbers on an uploaded paper sign-in sheet that match nobody admitted, per uploader
# and window, for uploaders who do not manage the region's roster (each is a guess).
TRAINING_SHEET_UNKNOWN_IDS = 30
TRAINING_SHEET_UNKNOWN_IDS_WINDOW = timedelta(days=1)

# ---------------------------------------------------------------- login throttling (django-axes)
# A username at one address is locked after 5 failures within 15 minutes, for 15 minutes;
# an address alone only after LOGIN_FAILURES_PER_ADDRESS (schools share NAT addresses).
# Unlock: the admin's "Access attempts" page, or `manage.py axes_reset_username <name>`
# (`axes_reset_ip <address>` for an address over its ceiling). See yanxiu/web/logins.py.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE += [
    "yanxiu.web.password_change.PasswordChangeRequiredMiddleware",
    # Axes turns a lockout into its page; its documentation asks for it last.
    "axes.middleware.AxesMiddleware",
]
AXES_HANDLER = "yanxiu.web.logins.LoginAttempts"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_FAILURES_PER_ADDRESS = 100
AXES_LOCKOUT_CALLABLE = "yanxiu.web.logins.locked_out"
# A successful login must not wipe the address's count (an attacker holding one account
# could otherwise reset the ceiling at will).
AXES_RESET_ON_SUCCESS = False
# Who the client is: django-ipware is not installed, so axes asks our own function.
AXES_CLIENT_IP_CALLABLE = "yanxiu.web.logins.client_address"
# How many reverse proxies of ours stand in front (production: nginx, so 1), and the
# request.META key where each appends the address it saw. 0: trust only the socket.
TRUSTED_PROXY_COUNT = 0
CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
