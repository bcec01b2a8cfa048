"""Why an answer was refused, in the reader's language. The questionnaires, the readiness check
and the finder are scored by planner.engine, which knows no Django and says why in English;
each of its sentences is matched here and said again through gettext, its values kept. A
sentence not known here is shown as the engine wrote it."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from kit.reworded import Sentences, reworded

SENTENCES: Sentences = [
    (
        re.compile(r"Each answer is a whole number from 0 to (\d+)\."),
        lambda m: _("Each answer is a whole number from 0 to %(most)s.") % {"most": m[1]},
    ),
    (
        re.compile(r"Each answer is from 0 to (\d+); (.+) is not\."),
        lambda m: (
            _("Each answer is from 0 to %(most)s; %(value)s is not.")
            % {"most": m[1], "value": m[2]}
        ),
    ),
    (
        re.compile(r"The LEFS has (\d+) items: answer each one \((\d+) given\)\."),
        lambda m: (
            _("The LEFS has %(items)s items: answer each one (%(given)s given).")
            % {"items": m[1], "given": m[2]}
        ),
    ),
    (
        re.compile(r"Name (\d+) to (\d+) activities \((\d+) given\)\."),
        lambda m: (
            _("Name %(least)s to %(most)s activities (%(given)s given).")
            % {"least": m[1], "most": m[2], "given": m[3]}
        ),
    ),
    (
        re.compile(r"Each activity needs a name\."),
        lambda m: _("Each activity needs a name."),
    ),
    (
        re.compile(r"An activity's name is at most (\d+) characters\."),
        lambda m: _("An activity's name is at most %(most)s characters.") % {"most": m[1]},
    ),
    (
        re.compile(r"(.+) is named twice\.", re.S),
        lambda m: _("%(name)s is named twice.") % {"name": m[1]},
    ),
    (
        re.compile(r"Score the same activities as at your first answer: (.+)\.", re.S),
        lambda m: (
            _("Score the same activities as at your first answer: %(activities)s.")
            % {"activities": m[1]}
        ),
    ),
    (re.compile(r"Answer yes or no\."), lambda m: _("Answer yes or no.")),
    (
        re.compile(r"A whole number: pain from 0 to 10\."),
        lambda m: _("A whole number: pain from 0 to 10."),
    ),
    (
        re.compile(r"A whole number: how many you did\."),
        lambda m: _("A whole number: how many you did."),
    ),
    (
        re.compile(r"From 0 to (\d+); (.+) is not\."),
        lambda m: _("From 0 to %(most)s; %(value)s is not.") % {"most": m[1], "value": m[2]},
    ),
    (
        re.compile(r"Not a question asked here; ask one of: (.+)\.", re.S),
        lambda m: _("Not a question asked here; ask one of: %(questions)s.") % {"questions": m[1]},
    ),
    (
        re.compile(r"(.+) is not an answer to this question; answer one of: (.+)\.", re.S),
        lambda m: (
            _("%(answer)s is not an answer to this question; answer one of: %(answers)s.")
            % {"answer": m[1], "answers": m[2]}
        ),
    ),
    (
        re.compile(r"Give one answer to this question, or none if you are not sure\."),
        lambda m: _("Give one answer to this question, or none if you are not sure."),
    ),
]


def in_words(message: str) -> str:
    """The engine's `message`, in the active language."""
    return reworded(SENTENCES, message)
