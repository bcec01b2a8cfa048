"""The reads that every day shown, every session logged and every look at the patient list
make, in plain SQL.

As querysets, compiling these statements cost the API several times what running them did
(bench/api_bench.py: 0.68 ms of CPU against 0.14 ms for a plan's exercises, 0.29 against 0.07
for an exercise's recent logs, about twice for the plan's locked row; for the patient list's
marks, parsing their timestamps cost as much again), and they run on every request of its
three busiest calls. The columns come from the models' own metadata, and every
value goes through the converters the ORM would apply, so the results are those of the
querysets each docstring names (tests/planner/test_reads.py compares them on SQLite and
PostgreSQL).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Field, Model

from exercises.models import Exercise
from planner.models import CareLink, Plan, PlanExercise, Program, RedFlagReport, SessionLog

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


# One runner's plan as the patient list's freshness check sees it: runner id, username, plan
# id, when the plan was last saved, its open warning signs, when its logs last changed, and
# when any program was last saved (an admin renaming one). The times are text: they are only
# compared, and parsing two hundred of them cost more than the query. A runner with no plan
# comes once, with None for each of the plan's four.
MarkRow = tuple[int, str, int | None, str | None, int, str | None, str | None]


@functools.cache
def runner_marks_sql() -> str:
    quote = connection.ops.quote_name
    plan_id, plan_user = column(Plan, "id"), column(Plan, "user")
    plan_columns = (
        f"p.{plan_id} AS plan_id, CAST(p.{column(Plan, 'updated_at')} AS TEXT) AS saved, "
        f"(SELECT COUNT(*) FROM {quote(RedFlagReport._meta.db_table)} f "
        f"WHERE f.{column(RedFlagReport, 'plan')} = p.{plan_id} "
        f"AND (p.{column(Plan, 'status')} = %s OR f.{column(RedFlagReport, 'day')} >= %s)) "
        "AS flags, "
        f"(SELECT CAST(s.{column(SessionLog, 'updated_at')} AS TEXT) "
        f"FROM {quote(SessionLog._meta.db_table)} s "
        f"WHERE s.{column(SessionLog, 'plan')} = p.{plan_id} "
        f"ORDER BY s.{column(SessionLog, 'updated_at')} DESC LIMIT 1) AS logged"
    )
    plans = f"{quote(Plan._meta.db_table)} p"
    link_runner = f"l.{column(CareLink, 'runner')}"
    if connection.vendor == "postgresql":
        # A join lets PostgreSQL's planner hash all plans (and all users) for a hundred
        # patients, which it costs below a hundred index steps while they sit in memory; a
        # lateral subquery that cannot be flattened (OFFSET 0) keeps to the index steps.
        joined = (
            f"LEFT JOIN LATERAL (SELECT {plan_columns} FROM {plans} "
            f"WHERE p.{plan_user} = {link_runner} OFFSET 0) m ON TRUE"
        )
        selected = "m.plan_id, m.saved, m.flags, m.logged"
    else:
        joined = f"LEFT JOIN {plans} ON p.{plan_user} = {link_runner}"
        selected = plan_columns
    username = (
        f"(SELECT u.{column(User, 'username')} FROM {quote(User._meta.db_table)} u "
        f"WHERE u.{column(User, 'id')} = {link_runner})"
    )
    # Evaluated once per query, not per row: there are a few dozen programs.
    programs_saved = (
        f"(SELECT CAST(MAX({column(Program, 'updated_at')}) AS TEXT) "
        f"FROM {quote(Program._meta.db_table)})"
    )
    return (
        f"SELECT {link_runner}, {username} AS username, {selected}, {programs_saved} "
        f"FROM {quote(CareLink._meta.db_table)} l {joined} "
        f"WHERE l.{column(CareLink, 'therapist')} = %s AND l.{column(CareLink, 'status')} = %s "
        "ORDER BY 2, 3"
    )


def runner_marks(therapist_id: int, flags_from: date) -> list[MarkRow]:
    """Per plan of each runner actively linked to the therapist, by username then plan:
    CareLink.objects.filter(therapist_id=..., status=ACTIVE).values_list("runner_id",
    "runner__username", "runner__plans__pk", Cast("runner__plans__updated_at", TextField()),
    the plan's warning signs on a stopped plan or reported from `flags_from` on, the latest
    of its logs' updated_at as text, and the latest of all programs' updated_at as text).
    One step down the (plan, updated_at) index per plan; no other log is read."""
    with connection.cursor() as cursor:
        cursor.execute(
            runner_marks_sql(),
            [
                Plan.Status.STOPPED.value,
                connection.ops.adapt_datefield_value(flags_from),
                therapist_id,
                CareLink.Status.ACTIVE.value,
            ],
        )
        rows = cursor.fetchall()
    return [
        (runner, username, plan, saved, flags or 0, logged, programs)
        for runner, username, plan, saved, flags, logged, programs in rows
    ]
