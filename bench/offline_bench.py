"""The service worker's offline answer: how long a runner's kept day page and the offline page
take to answer in Chromium with the network cut (issue 20, point 6: under 50 ms).

    .venv/bin/python bench/offline_bench.py [--rounds 30]

It builds a fresh SQLite database in a temporary folder (migrate, load_catalog, setup_demo:
the demo runner and her plan), starts the app as `bin/run` does (`manage.py runserver
--nostatic --noreload`, development mode), and drives Debian's Chromium (headless, Playwright;
CHROMIUM_PATH names another) on loopback:

1. signs in as the demo runner and opens today's page, then waits until the service worker
   has kept the week's days (app.js sets html[data-offline=kept]);
2. cuts the network (`context.set_offline(True)`) and opens today's day page `--rounds` times,
   then a page never kept (the plan's progress page: the worker answers its offline page) as
   many times, each a fresh navigation (`page.goto`), reading the browser's Navigation Timing
   entry: `responseEnd` (from the navigation's start to the last byte of the answer: what the
   target is about), `responseStart - workerStart` (the worker's own time), and
   `domContentLoadedEventEnd` (the page ready to read, its scripts run);
3. for context, the same day page with the network back (the server renders it: the worker
   fetches first, and keeps the fresh copy).

Target: the offline answers' median and p90 `responseEnd` under 50 ms. Writes
bench/results/offline.json and bench/results/offline.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
TARGET_MS = 50.0
PASSWORD = "offline-bench-4242"

from processes import free_port, stop_group  # noqa: E402

# As the browser tests launch it (tests/browser/conftest.py): nothing reaching out to Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

TIMING = """() => {
  const entry = performance.getEntriesByType("navigation")[0];
  return {
    response_end: entry.responseEnd,
    worker: entry.workerStart > 0 ? entry.responseStart - entry.workerStart : null,
    dom_ready: entry.domContentLoadedEventEnd,
    served_by_worker: entry.workerStart > 0,
  };
}"""


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def build(env: dict[str, str]) -> int:
    """The database, the catalog and the demo; the demo runner's password set; her plan's id."""
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "load_catalog", "--verbosity", "0")
    manage(env, "setup_demo")
    out = manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User\n"
        "from planner.models import Plan\n"
        "runner = User.objects.get(username='demo-runner')\n"
        f"runner.set_password('{PASSWORD}'); runner.save()\n"
        "print(Plan.objects.filter(user=runner, status='active').latest('id').pk)",
    )
    return int(out.strip().splitlines()[-1])


def start_server(env: dict[str, str], port: int, folder: Path) -> subprocess.Popen[bytes]:
    log = (folder / "runserver.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--nostatic", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop_group(server)
    sys.exit("runserver did not answer within 60 s")


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": round(statistics.median(ordered), 1),
        "p90": round(ordered[max(0, int(len(ordered) * 0.9) - 1)], 1),
        "min": round(ordered[0], 1),
        "max": round(ordered[-1], 1),
    }


def measure(page: Any, url: str, rounds: int) -> dict[str, Any]:
    rows = []
    for _ in range(rounds):
        page.goto(url)
        rows.append(page.evaluate(TIMING))
    workers = [row["worker"] for row in rows if row["worker"] is not None]
    return {
        "rounds": rounds,
        "served_by_worker": sum(1 for row in rows if row["served_by_worker"]),
        "response_end_ms": summary([row["response_end"] for row in rows]),
        "worker_ms": summary(workers) if workers else None,
        "dom_ready_ms": summary([row["dom_ready"] for row in rows]),
    }


def run(rounds: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="offline_bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "PLANNER_VAR_DIR": str(folder),
        "LOG_FORMAT": "plain",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    port = free_port()
    try:
        plan_id = build(env)
        server = start_server(env, port, folder)
        try:
            base = f"http://127.0.0.1:{port}"
            chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium or "/usr/bin/chromium",
                    headless=True,
                    args=CHROMIUM_ARGS,
                )
                context = browser.new_context(viewport={"width": 375, "height": 812})
                context.set_default_timeout(30_000)
                page = context.new_page()
                page.goto(f"{base}/accounts/login/?next=/plans/{plan_id}/today/")
                page.get_by_label("Username or email").fill("demo-runner")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.locator("html[data-offline=kept]").wait_for(state="attached")
                day_url = page.url
                online = measure(page, day_url, rounds)
                page.locator("html[data-offline=kept]").wait_for(state="attached")
                context.set_offline(True)
                kept = measure(page, day_url, rounds)
                never_kept = measure(page, f"{base}/plans/{plan_id}/progress/", rounds)
                shown = page.get_by_role("heading", level=1).inner_text()
                browser.close()
        finally:
            stop_group(server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    met = all(
        result["response_end_ms"]["median"] < TARGET_MS
        and result["response_end_ms"]["p90"] < TARGET_MS
        for result in (kept, never_kept)
    )
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "chromium": chromium,
        "target_ms": TARGET_MS,
        "met": met,
        "day_page": day_url.removeprefix(base),
        "offline_page_heading": shown,
        "kept_day_offline": kept,
        "never_kept_offline": never_kept,
        "day_online": online,
    }


def line(name: str, result: dict[str, Any]) -> str:
    answer, ready = result["response_end_ms"], result["dom_ready_ms"]
    worker = result["worker_ms"]
    own = f"{worker['median']} / {worker['p90']}" if worker else "n/a"
    return (
        f"| {name} | {answer['median']} / {answer['p90']} / {answer['max']} | {own} | "
        f"{ready['median']} / {ready['p90']} | {result['served_by_worker']}/{result['rounds']} |"
    )


def markdown(result: dict[str, Any]) -> str:
    verdict = "met" if result["met"] else "MISSED"
    return "\n".join(
        [
            "# The service worker's offline answer",
            "",
            f"{result['when']}, code at {result['commit']}, {result['machine']}, "
            f"Chromium at {result['chromium']} (headless), `manage.py runserver` on loopback, "
            "SQLite, the demo runner's plan. Each row: `--rounds` fresh navigations "
            "(`page.goto`), read from the Navigation Timing entry, in ms.",
            "",
            "| navigation | answered (responseEnd) median / p90 / max | worker's own "
            "(responseStart - workerStart) median / p90 | DOM ready median / p90 | "
            "served by the worker |",
            "| --- | --- | --- | --- | --- |",
            line(
                f"today's day page, network cut (`{result['day_page']}`)",
                result["kept_day_offline"],
            ),
            line("a page never kept, network cut (the offline page)", result["never_kept_offline"]),
            line("today's day page, network up (the server renders it)", result["day_online"]),
            "",
            f"Target: the offline answers' median and p90 under {result['target_ms']:.0f} ms: "
            f'**{verdict}**. The page never kept showed "{result["offline_page_heading"]}".',
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--out", default=str(RESULTS / "offline"))
    args = parser.parse_args()
    result = run(args.rounds)
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
