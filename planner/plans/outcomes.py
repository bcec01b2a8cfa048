"""Outcome measures for a plan: answering the LEFS or the PSFS, what each answer scored and
how far it moved since the first, and which measure is due. planner.engine.outcomes decides;
this loads, calls and saves."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from planner.access import own_plan
from planner.engine import outcomes as rules
from planner.engine.outcomes import Measure
from planner.models import Plan, QuestionnaireAnswer
from planner.plans import answer_words
from planner.plans.daily import today_of

MEASURES = (Measure.LEFS, Measure.PSFS)
NAMES = {
    Measure.LEFS: "Lower Extremity Functional Scale",
    Measure.PSFS: "Patient-Specific Functional Scale",
}
# Statuses in which the measures fall due: a plan that runs. A paused plan is not asked (the
# runner is not exercising), a stopped one waits for its clearance.
ASKED_WHILE = (Plan.Status.ACTIVE,)


@dataclass(frozen=True)
class Point:
    """One answer on a measure's line: its score and the change since the first answer."""

    answer: QuestionnaireAnswer
    change: rules.Change | None  # None for the first answer


@dataclass(frozen=True)
class Series:
    """A measure's answers for a plan, oldest first, each with its change since the first."""

    measure: Measure
    name: str
    points: list[Point]

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def band(self) -> float:
        """How far from the first answer a change becomes meaningful (the chart's band)."""
        return float(rules.LEFS_MCID) if self.measure == Measure.LEFS else rules.PSFS_MEAN_MCID

    @property
    def label(self) -> str:
        """The chart's short name for the score (an axis has room for no more)."""
        return "LEFS" if self.measure == Measure.LEFS else "PSFS mean"

    @property
    def maximum(self) -> int:
        return rules.LEFS_MAX if self.measure == Measure.LEFS else rules.PSFS_ITEM_MAX


def scored(answer: QuestionnaireAnswer) -> rules.Scored:
    return rules.Scored(
        Measure(answer.measure),
        answer.total,
        tuple(answer.items),
        tuple(answer.activities),
    )


@dataclass(frozen=True)
class SinceStart:
    """A measure's change from its first answer to its latest, for the patient list."""

    measure: str
    name: str  # "LEFS", "PSFS"
    first: float
    latest: float
    change: rules.Change


def since_start(answers: Sequence[QuestionnaireAnswer]) -> list[SinceStart]:
    """Each measure answered at least twice: its change since the first answer (answers of
    one plan, oldest first)."""
    found = []
    for measure in MEASURES:
        mine = [answer for answer in answers if answer.measure == measure]
        if len(mine) < 2:
            continue
        first, latest = scored(mine[0]), scored(mine[-1])
        found.append(
            SinceStart(
                measure,
                measure.upper(),
                first.total,
                latest.total,
                rules.change_since_first(first, latest),
            )
        )
    return found


def answers_of(plan: Plan) -> list[QuestionnaireAnswer]:
    """Every answer of the plan, oldest first (one query)."""
    return list(plan.questionnaires.order_by("answered_at", "pk"))


def answers_of_plans(plan_ids: Iterable[int]) -> dict[int, list[QuestionnaireAnswer]]:
    """answers_of for many plans, by plan id, in one query."""
    found: dict[int, list[QuestionnaireAnswer]] = defaultdict(list)
    for answer in QuestionnaireAnswer.objects.filter(plan_id__in=list(plan_ids)).order_by(
        "answered_at", "pk"
    ):
        found[answer.plan_id].append(answer)
    return found


def series_of(answers: Sequence[QuestionnaireAnswer]) -> list[Series]:
    """Each measure's answers with their change since the first, from the answers loaded."""
    found = []
    for measure in MEASURES:
        mine = [answer for answer in answers if answer.measure == measure]
        points = [
            Point(
                answer,
                None if index == 0 else rules.change_since_first(scored(mine[0]), scored(answer)),
            )
            for index, answer in enumerate(mine)
        ]
        found.append(Series(measure, NAMES[measure], points))
    return found


def first_activities(plan: Plan) -> list[str]:
    """The PSFS activities the runner named at her first answer: asked again ever after."""
    first = plan.questionnaires.filter(measure=Measure.PSFS).order_by("answered_at", "pk").first()
    return list(first.activities) if first else []


def due_measures(plan: Plan, answers: Sequence[QuestionnaireAnswer], today: date) -> list[Measure]:
    """The measures due on the runner's `today`: each on the plan's first day, every two weeks
    and at its projected end, once per due date (planner.engine.outcomes.due_on)."""
    if plan.status not in ASKED_WHILE:
        return []
    due = []
    for measure in MEASURES:
        answered = [answer.answered_on for answer in answers if answer.measure == measure]
        if rules.due_on(plan.start_date, plan.projected_end, today, answered) is not None:
            due.append(measure)
    return due


def due_now(plan: Plan, now: datetime) -> list[Measure]:
    return due_measures(plan, answers_of(plan), today_of(plan, now))


def answer(
    runner: User,
    plan_id: int,
    measure: str,
    now: datetime,
    *,
    items: Sequence[object] = (),
    activities: Sequence[tuple[str, object]] = (),
) -> QuestionnaireAnswer:
    """Store the runner's answer to `measure` for her plan, scored by the engine. Refused (a
    ValidationError naming the field and the rule) when incomplete or out of range, or when a
    later PSFS scores other activities than the first one named."""
    if measure not in MEASURES:
        raise ValidationError({"measure": _("The measure is lefs or psfs.")})
    with transaction.atomic():
        plan = own_plan(runner, plan_id, act="answer a questionnaire for")
        # Locked so two answers at once cannot both be "the first" PSFS with other activities.
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        named: list[str] = []
        try:
            if measure == Measure.LEFS:
                result = rules.score_lefs(list(items))
            else:
                result = rules.score_psfs(list(activities))
                first = first_activities(plan)
                if first:
                    rules.check_same_activities(first, result.activities)
                # The first answer's spelling is kept, so a later "running" is still "Running".
                named = first or list(result.activities)
        except rules.AnswerError as error:
            raise ValidationError({error.field: answer_words.in_words(error.message)}) from error
        # The plan's save time is one of the patient list's marks (planner.care.patient_list):
        # touched, so the list's cached row shows the change since the start anew.
        Plan.objects.filter(pk=plan.pk).update(updated_at=now)
        return QuestionnaireAnswer.objects.create(
            plan=plan,
            measure=measure,
            answered_at=now,
            answered_on=today_of(plan, now),
            items=list(result.items),
            activities=named,
            total=result.total,
        )
