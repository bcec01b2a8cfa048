"""Sign-in sessions that end after a time without use (SESSION_COOKIE_AGE), not a fixed time
after signing in: Django's database sessions, renewed as they are used.

Django renews a session's expiry only when the session is saved: on every request with
SESSION_SAVE_EVERY_REQUEST, which is a write on every page anyone signed in opens. Here a
session is saved again only once its last renewal is more than RENEW_AFTER old, so the idle
timeout holds to within that, for one write per person per RENEW_AFTER. A session whose
expiry was set to a fixed date (set_expiry(datetime)) keeps it.

Set SESSION_ENGINE = "kit.sessions".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.utils import timezone

RENEW_AFTER = timedelta(hours=1)


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        # Django's own read (it also forgets a key that is not found); django-stubs leaves it
        # out, being private.
        stored = self._get_session_from_db()  # type: ignore[attr-defined]
        if stored is None:
            return {}
        data: dict[str, Any] = self.decode(stored.session_data)
        expiry = data.get("_session_expiry")
        if isinstance(expiry, str):
            return data  # a fixed date: never moved
        # An expiry in seconds (set_expiry(n)) is this session's own idle time; 0 (ends when
        # the browser closes) and none are the default's.
        idle = timedelta(seconds=expiry or settings.SESSION_COOKIE_AGE)
        if stored.expire_date - timezone.now() < idle - RENEW_AFTER:
            # Saved when the response goes (SessionMiddleware), with its cookie: expiry and
            # cookie move to a full idle time from now.
            self.modified = True
        return data
