"""Catalog names mid-sentence (planner.engine.words)."""

from __future__ import annotations

from planner.engine.words import in_sentence


def test_a_name_mid_sentence_keeps_its_acronyms_and_proper_names() -> None:
    assert in_sentence("IT band syndrome") == "IT band syndrome"
    assert in_sentence("SI joint dysfunction") == "SI joint dysfunction"
    assert in_sentence("Heel and Achilles tendon") == "heel and Achilles tendon"


def test_an_ordinary_name_starts_lowercase_mid_sentence() -> None:
    assert in_sentence("Knee") == "knee"
    assert in_sentence("With an exercise band") == "with an exercise band"
    assert in_sentence("A") == "a" and in_sentence("") == ""
