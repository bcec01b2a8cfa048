"""The statements written by hand for the API's busiest calls, a day and a logged session.

bench/api_bench.py measured them: as querysets, compiling a plan's exercises with their
exercise cost 0.68 ms of CPU against 0.14 ms to run, the owner's locked plan about twice its
running, and logging a session as the ORM's INSERT plus a second statement for the engine's
history cost about 0.4 ms more per log. Returned to the ORM, the three together took the
logging endpoint from 2.02x to 2.35x of the floor (bench/results/).
Names and conversions come from the models' metadata (kit.sql); the results are those of the
querysets each docstring names (tests/planner/plans/test_statements.py compares them on SQLite
and PostgreSQL).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, connection
from django.db.models import Field, JSONField
from django.utils import timezone

from exercises.models import Exercise
from kit import translated
from kit.sql import (
    Converter,
    among,
    built,
    column,
    columns,
    converted,
    converters_of,
    field_of,
    shared_values,
    table,
)
from planner.engine.progression import SessionRecord
from planner.models import PlanExercise, SessionLog
from planner.models.plans import Plan

# The largest key a (64-bit) primary key column holds.
MAX_ID = 2**63 - 1


@functools.cache
def own_plan_locked_read() -> tuple[str, list[str], list[list[Converter]]]:
    fields = list(Plan._meta.concrete_fields)
    sql = (
        f"SELECT {columns(fields)} FROM {table(Plan)} "
        f"WHERE {column(Plan, 'id')} = %s AND {column(Plan, 'user')} = %s"
    )
    # SQLite has no row locks (nor the syntax): it serialises writers on the whole database.
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    return sql, [f.attname for f in fields], [converters_of(f) for f in fields]


def own_plan_locked(plan_id: int, user_id: int) -> Plan | None:
    """Plan.objects.select_for_update().filter(pk=plan_id, user_id=user_id).first(): the
    owner's plan, locked until the transaction ends, or None. The first read of every logged
    session: as a queryset its compiling cost about twice its running (bench/api_bench.py)."""
    if not 0 < plan_id <= MAX_ID:
        return None  # no such row; SQLite would refuse the number itself
    sql, attnames, converters = own_plan_locked_read()
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan_id, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return Plan.from_db(connection.alias, attnames, converted(row, converters))


# The catalog fields a plan shows and decides with, and its cautions, which every day's
# answer carries (a short JSON list: reading it here costs no query, a second query would).
# The rest of an exercise (its texts, its other JSON) is deferred: it loads, through the ORM,
# on first use.
# The name and cautions are read in the active language (modeltranslation), so their columns
# per language come too: one left out would be read again, exercise by exercise, when shown.
EXERCISE_FIELDS = (
    "id",
    "slug",
    *translated.columns("name", "cautions"),
    "unit",
    "per_side",
    "picture",
    "phases",
    # The versions' names per language (Exercise.version_names), for the dose in words.
    "version_names",
)

# A log as the engine reads it (progression.SessionRecord, see history_record).
HISTORY_FIELDS = ("day", "done", "pain_during", "pain_next_morning", "partial")


def history_record(row: Sequence[Any]) -> SessionRecord:
    """One log's HISTORY_FIELDS as the engine's record."""
    day, done, pain_during, pain_next_morning, partial = row
    return SessionRecord(day, done, pain_during, pain_next_morning, partial=partial)


@functools.cache
def plan_exercises_read() -> tuple[str, tuple[list[str], list[str]], list[list[Converter]]]:
    own = list(PlanExercise._meta.concrete_fields)
    # In the model's order of fields, which is the order Model.from_db expects values in.
    catalog = [f for f in Exercise._meta.concrete_fields if f.attname in EXERCISE_FIELDS]
    sql = (
        f"SELECT {columns(own, 'pe')}, {columns(catalog, 'ex')} "
        f"FROM {table(PlanExercise)} pe JOIN {table(Exercise)} ex "
        f"ON ex.{column(Exercise, 'id')} = pe.{column(PlanExercise, 'exercise')} "
        f"WHERE pe.{column(PlanExercise, 'plan')} = %s "
        f"ORDER BY pe.{column(PlanExercise, 'order')}, pe.{column(PlanExercise, 'id')}"
    )
    attnames = [f.attname for f in own], [f.attname for f in catalog]
    return sql, attnames, [converters_of(f) for f in [*own, *catalog]]


def plan_exercises(plan: Plan) -> list[PlanExercise]:
    """plan.exercises.select_related("exercise").order_by("order", "pk"), with each exercise
    loaded with EXERCISE_FIELDS only."""
    sql, (own_names, catalog_names), converters = plan_exercises_read()
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan.pk])
        rows = cursor.fetchall()
    own = len(own_names)
    items = []
    for row in rows:
        values = converted(row, converters)
        item = PlanExercise.from_db(connection.alias, own_names, values[:own])
        item.exercise = Exercise.from_db(connection.alias, catalog_names, values[own:])
        item.plan = plan
        items.append(item)
    return items


@functools.cache
def plans_exercises_read() -> tuple[str, list[str], list[tuple[int, list[Converter], bool]]]:
    """The statement (with `{which}` for the plans' ids), the attnames in the model's order and,
    for each column that needs converting, its index, converters and whether it holds JSON."""
    own = list(PlanExercise._meta.concrete_fields)
    sql = (
        f"SELECT {columns(own)} FROM {table(PlanExercise)} "
        f"WHERE {column(PlanExercise, 'plan')} {{which}} "
        f"ORDER BY {column(PlanExercise, 'plan')}, {column(PlanExercise, 'order')}, "
        f"{column(PlanExercise, 'id')}"
    )
    converting = [
        (index, found, isinstance(f, JSONField))
        for index, f in enumerate(own)
        if (found := converters_of(f))
    ]
    return sql, [f.attname for f in own], converting


def plans_exercises(plan_ids: Sequence[int]) -> list[PlanExercise]:
    """PlanExercise.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "order", "pk")
    for a send chunk's hundreds of plans, built as kit.sql.built builds (the ORM's instances
    cost a third of reading a chunk). Their JSON lists (the versions' names, the earlier
    frequencies) are shared between rows with the same: read them, never change them."""
    sql, attnames, converting = plans_exercises_read()
    which, params = among(plan_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(which=which), params)
        rows = cursor.fetchall()
    converters = [
        (index, shared_values(found) if json else found) for index, found, json in converting
    ]
    alias = connection.alias
    items = []
    for row in rows:
        values = list(row)
        for index, found in converters:
            for convert in found:
                values[index] = convert(values[index])
        items.append(built(PlanExercise, attnames, values, alias))
    return items


class AlreadyLogged(Exception):
    """The exercise has a log for that day already."""


UNIQUE_DAY = "session_log_unique"


@functools.cache
def inserted_fields() -> list[Field[Any, Any]]:
    """The fields an INSERT of a log names: all but the id, in the model's order."""
    return [f for f in SessionLog._meta.concrete_fields if not f.primary_key]


@functools.cache
def insert_with_history_sql() -> str:
    """PostgreSQL's data-modifying WITH: the INSERT, and the exercise's logs as they were
    before it. Row 0 carries the new id, the others one log each; NULL columns typed to match."""
    fields = inserted_fields()
    history = ", ".join(column(SessionLog, name) for name in HISTORY_FIELDS)
    return (
        f"WITH new AS (INSERT INTO {table(SessionLog)} ({columns(fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {column(SessionLog, 'id')}) "
        f"SELECT 0, {column(SessionLog, 'id')}, NULL::date, NULL::boolean, NULL::integer, "
        "NULL::integer, NULL::boolean FROM new "
        f"UNION ALL SELECT 1, NULL, {history} FROM {table(SessionLog)} "
        f"WHERE {column(SessionLog, 'plan_exercise')} = %s AND {column(SessionLog, 'day')} >= %s"
    )


@functools.cache
def history_converters() -> list[list[Converter]]:
    return [converters_of(field_of(SessionLog, name)) for name in HISTORY_FIELDS]


def insert_log(log: SessionLog, history_from: date) -> tuple[SessionLog, list[SessionRecord]]:
    """The unsaved `log` saved (as the instance the ORM would read back), and the exercise's
    logs from `history_from` on as they were before it:
    log.plan_exercise.logs.filter(day__gte=history_from), read first.
    AlreadyLogged when the exercise has a log for that day. Runs in the caller's transaction,
    which is over once AlreadyLogged is raised.

    On PostgreSQL both are one statement; elsewhere the ORM reads, then saves.
    """
    try:
        if connection.vendor != "postgresql":
            history = [
                history_record(row)
                for row in SessionLog.objects.filter(
                    plan_exercise_id=log.plan_exercise_id, day__gte=history_from
                ).values_list(*HISTORY_FIELDS)
            ]
            log.save(force_insert=True)
            return log, history
        log.created_at = log.updated_at = timezone.now()
        fields = inserted_fields()
        # What the ORM's save sends for each field (dates and times adapted to the database).
        values = [f.get_db_prep_save(getattr(log, f.attname), connection) for f in fields]
        start = connection.ops.adapt_datefield_value(history_from)
        with connection.cursor() as cursor:
            cursor.execute(insert_with_history_sql(), [*values, log.plan_exercise_id, start])
            rows = cursor.fetchall()
    except IntegrityError as error:
        if is_day_taken(str(error)):
            raise AlreadyLogged from error
        raise
    new_id = next(row[1] for row in rows if row[0] == 0)
    saved = SessionLog.from_db(
        connection.alias,
        [field_of(SessionLog, "id").attname, *(f.attname for f in fields)],
        [new_id, *(getattr(log, f.attname) for f in fields)],
    )
    saved.plan, saved.plan_exercise = log.plan, log.plan_exercise
    history = [
        history_record(converted(row[2:], history_converters())) for row in rows if row[0] == 1
    ]
    return saved, history


def is_day_taken(message: str) -> bool:
    """Whether an IntegrityError broke the UNIQUE (plan_exercise, day) constraint: PostgreSQL
    names the constraint, SQLite its columns."""
    names = [field_of(SessionLog, name).column for name in ("plan_exercise", "day")]
    return UNIQUE_DAY in message or (
        "UNIQUE constraint failed" in message
        and all(f"{SessionLog._meta.db_table}.{name}" in message for name in names)
    )
