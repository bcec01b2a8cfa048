"""The reads that every day shown and every session logged make, in plain SQL.

As querysets, compiling these statements cost the API several times what running them did
(bench/api_bench.py: 0.68 ms of CPU against 0.14 ms for a plan's exercises, 0.29 against 0.07
for an exercise's recent logs, about twice for the plan's locked row), and they run on every
request of its two busiest calls. The columns come from the models' own metadata, and every
value goes through the converters the ORM would apply, so the results are those of the
querysets each docstring names (tests/planner/test_reads.py compares them on SQLite and
PostgreSQL).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Field, Model

from exercises.models import Exercise
from planner.models import Plan, PlanExercise, SessionLog

# The catalog fields a plan shows and decides with. The rest of an exercise (its texts, its
# JSON) is deferred: it loads, through the ORM, on first use.
EXERCISE_FIELDS = ("id", "slug", "name", "unit", "per_side")

Converter = Callable[[Any], Any]


def field_of(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def converters_of(field: Field[Any, Any]) -> list[Converter]:
    """What the ORM's compiler runs on a raw value of `field` (SQLite's dates and booleans)."""
    expression = field.get_col(field.model._meta.db_table)
    found = [
        *connection.ops.get_db_converters(expression),
        *field.get_db_converters(connection),  # type: ignore[attr-defined]
    ]
    return [
        functools.partial(convert, expression=expression, connection=connection)
        for convert in found
    ]


def converted(values: Any, converters: list[list[Converter]]) -> list[Any]:
    out = list(values)
    for i, column_converters in enumerate(converters):
        for convert in column_converters:
            out[i] = convert(out[i])
    return out


def column(model: type[Model], name: str) -> str:
    return connection.ops.quote_name(field_of(model, name).column)


@functools.cache
def own_plan_locked_read() -> tuple[str, list[str], list[list[Converter]]]:
    fields = list(Plan._meta.concrete_fields)
    sql = (
        f"SELECT {', '.join(connection.ops.quote_name(f.column) for f in fields)} "
        f"FROM {connection.ops.quote_name(Plan._meta.db_table)} "
        f"WHERE {column(Plan, 'id')} = %s AND {column(Plan, 'user')} = %s"
    )
    # SQLite has no row locks (nor the syntax): it serialises writers on the whole database.
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    return sql, [f.attname for f in fields], [converters_of(f) for f in fields]


def own_plan_locked(plan_id: int, user_id: int) -> Plan | None:
    """Plan.objects.select_for_update().filter(pk=plan_id, user_id=user_id).first(): the
    owner's plan, locked until the transaction ends, or None."""
    sql, attnames, converters = own_plan_locked_read()
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan_id, user_id])
        row = cursor.fetchone()
    return (
        None
        if row is None
        else Plan.from_db(connection.alias, attnames, converted(row, converters))
    )


@functools.cache
def plan_exercises_read() -> tuple[str, tuple[list[str], list[str]], list[list[Converter]]]:
    own = list(PlanExercise._meta.concrete_fields)
    # In the model's order of fields, which is the order Model.from_db expects values in.
    catalog = [f for f in Exercise._meta.concrete_fields if f.attname in EXERCISE_FIELDS]
    quote = connection.ops.quote_name
    columns = [f"pe.{quote(f.column)}" for f in own] + [f"ex.{quote(f.column)}" for f in catalog]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(PlanExercise._meta.db_table)} pe "
        f"JOIN {quote(Exercise._meta.db_table)} ex "
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


# One log as the engine reads it: day, done, pain during, next-morning pain.
LogRow = tuple[date, bool, int | None, int | None]

LOG_ROW_FIELDS = ("day", "done", "pain_during", "pain_next_morning")


@functools.cache
def logs_since_sql() -> str:
    columns = ", ".join(column(SessionLog, name) for name in LOG_ROW_FIELDS)
    return (
        f"SELECT {columns} FROM {connection.ops.quote_name(SessionLog._meta.db_table)} "
        f"WHERE {column(SessionLog, 'plan_exercise')} = %s AND {column(SessionLog, 'day')} >= %s"
    )


@functools.cache
def log_row_converters() -> list[list[Converter]]:
    return [converters_of(field_of(SessionLog, name)) for name in LOG_ROW_FIELDS]


def logs_since(item: PlanExercise, start: date) -> list[LogRow]:
    """item.logs.filter(day__gte=start).values_list("day", "done", "pain_during",
    "pain_next_morning"), unordered (over the UNIQUE (plan_exercise, day) index)."""
    with connection.cursor() as cursor:
        cursor.execute(logs_since_sql(), [item.pk, connection.ops.adapt_datefield_value(start)])
        rows = cursor.fetchall()
    converters = log_row_converters()
    return [
        (day, done, during, morning)
        for day, done, during, morning in (converted(row, converters) for row in rows)
    ]
