"""Production: PostgreSQL from DATABASE_URL, secure cookies, WhiteNoise, S3 storage, DB task queue.

Every secret comes from the environment; see docs/deployment.md.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from botocore.config import Config

from yanxiu.settings.base import *  # noqa: F403
from yanxiu.settings.base import csp_directives

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
# The reverse proxy terminates TLS and must set X-Forwarded-Proto (overwriting any value
# the client sent); Django then knows the request came over HTTPS. See docs/deployment.md.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# nginx appends the client's address to X-Forwarded-For (docs/deployment.md); login
# throttling reads it only behind this many proxies of ours.
TRUSTED_PROXY_COUNT = int(os.environ.get("YANXIU_TRUSTED_PROXY_COUNT", "1"))
SECURE_SSL_REDIRECT = os.environ.get("YANXIU_SSL_REDIRECT", "1") == "1"
# The proxy's and the load balancer's liveness probes speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# --- HSTS: browsers refuse plain HTTP to this host for a year once they have seen it.
# YANXIU_HSTS_SECONDS=0 turns it off (a host not yet fully on HTTPS); subdomains are
# included unless YANXIU_HSTS_INCLUDE_SUBDOMAINS=0 (e.g. an intranet host beside plain
# HTTP ones); preload only on request, as leaving the preload list takes months.
SECURE_HSTS_SECONDS = int(os.environ.get("YANXIU_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("YANXIU_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("YANXIU_HSTS_PRELOAD", "0") == "1"
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

# --- Content-Security-Policy: media fetched from the bucket (signed URLs) comes from its
# origin; YANXIU_MEDIA_ORIGINS lists them (comma-separated), by default the S3 endpoint's.
_endpoint = os.environ.get("YANXIU_S3_ENDPOINT_URL", "")
MEDIA_ORIGINS = [
    o
    for o in os.environ.get(
        "YANXIU_MEDIA_ORIGINS",
        "{0.scheme}://{0.netloc}".format(urlsplit(_endpoint)) if _endpoint else "",
    ).split(",")
    if o
]
CONTENT_SECURITY_POLICY = {"DIRECTIVES": csp_directives(MEDIA_ORIGINS)}

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
