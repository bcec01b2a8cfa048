"""Settings for bench/beat_peer.py only: the app's own settings plus django-celery-beat.

django-celery-beat is the peer the dispatcher is measured against, not part of the app: it is
installed by the `bench` extra and added to INSTALLED_APPS here, so the app's settings, its
migrations and its tests never see it.
"""

import json
import os
import time
from typing import Any

from celery.signals import beat_init

from planner.settings import *  # noqa: F403
from planner.settings import INSTALLED_APPS as APP_INSTALLED_APPS

INSTALLED_APPS = [*APP_INSTALLED_APPS, "django_celery_beat"]
# Beat runs only the per-user entries the bench wrote to the database: the app's own dispatcher
# and sweeper entries would otherwise be copied into it at start.
CELERY_BEAT_SCHEDULE = {}


def _mark_loaded(sender: Any, **kwargs: Any) -> None:
    """Write when beat has read its schedule and how many entries it holds.

    beat_init is sent by beat's service after it created its scheduler (which reads the
    whole schedule from the database) and before its first tick; the bench reads the file.
    """
    path = os.environ.get("BEAT_PEER_MARK")
    if path:
        scheduler = sender.scheduler
        mark = {"loaded_at": time.time(), "entries": len(scheduler._schedule or {})}
        with open(path, "w") as f:
            json.dump(mark, f)


beat_init.connect(_mark_loaded, weak=False)
