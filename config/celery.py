"""The Celery application: workers run `celery -A config worker`, beat `celery -A config beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("essaim")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
