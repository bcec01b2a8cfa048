"""The write every session logged makes, in plain SQL, with the read that goes with it.

Logging a session inserts the log and reads the exercise's recent logs, the engine's history.
On PostgreSQL both go in one statement, a data-modifying WITH whose SELECT sees the logs as
they were before the INSERT, which is what the engine is given (with the new log added). A
second log of the same exercise and day breaks the UNIQUE (plan_exercise, day) constraint,
and that is the duplicate check: the database's, so it holds for any day, in or out of the
history read. As the ORM's `create` and a second statement, this cost about 0.4 ms more per
log (bench/api_bench.py), on the API's busiest write.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from django.db import IntegrityError, connection
from django.db.models import Field
from django.utils import timezone

from planner.models import SessionLog
from planner.reads import (
    LOG_ROW_FIELDS,
    LogRow,
    column,
    converted,
    field_of,
    log_row_converters,
    logs_since,
)

UNIQUE_DAY = "session_log_unique"


class AlreadyLogged(Exception):
    """The exercise has a log for that day already."""


@functools.cache
def inserted_fields() -> list[Field[Any, Any]]:
    """The fields an INSERT of a log names: all but the id, in the model's order."""
    return [f for f in SessionLog._meta.concrete_fields if not f.primary_key]


@functools.cache
def insert_sql() -> str:
    table = connection.ops.quote_name(SessionLog._meta.db_table)
    fields = inserted_fields()
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {column(SessionLog, 'id')}"


@functools.cache
def insert_with_history_sql() -> str:
    table = connection.ops.quote_name(SessionLog._meta.db_table)
    history = ", ".join(column(SessionLog, name) for name in LOG_ROW_FIELDS)
    # Row 0 carries the new id, the others one log each; NULL columns typed to match.
    return (
        f"WITH new AS ({insert_sql()}) "
        f"SELECT 0, {column(SessionLog, 'id')}, NULL::date, NULL::boolean, NULL::integer, "
        "NULL::integer FROM new "
        f"UNION ALL SELECT 1, NULL, {history} FROM {table} "
        f"WHERE {column(SessionLog, 'plan_exercise')} = %s AND {column(SessionLog, 'day')} >= %s"
    )


def insert_log(log: SessionLog, history_from: date) -> list[LogRow]:
    """log.save() for a new log, and reads.logs_since(log.plan_exercise, history_from) as they
    were before it; AlreadyLogged when the exercise has a log for that day. Runs in the
    caller's transaction, which is over once AlreadyLogged is raised."""
    assert log._state.adding and log.pk is None
    log.created_at = log.updated_at = timezone.now()
    # What the ORM's save sends for each field (dates and times adapted to the database).
    values = [f.get_db_prep_save(getattr(log, f.attname), connection) for f in inserted_fields()]
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                start = connection.ops.adapt_datefield_value(history_from)
                cursor.execute(insert_with_history_sql(), [*values, log.plan_exercise_id, start])
                rows = cursor.fetchall()
                log.pk = next(row[1] for row in rows if row[0] == 0)
                converters = log_row_converters()
                history: list[LogRow] = [
                    (day, done, during, morning)
                    for day, done, during, morning in (
                        converted(row[2:], converters) for row in rows if row[0] == 1
                    )
                ]
            else:
                history = logs_since(log.plan_exercise, history_from)
                cursor.execute(insert_sql(), values)
                (log.pk,) = cursor.fetchone()
    except IntegrityError as error:
        # PostgreSQL names the constraint; SQLite names its columns.
        message = str(error)
        if UNIQUE_DAY in message or (
            "UNIQUE constraint failed" in message and names_the_day_unique(message)
        ):
            raise AlreadyLogged from error
        raise
    log._state.adding = False
    log._state.db = connection.alias
    return history


def names_the_day_unique(message: str) -> bool:
    table = SessionLog._meta.db_table
    names = [field_of(SessionLog, name).column for name in ("plan_exercise", "day")]
    return all(f"{table}.{name}" in message for name in names)
