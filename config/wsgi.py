"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()

# What is loaded by now (Django, Wagtail, settings, apps, models) lives as long as the process: moved
# out of the garbage collector's sight, a full collection no longer walks it. Without this, pages that
# build many objects (the national dashboard) paused for a quarter of a second every dozen requests.
gc.freeze()
