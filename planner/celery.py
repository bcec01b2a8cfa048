"""The Celery app. Broker and options come from Django settings (the `CELERY_` namespace)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")

app = Celery("planner")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks live with the delivery machinery (planner/delivery/tasks.py).
app.autodiscover_tasks(["planner.delivery"])
