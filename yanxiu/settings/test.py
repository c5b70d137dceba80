"""Tests: SQLite by default; YANXIU_TEST_DB=postgres runs the same suite on the real server.

YANXIU_PG_NAME names the database (its test copy is test_<name>), so that
several runs on one machine do not collide.
"""

import os
from typing import Any

from yanxiu.settings.base import *  # noqa: F403
from yanxiu.settings.base import SQLITE_OPTIONS, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]

if os.environ.get("YANXIU_TEST_DB", "sqlite") == "postgres":
    DATABASES: dict[str, dict[str, Any]] = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("YANXIU_PG_NAME", "yanxiu"),
            "USER": os.environ.get("YANXIU_PG_USER", "postgres"),
            "HOST": os.environ.get("YANXIU_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("YANXIU_PG_PORT", "5432"),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "test.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
            "TEST": {"NAME": None},
        }
    }

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
