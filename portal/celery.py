"""The Celery application: the task queue of long work (cooperation/jobs.py sends to it).

A worker: `celery -A portal worker --concurrency 2 --loglevel INFO`, with the same
environment as the web servers (DATABASE_URL, REDIS_URL, the storage). Its settings are the
CELERY_* names of portal/settings.py; without a broker nothing is sent here and work runs in
a thread of the web server instead.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["cooperation"])
