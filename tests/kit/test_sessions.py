"""Sign-in sessions end after a week without use, not a fixed time after signing in: each use
moves the end a week on (at most one write an hour), and a session left a week ends (issue
17)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from kit import sessions
from tests.personas import People

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)


def signed_in(people: People) -> tuple[Client, Session]:
    client = Client()
    client.force_login(people.rosa)
    return client, Session.objects.get(session_key=client.session.session_key)


def ends_at(session: Session, when: datetime) -> None:
    Session.objects.filter(pk=session.pk).update(expire_date=when)


def test_sessions_end_a_week_after_their_last_use() -> None:
    assert settings.SESSION_ENGINE == "kit.sessions"
    assert WEEK.total_seconds() == settings.SESSION_COOKIE_AGE


def test_using_a_session_moves_its_end_a_week_on(people: People) -> None:
    client, session = signed_in(people)
    # Last renewed two hours ago: it would end a week after that.
    ends_at(session, timezone.now() + WEEK - timedelta(hours=2))

    response = client.get("/plans/")

    assert response.status_code == 200
    session.refresh_from_db()
    assert abs(session.expire_date - (timezone.now() + WEEK)) < timedelta(minutes=1)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_a_session_renewed_within_the_hour_is_not_written_again(people: People) -> None:
    client, session = signed_in(people)
    end = timezone.now() + WEEK - sessions.RENEW_AFTER + timedelta(minutes=5)
    ends_at(session, end)

    response = client.get("/plans/")

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.expire_date == end
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_session_left_unused_for_a_week_has_ended(people: People) -> None:
    client, session = signed_in(people)
    ends_at(session, timezone.now() - timedelta(seconds=1))

    response = client.get("/plans/")

    assert response.status_code == 302
    assert "next=/plans/" in response["Location"]


def test_a_session_set_to_end_on_a_fixed_date_keeps_it(people: People) -> None:
    client, _ = signed_in(people)
    stored = client.session
    fixed = timezone.now() + timedelta(days=2)
    stored.set_expiry(fixed)
    stored.save()

    client.get("/plans/")

    session = Session.objects.get(session_key=stored.session_key)
    assert session.expire_date == fixed
