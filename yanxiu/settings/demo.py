"""The one-command demo: SQLite in var/, debug pages, tasks run immediately."""

from .base import *  # noqa: F403
from .base import SQLITE_OPTIONS, VAR_DIR

DEBUG = True
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "demo.sqlite3",
        "OPTIONS": SQLITE_OPTIONS,
    }
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
