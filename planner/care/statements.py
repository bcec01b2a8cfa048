"""The statement written by hand for the therapist's patient list: what each row depends on
that can change, for the cache keys of planner.care.patient_list.

bench/api_bench.py measured it: as a queryset, compiling it and parsing its timestamps cost as
much again as running it, on every look at the list; on PostgreSQL the planner also needs the
lateral subquery below to keep to index steps. Names come from the models' metadata (kit.sql);
tests/planner/care/test_statements.py compares it with the queryset on SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
from datetime import date

from django.contrib.auth.models import User
from django.db import connection

from kit.sql import column, table
from planner.models import Alert, CareLink, Plan, Profile, Program, RedFlagReport, SessionLog

# One runner's plan as the patient list's freshness check sees it: runner id, username, plan
# id, when the plan was last saved, its open warning signs, when its logs last changed, and
# when any program was last saved (an admin renaming one). The times are text: they are only
# compared, and parsing two hundred of them cost more than the query. A runner with no plan
# comes once, with None for each of the plan's four. Last, the runner's alerts their
# therapists have not yet acknowledged (planner.safety.alerts), and the name the runner chose
# on their profile (empty when none), on every row of the runner.
MarkRow = tuple[int, str, int | None, str | None, int, str | None, str | None, int, str]


@functools.cache
def runner_marks_sql(one_runner: bool = False) -> str:
    plan_id, plan_user = column(Plan, "id"), column(Plan, "user")
    plan_columns = (
        f"p.{plan_id} AS plan_id, CAST(p.{column(Plan, 'updated_at')} AS TEXT) AS saved, "
        f"(SELECT COUNT(*) FROM {table(RedFlagReport)} f "
        f"WHERE f.{column(RedFlagReport, 'plan')} = p.{plan_id} "
        f"AND (p.{column(Plan, 'status')} = %s OR f.{column(RedFlagReport, 'day')} >= %s)) "
        "AS flags, "
        f"(SELECT CAST(s.{column(SessionLog, 'updated_at')} AS TEXT) "
        f"FROM {table(SessionLog)} s "
        f"WHERE s.{column(SessionLog, 'plan')} = p.{plan_id} "
        f"ORDER BY s.{column(SessionLog, 'updated_at')} DESC LIMIT 1) AS logged"
    )
    plans = f"{table(Plan)} p"
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
        f"(SELECT u.{column(User, 'username')} FROM {table(User)} u "
        f"WHERE u.{column(User, 'id')} = {link_runner})"
    )
    # Evaluated once per query, not per row: there are a few dozen programs.
    programs_saved = (
        f"(SELECT CAST(MAX({column(Program, 'updated_at')}) AS TEXT) FROM {table(Program)})"
    )
    # Down the partial index of unacknowledged alerts (alert_open: runner, created_at).
    open_alerts = (
        f"(SELECT COUNT(*) FROM {table(Alert)} a WHERE a.{column(Alert, 'runner')} = "
        f"{link_runner} AND a.{column(Alert, 'acknowledged_at')} IS NULL)"
    )
    chosen_name = (
        f"COALESCE((SELECT pr.{column(Profile, 'display_name')} FROM {table(Profile)} pr "
        f"WHERE pr.{column(Profile, 'user')} = {link_runner}), '')"
    )
    return (
        f"SELECT {link_runner}, {username} AS username, {selected}, {programs_saved}, "
        f"{open_alerts}, {chosen_name} "
        f"FROM {table(CareLink)} l {joined} "
        f"WHERE l.{column(CareLink, 'therapist')} = %s AND l.{column(CareLink, 'status')} = %s "
        + (f"AND {link_runner} = %s " if one_runner else "")
        + "ORDER BY 2, 3"
    )


def runner_marks(
    therapist_id: int, flags_from: date, runner_id: int | None = None
) -> list[MarkRow]:
    """Per plan of each runner actively linked to the therapist, by username then plan:
    CareLink.objects.filter(therapist_id=..., status=ACTIVE).values_list("runner_id",
    "runner__username", "runner__plans__pk", Cast("runner__plans__updated_at", TextField()),
    the plan's warning signs on a stopped plan or reported from `flags_from` on, the latest
    of its logs' updated_at as text, the latest of all programs' updated_at as text, and the
    runner's unacknowledged alerts, and Coalesce("runner__profile__display_name", "")).
    One step down the (plan, updated_at) index per plan; no other log is read. With
    `runner_id`, only that runner's rows (the patient page's)."""
    params = [
        Plan.Status.STOPPED.value,
        connection.ops.adapt_datefield_value(flags_from),
        therapist_id,
        CareLink.Status.ACTIVE.value,
    ] + ([runner_id] if runner_id is not None else [])
    with connection.cursor() as cursor:
        cursor.execute(runner_marks_sql(runner_id is not None), params)
        rows = cursor.fetchall()
    return [
        (runner, username, plan, saved, flags or 0, logged, programs, alerts, name)
        for runner, username, plan, saved, flags, logged, programs, alerts, name in rows
    ]
