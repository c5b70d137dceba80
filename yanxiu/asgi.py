"""ASGI entry point (uvicorn yanxiu.asgi:application)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanxiu.settings.production")
application = get_asgi_application()
