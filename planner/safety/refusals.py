"""Why a plan cannot start, in the reader's language. The screening rules (planner.engine,
which knows no Django) say it in English; each of their sentences is matched here and said
again through gettext, its numbers kept. A sentence not known here is shown as the engine
wrote it."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kit.reworded import Sentences, reworded

SENTENCES: Sentences = [
    (
        re.compile(
            r"A warning sign that needs help now was reported: confirm that a clinician has "
            r"assessed you before any plan\."
        ),
        lambda m: _(
            "A warning sign that needs help now was reported: confirm that a clinician has "
            "assessed you before any plan."
        ),
    ),
    (
        re.compile(
            r"A plan of yours stopped for a warning sign: once a clinician has assessed it, "
            r"resume that plan from its page \(or ask your therapist to\) before starting "
            r"another\."
        ),
        lambda m: _(
            "A plan of yours stopped for a warning sign: once a clinician has assessed it, "
            "resume that plan from its page (or ask your therapist to) before starting another."
        ),
    ),
    (
        re.compile(r"Answer the warning-sign questions before starting a plan\."),
        lambda m: _("Answer the warning-sign questions before starting a plan."),
    ),
    (
        re.compile(
            r"Answer the warning-sign questions again: each plan starts on answers from the "
            r"last (\d+) days, about the pain as it is now\."
        ),
        lambda m: (
            _(
                "Answer the warning-sign questions again: each plan starts on answers from the "
                "last %(days)s days, about the pain as it is now."
            )
            % {"days": m[1]}
        ),
    ),
    (
        re.compile(
            r"Answer the warning-sign questions for this program's condition first: (\d+) of "
            r"them were not asked\."
        ),
        lambda m: (
            ngettext(
                "Answer the warning-sign questions for this program's condition first: %(count)s "
                "of them was not asked.",
                "Answer the warning-sign questions for this program's condition first: %(count)s "
                "of them were not asked.",
                int(m[1]),
            )
            % {"count": m[1]}
        ),
    ),
    (
        re.compile(
            r"A warning sign was reported: a clinician must assess the problem and clear "
            r"exercise first \(confirm it, or ask your therapist to record it\)\."
        ),
        lambda m: _(
            "A warning sign was reported: a clinician must assess the problem and clear "
            "exercise first (confirm it, or ask your therapist to record it)."
        ),
    ),
    (
        re.compile(
            r"Answer the warning-sign questions again: these answers started another plan\."
        ),
        lambda m: _("Answer the warning-sign questions again: these answers started another plan."),
    ),
]


def in_words(reason: str) -> str:
    """The engine's `reason`, in the active language."""
    return reworded(SENTENCES, reason)
