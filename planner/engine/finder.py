"""The condition finder: which questions to ask about the conditions of the places that hurt,
and how well each condition fits the answers.

It suggests; it never diagnoses. A condition fits by the signs its article gives (the
catalog's `signs`): an answer its article names counts for it, with the words of a reason; a
single-answer question its article answers otherwise counts against it; an answer its article
says nothing about counts neither way, since an article's silence is not evidence. A
condition whose article gives no sign cannot be matched by answers, and is said so. When no
condition fits, the outcome says so, and the pages send the runner to a clinician.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Level = Literal["fits", "partly"]


@dataclass(frozen=True)
class Choice:
    slug: str
    label: str  # what the runner reads
    reason: str  # the words of a reason: "outside of the hip"


@dataclass(frozen=True)
class Question:
    slug: str
    text: str
    choose: Literal["one", "any"]  # one answer or "not sure"; or any number, none is "not sure"
    choices: tuple[Choice, ...]
    help_text: str = ""

    def choice(self, slug: str) -> Choice | None:
        return next((c for c in self.choices if c.slug == slug), None)


@dataclass(frozen=True)
class Sign:
    question: str
    answer: str
    source: str  # the title of the article that gives it


@dataclass(frozen=True)
class Candidate:
    slug: str
    name: str
    doctor_first: bool  # a doctor must assess it before any exercise
    signs: tuple[Sign, ...]

    def answers_to(self, question: str) -> frozenset[str]:
        return frozenset(s.answer for s in self.signs if s.question == question)


@dataclass(frozen=True)
class Reason:
    words: str  # "outside of the hip"
    source: str  # the article that gives the sign


@dataclass(frozen=True)
class Fit:
    candidate: Candidate
    level: Level
    reasons: tuple[Reason, ...]  # the answers its article gives
    against: tuple[str, ...]  # answers where its article describes something else

    @property
    def summary(self) -> str:
        """ "Outside of the hip, clicking: IT band syndrome fits"."""
        words = ", ".join(r.words for r in self.reasons)
        verdict = "fits" if self.level == "fits" else "fits in part"
        return f"{words[:1].upper()}{words[1:]}: {self.candidate.name} {verdict}"


@dataclass(frozen=True)
class Finding:
    answered: bool  # False when every answer was "not sure"
    fits: tuple[Fit, ...]  # best first
    unmatched: tuple[Candidate, ...]  # described by their articles, but not by these answers
    undescribed: tuple[Candidate, ...]  # their articles give no sign to match

    @property
    def none_fits(self) -> bool:
        """Answers were given, and no condition fits them without something against it."""
        return self.answered and not any(f.level == "fits" for f in self.fits)


Answers = Mapping[str, frozenset[str]]  # question slug -> the answers chosen; empty: not sure


def questions_to_ask(
    questions: Sequence[Question], candidates: Sequence[Candidate]
) -> list[Question]:
    """The questions whose answers tell these conditions apart, each offering only the answers
    some condition's article gives (a one-answer question with a single such answer offers
    all of its answers); in the order given."""
    asked = []
    for question in questions:
        named = {a for c in candidates for a in c.answers_to(question.slug)}
        # The same answers (or none) for every condition: asking cannot tell them apart.
        if len({c.answers_to(question.slug) for c in candidates}) < 2 or not named:
            continue
        # A single answer to choose besides "not sure" would leave a runner whose pain is
        # otherwise no way to say so (a sudden start, when only gradual is named): then all.
        offered = (
            question.choices
            if question.choose == "one" and len(named) < 2
            else tuple(c for c in question.choices if c.slug in named)
        )
        asked.append(
            Question(question.slug, question.text, question.choose, offered, question.help_text)
        )
    return asked


def answer_errors(
    questions: Sequence[Question], given: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """What is wrong with the answers, by question: an unknown question, an answer it does not
    offer, or more than one answer to a one-answer question. Empty when they are fine."""
    known = {q.slug: q for q in questions}
    errors = {}
    for slug, answers in given.items():
        question = known.get(slug)
        if question is None:
            errors[slug] = f"Not a question asked here; ask one of: {', '.join(known) or 'none'}."
            continue
        unknown = [a for a in answers if question.choice(a) is None]
        if unknown:
            offered = ", ".join(c.slug for c in question.choices)
            errors[slug] = (
                f"{unknown[0]!r} is not an answer to this question; answer one of: {offered}."
            )
        elif question.choose == "one" and len(set(answers)) > 1:
            errors[slug] = "Give one answer to this question, or none if you are not sure."
    return errors


def fit_of(candidate: Candidate, questions: Sequence[Question], answers: Answers) -> Fit | None:
    reasons: list[Reason] = []
    against: list[str] = []
    for question in questions:
        chosen = answers.get(question.slug, frozenset())
        own = {s.answer: s for s in candidate.signs if s.question == question.slug}
        for choice in question.choices:  # in the question's order, for a steady sentence
            if choice.slug in chosen and choice.slug in own:
                reasons.append(Reason(choice.reason, own[choice.slug].source))
        if question.choose == "one" and own and chosen and not chosen & own.keys():
            against.extend(c.reason for c in question.choices if c.slug in chosen)
    if len(reasons) <= len(against):
        return None
    return Fit(candidate, "partly" if against else "fits", tuple(reasons), tuple(against))


def rank(
    questions: Sequence[Question], candidates: Sequence[Candidate], answers: Answers
) -> Finding:
    """The conditions ranked by how well they fit the answers, with the reasons in words."""
    described = [c for c in candidates if c.signs]
    fits = [f for f in (fit_of(c, questions, answers) for c in described) if f is not None]
    # Most answers for it (less those against) first; among equals, the one whose article's
    # signs the answers cover most completely, then fewer answers against, then by name.
    fits.sort(
        key=lambda f: (
            -(len(f.reasons) - len(f.against)),
            -len(f.reasons) / len(f.candidate.signs),
            len(f.against),
            f.candidate.name.lower(),
        )
    )
    fitting = {f.candidate.slug for f in fits}
    return Finding(
        answered=any(answers.get(q.slug) for q in questions),
        fits=tuple(fits),
        unmatched=tuple(c for c in described if c.slug not in fitting),
        undescribed=tuple(c for c in candidates if not c.signs),
    )
