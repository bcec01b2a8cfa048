"""The plain-SQL log write stores what the ORM's create would, and reads the history as it
was before, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from planner import reads, writes
from planner.models import SessionLog
from tests.personas import People

pytestmark = pytest.mark.django_db


def test_a_log_is_stored_as_the_orm_reads_it_with_the_history_before_it(
    people: People,
) -> None:
    plan = people.rosa_plan
    shells = plan.exercises.get(exercise__slug="clamshells")
    first = plan.start_date
    for offset, pain in enumerate([2, 4]):
        SessionLog.objects.create(
            plan=plan,
            plan_exercise=shells,
            day=first + timedelta(days=offset * 2),
            done=True,
            pain_during=pain,
        )
    before = reads.logs_since(shells, first)

    log = SessionLog(
        plan=plan,
        plan_exercise=shells,
        day=first + timedelta(days=5),
        done=False,
        amount_done=12,
        pain_next_morning=3,
        difficulty=SessionLog.Difficulty.HARD,
        note="Windy",
    )
    with transaction.atomic():
        history = writes.insert_log(log, history_from=first)

    assert sorted(history) == sorted(before) and len(history) == 2
    stored = SessionLog.objects.get(pk=log.pk)
    fields = [f.attname for f in SessionLog._meta.concrete_fields]
    assert [getattr(log, name) for name in fields] == [getattr(stored, name) for name in fields]
    assert (stored.day, stored.done, stored.amount_done, stored.note) == (
        first + timedelta(days=5),
        False,
        12,
        "Windy",
    )
    assert not log._state.adding


def test_a_second_log_of_the_day_is_already_logged_and_changes_nothing(people: People) -> None:
    plan = people.rosa_plan
    shells = plan.exercises.get(exercise__slug="clamshells")
    SessionLog.objects.create(
        plan=plan, plan_exercise=shells, day=plan.start_date, done=True, pain_during=2
    )

    again = SessionLog(
        plan=plan, plan_exercise=shells, day=plan.start_date, done=False, pain_during=9
    )
    with pytest.raises(writes.AlreadyLogged), transaction.atomic():
        writes.insert_log(again, history_from=plan.start_date)

    assert list(SessionLog.objects.values_list("pain_during", flat=True)) == [2]
