"""WSGI entry point (gunicorn yanxiu.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanxiu.settings.production")
application = get_wsgi_application()
