"""A short soak (bench/soak.py) on the private servers: runners logging sessions concurrently
while the dispatcher ticks and a worker sends; no error, nothing lost, doubled or sent twice."""

from __future__ import annotations

from pathlib import Path

from bench.soak import SoakConfig, run
from tests.reliability.stack import PrivatePostgres, PrivateRedis


def test_a_short_soak_loses_and_doubles_nothing(
    private_postgres: PrivatePostgres, private_redis: PrivateRedis, database: str, tmp_path: Path
) -> None:
    config = SoakConfig(
        runners=6, clients=4, duration=8, max_requests=500, due_every=1.0, min_due_rounds=3
    )
    report = run(private_postgres, database, private_redis.url(), tmp_path / "app", config)

    assert report["problems"] == []
    assert report["requests"] > 100
    assert report["double_taps"] > 0
    assert report["logs_saved"] > 50
    assert report["reminders_made_due"] >= 2 * config.runners
    assert report["deliveries_by_state"].get("sent", 0) > 0
