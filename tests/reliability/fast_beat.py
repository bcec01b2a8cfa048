"""The planner's Celery app with the dispatcher and sweeper ticking every few seconds
(`FAST_BEAT_EVERY`, default 1), so that a test or the soak sees many ticks in little time:
`celery -A tests.reliability.fast_beat beat`. Everything else is the app as configured."""

from __future__ import annotations

import os

from planner.celery import app

EVERY = float(os.environ.get("FAST_BEAT_EVERY", "1"))

app.conf.beat_schedule = {
    "dispatch-due-reminders": {
        "task": "planner.tasks.dispatch_due_reminders",
        "schedule": EVERY,
        "options": {"expires": EVERY * 5},
    },
    "sweep-unsent-deliveries": {
        "task": "planner.tasks.sweep_deliveries",
        "schedule": EVERY,
        "options": {"expires": EVERY * 5},
    },
}

__all__ = ["app"]
