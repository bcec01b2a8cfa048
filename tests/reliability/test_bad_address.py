"""A send that fails for good (the mail server refuses the address) is marked failed with its
attempt count, and neither the worker nor the sweeper tries it again. (Transient failures are
retried with backoff up to notify.MAX_ATTEMPTS: tests/planner/test_notify.py.)"""

from __future__ import annotations

from datetime import timedelta

from planner.delivery.dispatch import PENDING_GRACE, SENDING_LEASE
from tests.reliability.stack import (
    PrivatePostgres,
    Stack,
    deliveries,
    make_due,
    runner_with_plan,
    unsettled,
    wait_for,
)


def test_a_refused_address_is_failed_for_good_and_never_swept_again(
    private_postgres: PrivatePostgres, database: str, stack: Stack
) -> None:
    stack.email_backend = "tests.mail_backends.RefusingInvalidDomainsBackend"
    web = stack.web()
    stack.worker()
    stack.beat()
    good = runner_with_plan(web, "rosa")
    bad = runner_with_plan(web, "oscar", email="oscar@example.invalid", confirm=False)
    # An address confirmed once that the server now refuses (a mailbox closed since): its
    # confirmation mail could not reach it here, so it is marked confirmed where it is kept.
    done = stack.python(
        "from allauth.account.models import EmailAddress; "
        "EmailAddress.objects.filter(email='oscar@example.invalid').update(verified=True)"
    )
    assert done.returncode == 0, done.stderr

    make_due(private_postgres, database, [good.plan_id, bad.plan_id])
    wait_for(
        lambda: (
            len(deliveries(private_postgres, database)) == 2
            and unsettled(private_postgres, database) == 0
        ),
        "both deliveries to be handled",
    )
    # Long after, as far as the sweeper can tell: were it pending or held by a dead worker,
    # it would be sent again now.
    private_postgres.query(
        database,
        "UPDATE planner_delivery SET created_at = created_at - %s, claimed_at = claimed_at - %s",
        PENDING_GRACE + timedelta(minutes=1),
        SENDING_LEASE + timedelta(minutes=1),
    )
    swept = stack.tasks_succeeded("sweep_deliveries")
    wait_for(lambda: stack.tasks_succeeded("sweep_deliveries") >= swept + 3, "three sweeps")

    by_plan = {d["plan_id"]: d for d in deliveries(private_postgres, database)}
    assert (by_plan[good.plan_id]["state"], by_plan[good.plan_id]["attempts"]) == ("sent", 1)
    failed = by_plan[bad.plan_id]
    assert (failed["state"], failed["attempts"]) == ("failed", 1)
    assert "address refused" in failed["last_error"]
    assert [to for to, _ in stack.sent_emails()] == ["rosa@example.com"]
    # The app is a channel of its own: Oscar reads today's exercises there all the same, once.
    notifications = web.request("GET", "/api/v1/notifications", token=bad.token)
    assert notifications.status == 200
    assert notifications.body["count"] == 1
