"""Names put into sentences: "IT band syndrome" stays so, "Knee" becomes "knee"."""

from __future__ import annotations


def in_sentence(name: str) -> str:
    """A name, written sentence case in the catalog, as it reads mid-sentence: its first letter
    lowercased unless its first word is an acronym ("IT band syndrome", "SI joint"), and the
    words after it as written ("Heel and Achilles tendon" -> "heel and Achilles tendon").
    Lowercasing the whole name breaks both."""
    first = name.split(" ", 1)[0]
    letters = [c for c in first if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return name
    return name[:1].lower() + name[1:]
