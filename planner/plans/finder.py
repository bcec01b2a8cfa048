"""The condition finder, for the onboarding pages and the API alike: the conditions of the
places that hurt with their signs, the questions that tell them apart, and the conditions
ranked by the answers (planner.engine.finder decides)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop

from conditions import signs as catalog_signs
from conditions.models import BodyRegion, Condition, Source
from planner.engine import finder
from planner.plans import answer_words
from planner.safety import screenings

# What to do when no condition fits, in the articles' terms: "If the pain persists for more
# than a few days, is severe, or is accompanied [by] other symptoms such as swelling or
# numbness, it is advisable to consult a healthcare professional", and "consult with a
# healthcare professional for a proper diagnosis".
# Marked for translation here, translated when a finding is made (in the reader's language).
NONE_FITS_ADVICE = gettext_noop(
    "None of these conditions fits your answers well. See a doctor or a physical therapist "
    "for a proper diagnosis before you start a program: the article advises it in any case "
    "when the pain lasts more than a few days, is severe, or comes with swelling or numbness."
)
NONE_FITS_SOURCE = "back-of-leg-hurts-walking"


@dataclass(frozen=True)
class Found:
    questions: list[finder.Question]
    finding: finder.Finding
    conditions: dict[str, Condition]  # by slug, for links and referral advice
    none_fits_advice: str
    none_fits_source: str  # the article's title


def conditions_in(regions: Iterable[BodyRegion]) -> list[Condition]:
    """The conditions the articles describe for these places; the way back to running is not
    something that hurts: it is reached from the plans."""
    return list(
        Condition.objects.filter(regions__in=list(regions))
        .exclude(care=Condition.Care.RETURN_TO_RUN)
        .distinct()
        .select_related("source", "recovery_source")
        .order_by("name")
    )


def catalog_questions() -> list[finder.Question]:
    return [
        finder.Question(
            q.slug,
            q.text,
            q.choose,
            tuple(finder.Choice(a.slug, a.label, a.reason) for a in q.answers),
            q.help_text,
        )
        for q in catalog_signs.QUESTIONS
    ]


def candidates_of(conditions: Sequence[Condition]) -> list[finder.Candidate]:
    slugs = {sign["source"] for c in conditions for sign in c.signs}
    titles = dict(Source.objects.filter(slug__in=slugs).values_list("slug", "title"))
    return [
        finder.Candidate(
            slug=c.slug,
            name=c.name,
            doctor_first=c.care == Condition.Care.SEE_DOCTOR_FIRST,
            signs=tuple(
                finder.Sign(s["question"], s["answer"], titles.get(s["source"], s["source"]))
                for s in c.signs
            ),
        )
        for c in conditions
    ]


def questions_for(regions: Iterable[BodyRegion]) -> list[finder.Question]:
    """The few questions that tell apart the conditions of these places."""
    return finder.questions_to_ask(catalog_questions(), candidates_of(conditions_in(regions)))


def find(regions: Iterable[BodyRegion], given: Mapping[str, Sequence[str]]) -> Found:
    """The conditions of these places ranked by the answers given (question slug to answer
    slugs; a question left out, or answered with nothing, is "not sure").

    Raises ValidationError naming each question whose answer is not one it offers."""
    conditions = conditions_in(regions)
    candidates = candidates_of(conditions)
    questions = finder.questions_to_ask(catalog_questions(), candidates)
    errors = finder.answer_errors(questions, given)
    if errors:
        raise ValidationError({slug: answer_words.in_words(why) for slug, why in errors.items()})
    answers = {slug: frozenset(chosen) for slug, chosen in given.items()}
    source = Source.objects.filter(slug=NONE_FITS_SOURCE).values_list("title", flat=True).first()
    return Found(
        questions=questions,
        finding=finder.rank(questions, candidates, answers),
        conditions={c.slug: c for c in conditions},
        none_fits_advice=gettext(NONE_FITS_ADVICE),
        none_fits_source=source or "",
    )


def find_for(
    user: User, regions: Sequence[BodyRegion], given: Mapping[str, Sequence[str]], now: datetime
) -> Found:
    """The finder for a person: only once their warning-sign screening, with the questions of
    these places, lets a plan start, as before the list of conditions.

    Raises ScreeningRequired (what is missing) before that, ValidationError on bad answers."""
    permission = screenings.start_permission(user, now, regions)
    if not permission.allowed:
        raise screenings.ScreeningRequired(permission)
    return find(regions, given)
