"""The one-command demo: SQLite in var/, the product's own error pages, tasks run immediately."""

from yanxiu.settings.base import *  # noqa: F403
from yanxiu.settings.base import SQLITE_OPTIONS, VAR_DIR

# Visitors see the product's Chinese 403/404/500 pages, never Django's debug page (which
# lists every URL pattern and, on an error, the settings).
DEBUG = False
# Without DEBUG, runserver serves no static files: WhiteNoise serves them straight from
# the apps' static folders, so `make demo` needs no collectstatic.
WHITENOISE_USE_FINDERS = True
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "demo.sqlite3",
        "OPTIONS": SQLITE_OPTIONS,
    }
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Errors still reach the terminal that runs the demo.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
