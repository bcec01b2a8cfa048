"""Two `celery beat` processes started by mistake against one database: the dispatcher runs
twice as often, and still every due reminder is delivered once."""

from __future__ import annotations

from datetime import date, timedelta

from tests.reliability.stack import (
    PrivatePostgres,
    Stack,
    deliveries,
    make_due,
    runner_with_plan,
    unsettled,
    wait_for,
)


def test_two_beats_by_mistake_deliver_each_due_reminder_once(
    private_postgres: PrivatePostgres, database: str, stack: Stack
) -> None:
    web = stack.web()
    runners = [runner_with_plan(web, f"runner{n}") for n in range(6)]
    plan_ids = [r.plan_id for r in runners]
    stack.worker(concurrency=2)
    first, second = stack.beat("beat-1", every=0.5), stack.beat("beat-2", every=0.5)

    due: set[tuple[int, str]] = set()
    tomorrow = date.fromisoformat(runners[0].local_today()) + timedelta(days=1)
    for n in range(3):  # three days' reminders, each day's made due while both beats tick
        due |= make_due(private_postgres, database, plan_ids, tomorrow + timedelta(days=n))
        expected = len(due)
        wait_for(
            lambda: (
                len(deliveries(private_postgres, database)) == expected  # noqa: B023
                and unsettled(private_postgres, database) == 0
            ),
            "the day's reminders to be delivered",
        )
    assert len(due) == 3 * len(runners)

    # A dispatcher working from a stale read claims rows already delivered: only the UNIQUE
    # delivery row stands between it and a second message.
    replayed = private_postgres.query(
        database,
        "UPDATE planner_reminder AS r SET next_due_at = now() - interval '5 seconds', "
        "next_local_date = d.local_date FROM planner_delivery AS d "
        "WHERE r.plan_id = d.plan_id AND r.kind = d.kind "
        "AND d.local_date = (SELECT max(local_date) FROM planner_delivery) RETURNING r.id",
    )
    assert len(replayed) == len(runners)
    wait_for(
        lambda: (
            not private_postgres.query(
                database, "SELECT 1 FROM planner_reminder WHERE next_due_at <= now()"
            )
        ),
        "the replayed rows to be claimed again",
    )
    ticks = stack.tasks_succeeded("dispatch_due_reminders")
    wait_for(
        lambda: stack.tasks_succeeded("dispatch_due_reminders") >= ticks + 4,
        "a few more ticks of both beats",
    )

    assert "Sending due task dispatch-due-reminders" in first.output()
    assert "Sending due task dispatch-due-reminders" in second.output()
    sent = deliveries(private_postgres, database)
    assert sorted((d["plan_id"], d["local_date"]) for d in sent) == sorted(due)
    assert {(d["state"], d["attempts"]) for d in sent} == {("sent", 1)}
    emails = stack.sent_emails()
    assert len(emails) == len(due)
    assert sorted({to for to, _ in emails}) == sorted(f"{r.username}@example.com" for r in runners)
