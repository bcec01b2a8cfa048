"""A send chunk's notices in the app, written in one statement.

Through the ORM (bulk_create) the chunk's 500 notices cost 0.08 ms of CPU each, a sixth of the
send path (bench/delivery_bench.py): it builds and compiles a row of parameters per notice. On
PostgreSQL they go as five arrays unnested into rows, the statement's text the same for any
number; the same rows either way (tests/planner/delivery/test_notices.py). Elsewhere (the
embedded SQLite) bulk_create writes them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from kit.sql import column, table
from planner.models import Notification


@dataclass(frozen=True)
class Notice:
    """A delivery's notice in the app, as its sender composed it."""

    user_id: int
    delivery_id: int
    title: str
    body: str
    link: str


@functools.cache
def write_sql() -> str:
    columns = ", ".join(
        column(Notification, name)
        for name in ("user", "delivery", "title", "body", "link", "created_at")
    )
    return (
        f"INSERT INTO {table(Notification)} ({columns}) "
        "SELECT person, delivery, title, body, link, %s "
        "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[]) "
        "AS notice(person, delivery, title, body, link) "
        # A retried delivery's notice is listed already: once is enough.
        f"ON CONFLICT ({column(Notification, 'delivery')}) DO NOTHING"
    )


def write(notices: Sequence[Notice]) -> None:
    """List the notices, each once: one whose delivery has its notice already is left out."""
    if not notices:
        return
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=n.user_id,
                    delivery_id=n.delivery_id,
                    title=n.title,
                    body=n.body,
                    link=n.link,
                )
                for n in notices
            ],
            ignore_conflicts=True,
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            write_sql(),
            [
                timezone.now(),
                [n.user_id for n in notices],
                [n.delivery_id for n in notices],
                [n.title for n in notices],
                [n.body for n in notices],
                [n.link for n in notices],
            ],
        )
