"""Every main page's server time against a trivial signed-in page, in-process.

Part of bench/api_bench.py (run with `--pages-only` for this part alone): on the same data, a
call of each page through Django's test client, one after another in one process, so what is
timed is the server's own work (middleware, queries, templates), none of the network or the
load generator. The floor is the therapist's account page (the session, the middleware and the
navigation, little content of its own), called between every two pages so that the machine's
noise falls on both alike. Target (issue 21): every page within 2x of the floor at the median;
a cached chart in under 20 ms.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

Person = dict[str, Any]
# A page: who opens it ("runner" or "therapist") and its path for one runner (and her
# therapist).
Page = tuple[str, Callable[[Person], str]]


def local_today(runner: Person) -> date:
    return datetime.now(ZoneInfo(runner["zone"])).date()


PAGES: dict[str, Page] = {
    "account (floor)": ("therapist", lambda r: "/account/"),
    "runner's account": ("runner", lambda r: "/account/"),
    "home (lands on today)": ("runner", lambda r: "/home/"),
    "my plans": ("runner", lambda r: "/plans/"),
    "today": ("runner", lambda r: f"/plans/{r['plan_id']}/day/{local_today(r)}/"),
    "exercise along": ("runner", lambda r: f"/plans/{r['plan_id']}/day/{local_today(r)}/along/"),
    "plan": ("runner", lambda r: f"/plans/{r['plan_id']}/"),
    "progress": ("runner", lambda r: f"/plans/{r['plan_id']}/progress/"),
    "pain chart (cached)": ("runner", lambda r: f"/plans/{r['plan_id']}/charts/pain.svg"),
    "dose chart (cached)": ("runner", lambda r: f"/plans/{r['plan_id']}/charts/dose.svg"),
    "plan handout": ("runner", lambda r: f"/plans/{r['plan_id']}/handout/"),
    "notifications": ("runner", lambda r: "/notifications/"),
    "messages": ("runner", lambda r: "/messages/"),
    "conversation": ("runner", lambda r: f"/messages/{r['conversation_id']}/"),
    "where it hurts": ("runner", lambda r: "/start/"),
    "return to running": ("runner", lambda r: "/return-to-run/"),
    "patient list": ("therapist", lambda r: "/patients/"),
    "patient page": ("therapist", lambda r: f"/patients/{r['user_id']}/"),
    "own programs": ("therapist", lambda r: "/own-programs/"),
    "therapist's messages": ("therapist", lambda r: "/messages/"),
}
FLOOR = "account (floor)"
CHARTS = {"pain chart (cached)", "dose chart (cached)"}


def measure(
    runners: list[Person],
    therapist_of: Callable[[Person], Person],
    calls: int,
    warmup: int = 3,
) -> dict[str, Any]:
    """Median, p90 and query count of each page over `calls` calls, each call another of
    `runners` (and her own therapist), the floor called before each page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT="text/html")

    def call(name: str, runner: Person) -> tuple[float, int, int]:
        who, path_of = PAGES[name]
        cookie = runner["cookie"] if who == "runner" else therapist_of(runner)["cookie"]
        client.cookies.clear()
        # The query log keeps 9,000 entries: full, it counts nothing.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path_of(runner), HTTP_COOKIE=cookie)
            took = time.perf_counter() - started
        return took * 1000, response.status_code, len(queries)

    # Each runner's charts drawn once (what the progress page's first visit does), so that
    # the measured calls read them from the cache.
    for runner in runners:
        for name in CHARTS:
            call(name, runner)
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    statuses: dict[str, set[int]] = {name: set() for name in PAGES}
    query_counts: dict[str, set[int]] = {name: set() for name in PAGES}
    for i in range(warmup + calls):
        runner = runners[i % len(runners)]
        for name in PAGES:
            if name == FLOOR:
                continue
            for measured in (FLOOR, name):
                took, status, count = call(measured, runner)
                statuses[measured].add(status)
                if i >= warmup:
                    times[measured].append(took)
                    query_counts[measured].add(count)
    floor = statistics.median(times[FLOOR])
    rows = {}
    for name, (who, _) in PAGES.items():
        median = statistics.median(times[name])
        target = 20.0 if name in CHARTS else 2 * floor
        rows[name] = {
            "who": who,
            "path": PAGES[name][1](runners[0]),
            "statuses": sorted(statuses[name]),
            "queries": sorted(query_counts[name]),
            "median_ms": round(median, 2),
            "p90_ms": round(statistics.quantiles(times[name], n=10)[-1], 2),
            "ratio": round(median / floor, 2),
            "target_ms": round(target, 2),
            "meets_target": median <= target,
        }
    return {"calls": calls, "runners": len(runners), "floor_ms": round(floor, 2), "pages": rows}


def markdown(result: dict[str, Any]) -> list[str]:
    lines = [
        "## Pages: server time in-process",
        "",
        f"Each page called {result['calls']} times through Django's test client, one call "
        f"after another, each call another of {result['runners']} runners (and her own "
        "therapist), the floor (the therapist's account page) called before each. Target: "
        "every page within 2x of the floor at the median; a cached chart under 20 ms.",
        "",
        "| page | who | queries | median ms | p90 ms | ratio to floor | status | within target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in result["pages"].items():
        queries = "-".join(str(q) for q in (row["queries"][0], row["queries"][-1]))
        if row["queries"][0] == row["queries"][-1]:
            queries = str(row["queries"][0])
        met = "-" if name == FLOOR else ("yes" if row["meets_target"] else "**no**")
        lines.append(
            f"| {name} (`{row['path']}`) | {row['who']} | {queries} | {row['median_ms']:.1f} "
            f"| {row['p90_ms']:.1f} | {row['ratio']:.2f}x | "
            f"{', '.join(str(s) for s in row['statuses'])} | {met} |"
        )
    missed = [name for name, row in result["pages"].items() if not row["meets_target"]]
    lines += [
        "",
        "Missed: " + (", ".join(missed) if missed else "none") + ".",
        "",
    ]
    return lines
