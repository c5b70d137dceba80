"""Production: PostgreSQL from DATABASE_URL, secure cookies, WhiteNoise, S3 storage, DB task queue.

Every secret comes from the environment; see docs/deployment.md.
"""

import os
from pathlib import Path

import dj_database_url
from botocore.config import Config

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["YANXIU_SECRET_KEY"]
ID_NUMBER_KEY = os.environ["YANXIU_ID_KEY"]
ALLOWED_HOSTS = os.environ.get("YANXIU_ALLOWED_HOSTS", "localhost").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("YANXIU_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
    )
}

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# nginx appends the client's address to X-Forwarded-For (docs/deployment.md); login
# throttling reads it only behind this many proxies of ours.
TRUSTED_PROXY_COUNT = int(os.environ.get("YANXIU_TRUSTED_PROXY_COUNT", "1"))
SECURE_SSL_REDIRECT = os.environ.get("YANXIU_SSL_REDIRECT", "1") == "1"
# The proxy's and the load balancer's liveness probes speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("YANXIU_HSTS_SECONDS", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True

STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ["YANXIU_S3_BUCKET"],
                "endpoint_url": os.environ.get("YANXIU_S3_ENDPOINT_URL"),
                "access_key": os.environ.get("YANXIU_S3_ACCESS_KEY"),
                "secret_key": os.environ.get("YANXIU_S3_SECRET_KEY"),
                "region_name": os.environ.get("YANXIU_S3_REGION", "us-east-1"),
                "file_overwrite": False,
                # botocore >= 1.36 adds CRC checksums to every upload by default;
                # MinIO-style stores reject them, so send them only when required.
                "client_config": Config(
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                ),
            },
        }
        if os.environ.get("YANXIU_S3_BUCKET")
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if os.environ.get("YANXIU_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["YANXIU_STATIC_ROOT"])

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Throttle counters must be shared by every worker: the same Redis as the study store.
if os.environ.get("YANXIU_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["YANXIU_REDIS_URL"],
            "KEY_PREFIX": "yanxiu",
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YANXIU_LOG_LEVEL", "INFO")},
}
