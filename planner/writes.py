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

from django.db import IntegrityError, connection
from django.utils import timezone

from planner.models import Plan, PlanExercise, SessionLog
from planner.reads import (
    LOG_ROW_FIELDS,
    LogRow,
    column,
    converted,
    field_of,
    log_row_converters,
    logs_since,
)

# The columns an INSERT of a log names, in this order; `id` and the times come from here too.
INSERTED = (
    "plan",
    "plan_exercise",
    "day",
    "done",
    "amount_done",
    "pain_during",
    "pain_next_morning",
    "difficulty",
    "note",
    "created_at",
    "updated_at",
)
UNIQUE_DAY = "session_log_unique"


class AlreadyLogged(Exception):
    """The exercise has a log for that day already."""


@functools.cache
def insert_sql() -> str:
    table = connection.ops.quote_name(SessionLog._meta.db_table)
    columns = ", ".join(column(SessionLog, name) for name in INSERTED)
    values = ", ".join(["%s"] * len(INSERTED))
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


def insert_log(
    *,
    plan: Plan,
    plan_exercise: PlanExercise,
    day: date,
    done: bool,
    amount_done: int | None,
    pain_during: int | None,
    pain_next_morning: int | None,
    difficulty: int | None,
    note: str,
    history_from: date,
) -> tuple[SessionLog, list[LogRow]]:
    """SessionLog.objects.create(...) and reads.logs_since(plan_exercise, history_from) as
    they were before it; AlreadyLogged when the exercise has a log for `day`. Runs in the
    caller's transaction, which is over once AlreadyLogged is raised."""
    now = timezone.now()
    values = [
        plan.pk,
        plan_exercise.pk,
        connection.ops.adapt_datefield_value(day),
        done,
        amount_done,
        pain_during,
        pain_next_morning,
        difficulty,
        note,
        connection.ops.adapt_datetimefield_value(now),
        connection.ops.adapt_datetimefield_value(now),
    ]
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    insert_with_history_sql(),
                    [*values, plan_exercise.pk, connection.ops.adapt_datefield_value(history_from)],
                )
                rows = cursor.fetchall()
                log_id = next(row[1] for row in rows if row[0] == 0)
                converters = log_row_converters()
                history: list[LogRow] = [
                    (day_, done_, during, morning)
                    for day_, done_, during, morning in (
                        converted(row[2:], converters) for row in rows if row[0] == 1
                    )
                ]
            else:
                history = logs_since(plan_exercise, history_from)
                cursor.execute(insert_sql(), values)
                (log_id,) = cursor.fetchone()
    except IntegrityError as error:
        # PostgreSQL names the constraint; SQLite names its columns.
        message = str(error)
        if UNIQUE_DAY in message or (
            "UNIQUE constraint failed" in message and column_names_day_unique(message)
        ):
            raise AlreadyLogged from error
        raise
    log = SessionLog(
        id=log_id,
        plan=plan,
        plan_exercise=plan_exercise,
        day=day,
        done=done,
        amount_done=amount_done,
        pain_during=pain_during,
        pain_next_morning=pain_next_morning,
        difficulty=difficulty,
        note=note,
        created_at=now,
        updated_at=now,
    )
    log._state.adding = False
    log._state.db = connection.alias
    return log, history


def column_names_day_unique(message: str) -> bool:
    table = SessionLog._meta.db_table
    names = [field_of(SessionLog, name).column for name in ("plan_exercise", "day")]
    return all(f"{table}.{name}" in message for name in names)
