"""PostgreSQL restarted under a running site: the site answers its own error page while the
database is away (never hangs) and serves every request again once it is back, without a
restart of its own."""

from __future__ import annotations

import time

from tests.reliability.stack import PrivatePostgres, Stack, runner_with_plan

# A request that finds the database away must fail fast, not wait on it.
PROMPT = 10.0


def test_the_site_serves_again_after_postgres_restarts_without_restarting_itself(
    private_postgres: PrivatePostgres, stack: Stack
) -> None:
    # One web worker, so every request below goes through the same persistent connection:
    # the one a restart breaks.
    web = stack.web(workers=1)
    rosa = runner_with_plan(web, "rosa")
    today = rosa.local_today()
    logged = web.request(
        "POST",
        f"/api/v1/plans/{rosa.plan_id}/logs",
        {"plan_exercise": rosa.exercise_ids[0], "day": today, "done": True, "pain_during": 2},
        token=rosa.token,
    )
    assert logged.status == 201, logged.body
    assert web.request("GET", "/api/v1/me", token=rosa.token).status == 200

    # A restart between two requests: the next one must not fail on the dead connection.
    private_postgres.stop()
    private_postgres.start()
    assert web.request("GET", "/api/v1/me", token=rosa.token).status == 200

    # While the database is down: the site's own error page, promptly.
    private_postgres.stop()
    try:
        for path in ("/api/v1/me", f"/api/v1/plans/{rosa.plan_id}/day"):
            started = time.monotonic()
            answer = web.request("GET", path, token=rosa.token, timeout=PROMPT + 5)
            assert time.monotonic() - started < PROMPT
            assert answer.status in (500, 503)
            assert "Something went wrong" in answer.body
        # The start page needs no database for a visitor.
        assert web.request("GET", "/").status in (200, 500, 503)
    finally:
        private_postgres.start()

    # Back: every request succeeds again, from the same process, and nothing was lost.
    for _ in range(5):
        assert web.request("GET", "/api/v1/me", token=rosa.token).status == 200
    logs = web.request("GET", f"/api/v1/plans/{rosa.plan_id}/logs", token=rosa.token)
    assert logs.status == 200
    assert [(log["plan_exercise"], log["day"]) for log in logs.body["results"]] == [
        (rosa.exercise_ids[0], today)
    ]
    assert web.request("GET", f"/api/v1/plans/{rosa.plan_id}/day", token=rosa.token).status == 200
    assert web.process.running()
    assert "Booting worker" in web.process.output()
    assert web.process.output().count("Booting worker") == 1  # never restarted
