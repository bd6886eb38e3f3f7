"""The Celery app: ingestion, indexing and alerts run here, brokered by Redis."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctsearch.settings")

app = Celery("ctsearch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
