"""The warning-sign screening asked before any plan: from the answers, whether the runner may
go on to a plan. Plain values in, plain values out.

Every warning sign asked is a yes/no question; a "yes" to any of them stops the way to a plan
and shows the article's advice instead.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping


class Verdict(enum.StrEnum):
    UNSCREENED = "unscreened"  # the questions are not answered yet
    STOP = "stop"  # a warning sign: see a doctor, no plan
    CLEAR = "clear"  # every question answered "no"


def verdict(answers: Mapping[str, bool] | None) -> Verdict:
    """`answers` by warning sign (True for "yes"), or None before the questions are answered."""
    if answers is None:
        return Verdict.UNSCREENED
    if any(answers.values()):
        return Verdict.STOP
    return Verdict.CLEAR
