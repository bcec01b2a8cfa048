"""The one visual design (planner/static/planner/site.css): its colours, read from the custom
properties the whole site uses, give every pair of text and background the pages put together
at least WCAG AA's 4.5:1 contrast, and the pages take their colours from those properties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "planner" / "static" / "planner" / "site.css"

# (text, background) as the pages pair them: body text and muted help on the page and on
# cards, links, buttons, the three alert kinds, badges and the notices.
PAIRS = [
    ("ink", "paper"),
    ("ink", "page"),
    ("muted", "paper"),
    ("muted", "page"),
    ("muted", "info-bg"),
    ("brand-dark", "paper"),
    ("brand-dark", "page"),
    ("brand-dark", "info-bg"),
    ("brand-dark", "warn-bg"),
    ("brand-dark", "neutral-bg"),
    ("on-brand", "brand"),
    ("on-brand", "brand-dark"),
    ("on-brand", "danger"),
    ("ink", "info-bg"),
    ("ink", "warn-bg"),
    ("ink", "danger-bg"),
    ("ink", "ok-bg"),
    ("ink", "neutral-bg"),
    ("ok", "ok-bg"),
    ("ok", "paper"),
    ("warn", "warn-bg"),
    ("warn", "paper"),
    ("danger", "danger-bg"),
    ("danger", "paper"),
]


def custom_properties() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\n\}", CSS.read_text(), re.S)
    assert root is not None, "site.css declares its colours in :root"
    return dict(re.findall(r"--([a-z0-9-]+):\s*([^;]+);", root.group(1)))


def luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a #rgb or #rrggbb colour."""
    hex_digits = colour.strip().lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(d * 2 for d in hex_digits)
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_gives_wcags_known_ratios() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("text", "background"), PAIRS, ids=[f"{t} on {b}" for t, b in PAIRS])
def test_text_on_its_background_meets_aa(text: str, background: str) -> None:
    colours = custom_properties()
    ratio = contrast(colours[text], colours[background])
    assert ratio >= 4.5, f"--{text} on --{background}: {ratio:.2f}:1"


def test_the_pages_take_their_colours_from_the_palette() -> None:
    """Outside :root, a colour written out is the drawing of the legs' own (a picture, not
    text on a background); everything else names a custom property."""
    css = CSS.read_text()
    body = css[css.index("\n}", css.index(":root")) :]
    stray = [
        line.strip()
        for line in body.splitlines()
        if re.search(r"#[0-9a-fA-F]{3,6}\b", line) and "legs" not in line
    ]
    assert stray == []
