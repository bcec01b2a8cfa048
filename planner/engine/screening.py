"""The warning-sign screening asked before any plan and at each weekly check-in: from the
answers, what the runner must do before exercising. Plain values in, plain values out.

Every warning sign asked is a yes/no question, and each is of one of two kinds
(conditions.models.RedFlag.urgency):

- an *emergency* (the blood clot's signs; loss of bladder or bowel control; a leg that cannot
  bear weight after an injury; a hot swollen joint with fever...): stop, get help now; the stop
  is kept until the runner states that a clinician has assessed them;
- a sign to *see a clinician first* (pain over a few days not getting better, pain that keeps
  coming back, numbness or tingling...): the runner may go on once a clinician has assessed the
  problem and cleared exercise, which the runner confirms or their therapist records.

No "yes" at all: on to the conditions and a plan.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

EMERGENCY_URGENCIES = frozenset({"emergency"})
# How long a screening answered "no" to everything lets a plan start: the answers are about
# the pain as it is now, so a week-old screening is asked again. The project's own choice.
VALID_FOR = timedelta(days=7)


class Verdict(enum.StrEnum):
    UNSCREENED = "unscreened"  # the questions are not answered yet
    EMERGENCY = "emergency"  # get help now; recorded until a clinician has assessed
    SEE_CLINICIAN = "see_clinician"  # see a clinician first; may go on once cleared
    CLEAR = "clear"  # every question answered "no"


def verdict(
    answers: Mapping[str, bool] | None, urgencies: Mapping[str, str] | None = None
) -> Verdict:
    """`answers` by warning sign (True for "yes"), or None before the questions are answered;
    `urgencies` by warning sign (a sign not listed counts as one to see a clinician about)."""
    if answers is None:
        return Verdict.UNSCREENED
    yes = [slug for slug, answer in answers.items() if answer]
    if any((urgencies or {}).get(slug) in EMERGENCY_URGENCIES for slug in yes):
        return Verdict.EMERGENCY
    if yes:
        return Verdict.SEE_CLINICIAN
    return Verdict.CLEAR


@dataclass(frozen=True)
class Screened:
    """One stored screening, as the start rule reads it."""

    verdict: Verdict
    answered_at: datetime
    cleared: bool  # a clinician's clearance is recorded (by the runner or their therapist)
    used: bool  # a plan has already started on it
    answered: frozenset[str] = frozenset()  # the warning signs it asked about


@dataclass(frozen=True)
class Permission:
    allowed: bool
    missing: str  # "" when allowed; else what is missing, for a 409's body and the page
    reason: str  # in words


def may_start_plan(
    screenings: Sequence[Screened],
    now: datetime,
    required: frozenset[str] = frozenset(),
    stopped_for: Sequence[str] = (),
) -> Permission:
    """Whether a plan may start now, given the person's screenings, newest first; the
    warning signs the program's condition asks about (`required`); and the urgency of each of
    their plans stopped for a warning sign and not yet resumed (`stopped_for`).

    An emergency not yet assessed by a clinician blocks every plan, whatever was answered
    since, and so does a plan stopped for a sign until it resumes after clearance. Otherwise
    the newest screening decides: at most VALID_FOR old, not used for a plan already, asking
    every question the program's condition needs, and either clear, or a sign to see a
    clinician about that a clinician has cleared. A cleared emergency lets the person answer
    again; it does not itself start a plan.
    """
    if any(s.verdict is Verdict.EMERGENCY and not s.cleared for s in screenings) or (
        "emergency" in stopped_for
    ):
        return Permission(
            False,
            "emergency_assessment",
            "A warning sign that needs help now was reported: confirm that a clinician has "
            "assessed you before any plan.",
        )
    if stopped_for:
        return Permission(
            False,
            "clinician_clearance",
            "A plan of yours stopped for a warning sign: once a clinician has assessed it, "
            "resume that plan from its page (or ask your therapist to) before starting another.",
        )
    if not screenings:
        return Permission(
            False, "screening", "Answer the warning-sign questions before starting a plan."
        )
    newest = screenings[0]
    if newest.used or now - newest.answered_at > VALID_FOR or newest.verdict is Verdict.EMERGENCY:
        return Permission(
            False,
            "screening",
            "Answer the warning-sign questions again: each plan starts on answers from the "
            f"last {VALID_FOR.days} days, about the pain as it is now.",
        )
    unasked = required - newest.answered
    if unasked:
        return Permission(
            False,
            "screening",
            f"Answer the warning-sign questions for this program's condition first: "
            f"{len(unasked)} of them were not asked.",
        )
    if newest.verdict is Verdict.SEE_CLINICIAN and not newest.cleared:
        return Permission(
            False,
            "clinician_clearance",
            "A warning sign was reported: a clinician must assess the problem and clear "
            "exercise first (confirm it, or ask your therapist to record it).",
        )
    return Permission(True, "", "")


# How long a clinician's clearance covers the signs it cleared, when the same signs are
# answered "yes" again (swelling after a sprain does not vanish the day a doctor sees it): the
# project's own choice.
CLEARANCE_COVERS = timedelta(days=30)


def covered_by_clearance(yes: frozenset[str], cleared_signs: frozenset[str]) -> bool:
    """Whether every sign answered "yes" was cleared by a clinician recently (CLEARANCE_COVERS):
    then the new answers need no new clearance. An emergency never carries over (the caller
    passes only signs to see a clinician about)."""
    return bool(yes) and yes <= cleared_signs


CHECK_IN_EVERY = timedelta(days=7)  # the weekly check-in while a plan runs


def check_in_due(plan_start: date, today: date, last_check_in: date | None) -> bool:
    """Whether a running plan's weekly check-in is due: a week after the plan started, and a
    week after each check-in since."""
    since = last_check_in or plan_start
    return today - since >= CHECK_IN_EVERY


def cited_sources(
    own_source: str, source_by_region: Mapping[str, str], regions: Sequence[str]
) -> list[str]:
    """The sources a warning sign cites to a runner with pain in `regions`: for each region,
    the source that gives the sign there, else the sign's own; the sign's own when no region
    is known. In order, each once: a knee's runner reads the leg article, not the ankle's."""
    cited = [source_by_region.get(region, own_source) for region in regions] or [own_source]
    return list(dict.fromkeys(cited))


def regions_asked(
    asked: Collection[str], signs_by_region: Mapping[str, Collection[str]]
) -> list[str]:
    """The regions a screening was most likely answered for, from the questions it asked (a
    screening keeps its answers, not the regions chosen): those whose own questions were all
    asked, less any whose questions are fewer than another such region's (a knee's questions
    include the shin's, so a knee's screening is the knee's). In `signs_by_region`'s order."""
    answered = set(asked)
    fits = {
        region: set(signs)
        for region, signs in signs_by_region.items()
        if signs and set(signs) <= answered
    }
    return [
        region
        for region, signs in fits.items()
        if not any(signs < other for other in fits.values())
    ]
