"""Pictures and media: how fast an exercise's drawing is served, how long the largest allowed
photo takes to check and re-encode, and how much heavier today's page is with pictures, each
next to a baseline measured in the same run (machines here are shared and noisy).

    .venv/bin/python bench/media_bench.py [--requests 400] [--rounds 5]

It builds a fresh SQLite database under a temporary folder (the embedded default: migrate,
load_catalog, setup_demo), so it touches nothing of yours, and writes bench/results/media.json
and bench/results/media.md.

1. Serving a picture (in-process through Django's test client, the whole middleware stack):
   the median of `--requests` GETs of each catalog exercise's moving picture, warm (drawn
   once, kept by content), and of a revalidation (If-None-Match: 304); the floor is GET
   /health in the same loop. Also the cold drawing of each picture (the cache emptied).
   Target: the warm median under 10 ms.
2. A photo upload's processing (`kit.uploads.checked_photo`): the largest photo the settings
   allow (MEDIA_IMAGE_MAX_PIXELS, as a JPEG under MEDIA_IMAGE_MAX_BYTES), median of
   `--rounds`; the floor is Pillow decoding the same file at full size. Target: under 1 s.
3. Today's page weight: the HTML and everything it loads (stylesheets, scripts, images) for
   the demo runner's day with pictures, against the same page with the pictures' poses
   emptied. Target: no more than twice.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def setup_django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["PLANNER_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    quiet = io.StringIO()  # the demo logins of a throwaway database are nobody's business
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_catalog", verbosity=0, stdout=quiet)
    call_command("setup_demo", verbosity=0, stdout=quiet)
    call_command("collectstatic", verbosity=0, interactive=False, stdout=quiet)


def timed(call: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def pictures(requests: int) -> dict[str, Any]:
    from django.test import Client

    from exercises.models import Exercise
    from exercises.pictures import rendered

    client = Client()
    slugs = list(Exercise.objects.exclude(picture={}).values_list("slug", flat=True))
    client.get("/health")  # the first request pays for imports and URL resolving: not drawing
    rendered._draw.cache_clear()
    cold = []
    for slug in slugs:
        cold += timed(partial(client.get, f"/exercises/{slug}/picture.svg"), 1)
    sizes = {slug: len(client.get(f"/exercises/{slug}/picture.svg").content) for slug in slugs}
    warm: list[float] = []
    revalidated: list[float] = []
    floor: list[float] = []
    etags = {slug: client.get(f"/exercises/{slug}/picture.svg")["ETag"] for slug in slugs}
    for index in range(requests):
        slug = slugs[index % len(slugs)]
        floor += timed(lambda: client.get("/health"), 1)
        warm += timed(partial(client.get, f"/exercises/{slug}/picture.svg"), 1)
        revalidated += timed(
            partial(
                client.get,
                f"/exercises/{slug}/picture.svg",
                headers={"if-none-match": etags[slug]},
            ),
            1,
        )
    return {
        "pictures": len(slugs),
        "requests": requests,
        "floor_health_median_ms": round(statistics.median(floor), 2),
        "warm_median_ms": round(statistics.median(warm), 2),
        "warm_p95_ms": round(sorted(warm)[int(len(warm) * 0.95)], 2),
        "revalidated_304_median_ms": round(statistics.median(revalidated), 2),
        "cold_draw_median_ms": round(statistics.median(cold), 2),
        "cold_draw_max_ms": round(max(cold), 2),
        "svg_bytes_median": int(statistics.median(sizes.values())),
        "svg_bytes_max": max(sizes.values()),
        "target_warm_median_ms": 10,
    }


def largest_photo(max_pixels: int, max_bytes: int) -> bytes:
    """A photo-like JPEG (gradients and grain) of the largest allowed size in pixels."""
    from PIL import Image

    width = int((max_pixels * 4 / 3) ** 0.5)
    height = max_pixels // width
    small = Image.effect_mandelbrot((width // 8, height // 8), (-2.2, -1.2, 1.0, 1.2), 60)
    noise = Image.effect_noise((width, height), 24)
    picture = Image.merge(
        "RGB", [small.resize((width, height)), noise, small.resize((width, height)).rotate(180)]
    )
    for quality in (92, 85, 75, 60):
        out = io.BytesIO()
        picture.save(out, format="JPEG", quality=quality)
        if out.tell() <= max_bytes:
            return out.getvalue()
    raise SystemExit("could not make a photo under the byte limit")


def upload(rounds: int) -> dict[str, Any]:
    from django.conf import settings
    from PIL import Image

    from kit.uploads import checked_photo

    data = largest_photo(settings.MEDIA_IMAGE_MAX_PIXELS, settings.MEDIA_IMAGE_MAX_BYTES)
    with Image.open(io.BytesIO(data)) as probe:
        size = probe.size

    def decode() -> None:
        with Image.open(io.BytesIO(data)) as image:
            image.load()

    def check() -> None:
        checked_photo(
            data,
            max_pixels=settings.MEDIA_IMAGE_MAX_PIXELS,
            longest_side=settings.MEDIA_IMAGE_LONGEST_SIDE,
        )

    floor = timed(decode, rounds)
    processed = timed(check, rounds)
    return {
        "photo_pixels": f"{size[0]} x {size[1]}",
        "photo_bytes": len(data),
        "rounds": rounds,
        "floor_full_decode_median_ms": round(statistics.median(floor), 1),
        "checked_median_ms": round(statistics.median(processed), 1),
        "checked_max_ms": round(max(processed), 1),
        "target_ms": 1000,
    }


def page_weight() -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.test import Client

    from exercises.models import Exercise
    from planner.models import Plan

    runner = User.objects.get(username="demo-runner")
    plan = Plan.objects.filter(user=runner).first()
    assert plan is not None
    client = Client()
    client.force_login(runner)
    # The demo plan's day with the most exercises in the next week, so pictures count most.
    day_path = ""
    best = -1
    for offset in range(7):
        from datetime import timedelta

        from django.utils import timezone

        from planner.plans import daily

        day = daily.today_of(plan, timezone.now()) + timedelta(days=offset)
        count = len(daily.plan_day(plan, day).exercises)
        if count > best:
            best, day_path = count, f"/plans/{plan.pk}/day/{day.isoformat()}/"

    # Bytes over the wire: the browser asks for gzip, which the pictures and static files honour.
    client.defaults["HTTP_ACCEPT_ENCODING"] = "gzip"

    def weight() -> tuple[int, int]:
        html = client.get(day_path).content
        total = len(html)
        assets = set(
            re.findall(rb'(?:src|href|srcset)="(/(?:static|exercises|media)/[^"]+)"', html)
        )
        for asset in assets:
            response = client.get(asset.decode())
            body = (
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
                if response.streaming
                else response.content
            )
            total += len(body)
        return total, len(assets)

    with_pictures, assets_with = weight()
    saved = dict(Exercise.objects.values_list("pk", "picture"))
    Exercise.objects.update(picture={})
    without_pictures, assets_without = weight()
    for pk, picture in saved.items():
        Exercise.objects.filter(pk=pk).update(picture=picture)
    return {
        "day": day_path,
        "exercises_that_day": best,
        "bytes_without_pictures": without_pictures,
        "bytes_with_pictures": with_pictures,
        "files_without": assets_without,
        "files_with": assets_with,
        "ratio": round(with_pictures / without_pictures, 2),
        "target_ratio": 2.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="media-bench-") as folder:
        setup_django(Path(folder))
        results: dict[str, Any] = {
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "picture_serving": pictures(args.requests),
            "photo_upload": upload(args.rounds),
            "page_weight": page_weight(),
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "media.json").write_text(json.dumps(results, indent=2) + "\n")
    serving, photo, weight = (
        results["picture_serving"],
        results["photo_upload"],
        results["page_weight"],
    )
    lines = [
        "# Pictures and media",
        "",
        f"Run {results['when']} (`.venv/bin/python bench/media_bench.py`), Python "
        f"{results['machine']['python']}, {results['machine']['cpus']} CPUs.",
        "",
        "| What | Measured | Baseline (same run) | Target |",
        "|---|---|---|---|",
        f"| Picture served, warm median ({serving['pictures']} pictures, {serving['requests']} "
        f"requests) | {serving['warm_median_ms']} ms (p95 {serving['warm_p95_ms']} ms) | "
        f"/health {serving['floor_health_median_ms']} ms | < 10 ms |",
        f"| Picture revalidated (304) median | {serving['revalidated_304_median_ms']} ms | "
        f"/health {serving['floor_health_median_ms']} ms | |",
        f"| Picture drawn cold, median (max) | {serving['cold_draw_median_ms']} ms "
        f"({serving['cold_draw_max_ms']} ms) | | once per picture |",
        f"| Largest photo checked and re-encoded ({photo['photo_pixels']}, "
        f"{photo['photo_bytes']:,} bytes) | {photo['checked_median_ms']} ms (max "
        f"{photo['checked_max_ms']} ms) | full decode {photo['floor_full_decode_median_ms']} ms "
        "| < 1000 ms |",
        f"| Day page weight, {weight['exercises_that_day']} exercises | "
        f"{weight['bytes_with_pictures']:,} bytes ({weight['files_with']} files) | without "
        f"pictures {weight['bytes_without_pictures']:,} bytes ({weight['files_without']} files) "
        f"| ratio {weight['ratio']} (at most 2) |",
        "",
        f"SVG size: median {serving['svg_bytes_median']:,} bytes, largest "
        f"{serving['svg_bytes_max']:,} bytes (before gzip). The page weight counts every file "
        "the page names, the moving and the still drawing of each exercise both, though a "
        "browser loads one of the two: an upper bound.",
    ]
    (RESULTS / "media.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
