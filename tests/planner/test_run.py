"""What a person running bin/run sees: a favicon, and one plain log line per request."""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from kit.logs import PlainFormatter

ROOT = Path(__file__).resolve().parents[2]
# 2025-01-31 07:15:02 INFO planner.access GET /favicon.ico 301 0.4 ms [<32 hex digits>]
PLAIN_ACCESS_LINE = re.compile(
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO planner\.access GET /favicon\.ico 301 "
    r"\d+(\.\d+)? ms \[[0-9a-f]{32}\]"
)


@pytest.mark.django_db
def test_favicon_ico_is_sent_on_for_good_to_the_png_icon() -> None:
    client = Client()

    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/planner/favicon-32.png"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/png"
    assert Image.open(BytesIO(b"".join(icon.streaming_content))).size == (32, 32)


@pytest.mark.django_db
def test_every_page_links_the_svg_icon_a_png_for_browsers_without_svg_and_a_home_screen_icon() -> (
    None
):
    response = Client().get(reverse("account_login"))

    assert response.status_code == 200
    assert b'<link rel="icon" href="/static/planner/favicon.svg"' in response.content
    assert b'<link rel="icon" href="/static/planner/favicon-32.png"' in response.content
    assert b'<link rel="apple-touch-icon" href="/static/planner/apple-touch-icon.png"' in (
        response.content
    )
    home_screen = Client().get("/static/planner/apple-touch-icon.png")
    assert Image.open(BytesIO(b"".join(home_screen.streaming_content))).size == (180, 180)


class PlainLines(logging.Handler):
    """Every record any logger writes, formatted as the console handler does with
    LOG_FORMAT=plain."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        console = next(h for h in logging.getLogger().handlers if h.name == "console")
        self.setFormatter(PlainFormatter())
        for found in console.filters:
            self.addFilter(found)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def plain_lines() -> Iterator[PlainLines]:
    handler = PlainLines()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


@pytest.mark.django_db
def test_with_plain_logs_a_request_writes_one_readable_line(plain_lines: PlainLines) -> None:
    Client().get("/favicon.ico")

    assert len(plain_lines.lines) == 1, plain_lines.lines
    assert PLAIN_ACCESS_LINE.fullmatch(plain_lines.lines[0]), plain_lines.lines[0]


def test_a_line_outside_a_request_carries_no_request_id() -> None:
    record = logging.LogRecord("planner.delivery", logging.INFO, __file__, 1, "sent", (), None)
    record.request_id = None

    line = PlainFormatter().format(record)

    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO planner\.delivery sent", line)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hands a redirect back as the answer instead of following it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_runserver_logs_each_request_once_in_plain_lines(tmp_path: Path) -> None:
    """runserver's own line per request (django.server) is not written next to the access
    line: what bin/run shows at the terminal."""
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PLANNER_VAR_DIR": str(tmp_path / "var"),
        "LOG_FORMAT": "plain",
        "PORT": str(port),
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Not followed: the redirect itself is the one request.
    opener = urllib.request.build_opener(NoRedirect)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                opener.open(f"http://127.0.0.1:{port}/favicon.ico", timeout=5)
            except urllib.error.HTTPError as answer:
                assert answer.code == 301
                break
            except OSError:
                assert server.poll() is None, "runserver stopped"
                assert time.monotonic() < deadline, "runserver did not answer"
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as missing:
            opener.open(f"http://127.0.0.1:{port}/no-such-page", timeout=5)
        assert missing.value.code == 404
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)

    lines = stderr.splitlines()
    requests = [line for line in lines if "favicon.ico" in line]
    assert len(requests) == 1, stderr
    assert PLAIN_ACCESS_LINE.fullmatch(requests[0]), stderr
    # The access line and Django's warning, each once and each a plain line: no bare copy.
    missed = [line for line in lines if "/no-such-page" in line]
    assert [line.split()[2:4] for line in missed] == [
        ["INFO", "planner.access"],
        ["WARNING", "django.request"],
    ], stderr
