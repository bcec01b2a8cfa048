"""Draws the installed app's icons (planner/static/planner/icon-*.png) from the favicon's SVG,
once, with Debian's Chromium as the favicon PNGs were: run it again only when the drawing
changes, and commit the PNGs.

    .venv/bin/python bin/draw_app_icons.py

icon-192.png and icon-512.png: the favicon as it is (a rounded blue square, transparent
corners). icon-maskable-512.png: the square's blue to every edge, the drawing shrunk into the
middle 80 % (a launcher may cut the icon to any shape inside that circle).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent.parent / "planner" / "static" / "planner"
BLUE = "#1f5f8b"


def drawing() -> str:
    """The favicon's shapes, without its background square."""
    svg = (HERE / "favicon.svg").read_text()
    inner = svg.split(">", 1)[1].rsplit("</svg>", 1)[0]
    return re.sub(r"<rect [^>]*/>", "", inner, count=1)


def plain() -> str:
    return (HERE / "favicon.svg").read_text()


def maskable() -> str:
    # The drawing fills about 24 of the 32 units; shrunk to 0.72 it stays inside the middle
    # circle of 80 % (radius 12.8 units around the centre).
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" fill="{BLUE}"/>'
        f'<g transform="translate(16 16) scale(0.72) translate(-16 -16)">{drawing()}</g></svg>'
    )


def draw(svg: str, size: int, path: Path) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": size, "height": size})
        page.set_content(
            "<html><body style='margin:0;background:transparent'>"
            f"<div style='width:{size}px;height:{size}px'>"
            + svg.replace("<svg ", f"<svg width='{size}' height='{size}' ", 1)
            + "</div></body></html>"
        )
        page.screenshot(path=str(path), omit_background=True)
        browser.close()


def main() -> None:
    draw(plain(), 192, HERE / "icon-192.png")
    draw(plain(), 512, HERE / "icon-512.png")
    draw(maskable(), 512, HERE / "icon-maskable-512.png")


if __name__ == "__main__":
    main()
