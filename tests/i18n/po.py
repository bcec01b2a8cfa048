"""Just enough of the gettext .po format to check a catalog: its entries with their context,
plural, translations and flags (obsolete `#~` entries left out). The project keeps no .po
library as a dependency for this alone."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

# gettext's separator between a message's context and its id, in a compiled catalog.
CONTEXT_GLUE = "\x04"


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The message as a compiled catalog looks it up."""
        return f"{self.msgctxt}{CONTEXT_GLUE}{self.msgid}" if self.msgctxt else self.msgid

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and not self.fuzzy

    def shown(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        return f"{self.msgid!r}{context}"


def _string(text: str) -> str:
    # A .po string is a C string literal, which Python reads the same for the escapes
    # gettext writes (\n, \t, \", \\).
    value = ast.literal_eval(text.strip())
    assert isinstance(value, str)
    return value


def read(path: Path) -> list[Entry]:
    """Every entry of the .po at `path`, the header (msgid "") first."""
    entries: list[Entry] = []
    current = Entry()
    part: tuple[str, int] | None = None
    has_msgstr = False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        keyword = line.partition(" ")[0]
        ends = not line or line.startswith("#") or keyword in ("msgctxt", "msgid")
        if has_msgstr and ends:
            entries.append(current)
            current, part, has_msgstr = Entry(), None, False
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith('"'):
            if part is None:
                raise ValueError(f"{path}:{number}: a string continues nothing")
            _append(current, part, _string(line))
            continue
        if keyword.startswith("msgstr["):
            part = ("msgstr", int(keyword[7:-1]))
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            part = (keyword, 0)
        else:
            raise ValueError(f"{path}:{number}: unknown keyword {keyword!r}")
        current.line = current.line or number
        has_msgstr = has_msgstr or part[0] == "msgstr"
        _set(current, part, _string(line[len(keyword) :]))
    if has_msgstr:
        entries.append(current)
    return entries


def _set(entry: Entry, part: tuple[str, int], value: str) -> None:
    name, index = part
    if name == "msgstr":
        entry.msgstr[index] = value
    else:
        setattr(entry, name, value)


def _append(entry: Entry, part: tuple[str, int], value: str) -> None:
    name, index = part
    if name == "msgstr":
        entry.msgstr[index] += value
    else:
        setattr(entry, name, (getattr(entry, name) or "") + value)


def catalog(entries: list[Entry]) -> dict[str | tuple[str, int], str]:
    """What compiling the entries gives, keyed as Python's gettext keys a .mo's messages: the
    translated ones (a fuzzy or empty one is left out, as msgfmt leaves it), plurals by form."""
    compiled: dict[str | tuple[str, int], str] = {}
    for entry in entries:
        if entry.msgid and not entry.translated:
            continue
        if entry.msgid_plural is None:
            compiled[entry.key] = entry.msgstr[0]
        else:
            for form, text in entry.msgstr.items():
                compiled[(entry.key, form)] = text
    return compiled
