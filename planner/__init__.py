"""The project package and the plans app."""

from planner.celery import app as celery_app

__all__ = ["celery_app"]
