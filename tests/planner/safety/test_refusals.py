"""Why a plan cannot start, in the reader's language (planner.safety.refusals): each reason the
screening rules give is known, so none reaches a Spanish reader in English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation

from planner.engine import screening as rules
from planner.engine.screening import Screened, Verdict
from planner.safety import refusals

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def screened(verdict: Verdict, **fields: object) -> Screened:
    values: dict[str, object] = {"answered_at": NOW, "cleared": False, "used": False}
    return Screened(verdict, **(values | fields))  # type: ignore[arg-type]


REFUSALS = [
    rules.may_start_plan([screened(Verdict.EMERGENCY)], NOW),
    rules.may_start_plan([screened(Verdict.CLEAR)], NOW, stopped_for=("see_clinician",)),
    rules.may_start_plan([], NOW),
    rules.may_start_plan([screened(Verdict.CLEAR, used=True)], NOW),
    rules.may_start_plan([screened(Verdict.CLEAR)], NOW, required=frozenset({"a", "b"})),
    rules.may_start_plan([screened(Verdict.SEE_CLINICIAN)], NOW),
]


@pytest.mark.parametrize("permission", REFUSALS)
def test_each_reason_is_said_in_spanish_and_kept_in_english(
    permission: rules.Permission,
) -> None:
    assert not permission.allowed
    with translation.override("en"):
        assert refusals.in_words(permission.reason) == permission.reason
    with translation.override("es"):
        spanish = refusals.in_words(permission.reason)

    assert spanish != permission.reason
    digits = sorted(c for c in permission.reason if c.isdigit())
    assert sorted(c for c in spanish if c.isdigit()) == digits
