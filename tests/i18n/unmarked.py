"""Finds the words of a template that a reader sees and no translation tag holds: text between
HTML tags, and the attributes read aloud or shown (alt, title, placeholder, aria-label, a
button's value, a meta description), once comments, template tags, variables, `{% translate %}`
and `{% blocktranslate %}` blocks, scripts and styles are taken out.

What it cannot know it leaves alone: a variable's value (translated where it is made), and
words a template tag writes. Each finding names the file's line, for the person fixing it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Taken out whole, keeping their line breaks so later line numbers stay right.
HIDDEN = [
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"<!--.*?-->", re.S),
    # Django's blocks and Jinja's (`{% trans %}`, planner/jinja2): translated whole.
    re.compile(
        r"\{%-?\s*(?:blocktranslate|blocktrans|trans)\b.*?%\}"
        r".*?\{%-?\s*(?:endblocktranslate|endblocktrans|endtrans)\s*-?%\}",
        re.S,
    ),
    re.compile(r"\{%\s*verbatim\s*%\}.*?\{%\s*endverbatim\s*%\}", re.S),
    # HTML's own "do not translate" (a published title, a citation): kept as written.
    re.compile(r"<(\w+)\b[^>]*\btranslate=\"no\"[^>]*>.*?</\1\s*>", re.S),
    # Template tags (`{% translate %}` among them) and variables: never words of the page's.
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
    # Character references (&amp; &nbsp; &#8217;) are not words.
    re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);"),
]
# A script's or a style's content is code, not words (its tags stay: they are tags).
CODE = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.S | re.I)
# A tag's name may follow blanks: allauth's button writes `<{% if %}a{% else %}button...`.
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*|!)([^>]*)>", re.S)
ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}
# An input of these types shows its value as its label; a <button>'s value is only sent.
BUTTON_INPUTS = {"submit", "button", "reset"}
LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _blank(match: re.Match[str]) -> str:
    # The match's characters become spaces, its line breaks stay.
    return re.sub(r"[^\n]", " ", match.group(0))


def _blank_code(match: re.Match[str]) -> str:
    return match.group(1) + re.sub(r"[^\n]", " ", match.group(3)) + match.group(4)


def without_hidden(source: str) -> str:
    for pattern in HIDDEN:
        source = pattern.sub(_blank, source)
    return CODE.sub(_blank_code, source)


def _line(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def _attributes(text: str) -> dict[str, str]:
    return {name.lower(): value.strip("\"'") for name, value in ATTRIBUTE.findall(text)}


def findings(source: str, path: str = "<template>") -> list[Finding]:
    """Each piece of visible text in `source` outside a translation tag."""
    cleaned = without_hidden(source)
    found: list[Finding] = []
    position = 0
    for tag in TAG.finditer(cleaned):
        between = cleaned[position : tag.start()]
        if LETTER.search(between):
            offset = position + len(between) - len(between.lstrip())
            found.append(Finding(path, _line(cleaned, offset), " ".join(between.split())))
        position = tag.end()
        closing, name, rest = tag.groups()
        if closing or name == "!":
            continue
        attributes = _attributes(rest)
        read = set(READ_ATTRIBUTES)
        if name.lower() == "input" and attributes.get("type", "").lower() in BUTTON_INPUTS:
            read.add("value")
        if name.lower() == "meta" and attributes.get("name", "").lower() == "description":
            read.add("content")
        for attribute in sorted(read & attributes.keys()):
            if LETTER.search(attributes[attribute]):
                found.append(
                    Finding(
                        path,
                        _line(cleaned, tag.start()),
                        f'{attribute}="{" ".join(attributes[attribute].split())}"',
                    )
                )
    rest = cleaned[position:]
    if LETTER.search(rest):
        offset = position + len(rest) - len(rest.lstrip())
        found.append(Finding(path, _line(cleaned, offset), " ".join(rest.split())))
    return found


def scan(root: Path, folders: list[Path], skipped: list[Path]) -> list[Finding]:
    """Every finding in the templates under `folders`, but those under `skipped`."""
    found: list[Finding] = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".html", ".txt", ".svg", ".xml") or not path.is_file():
                continue
            if any(path == skip or skip in path.parents for skip in skipped):
                continue
            found += findings(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    return found
