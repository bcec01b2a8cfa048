"""The shape of the programs data file (`planner/data/programs.yaml`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from conditions.schema import SLUG_PATTERN, Slug
from kit.datafiles import StrictEntry
from kit.translated import Spanish, check_spanish

PainRuleKey = Literal[
    "pain_monitoring", "near_pain_free", "return_to_run"
]  # planner.engine.pain.PAIN_RULES


class PhaseEntry(StrictEntry):
    name: str = Field(min_length=1)
    first_week: int = Field(ge=1)
    last_week: int = Field(ge=1)
    goal: str = ""
    # The program's rule unless the phase names its own (an acute strain's pain-free start).
    pain_rule: PainRuleKey | None = None

    @model_validator(mode="after")
    def _weeks_ordered(self) -> PhaseEntry:
        if self.first_week > self.last_week:
            raise ValueError("'first_week' must not be after 'last_week'")
        return self


class PrescriptionEntry(StrictEntry):
    """An exercise in a program. Dose numbers left out are taken from the exercise's ladder."""

    exercise: Slug
    first_week: int = Field(default=1, ge=1)
    last_week: int | None = Field(default=None, ge=1)  # None: to the program's last week
    frequency: Literal["daily", "every_other_day", "three_per_week"]
    sets: int | None = Field(default=None, ge=1, le=10)
    sets_target: int | None = Field(default=None, ge=1, le=10)
    start: int | None = Field(default=None, gt=0)
    target: int | None = Field(default=None, gt=0)
    step: int | None = Field(default=None, gt=0)
    # The exercise's harder variations (its `kind: harder` ones), in the order they are taken
    # once the top of the ladder is reached: the load steps (a band, a heavier band, a weight).
    harder: list[str] = []
    # The exercise's easier variation (`kind: easier`) a dose that hurts too much at the bottom
    # of the ladder steps down to; None: none, the dose holds at the bottom.
    easier: str | None = None
    times_per_day: int = Field(default=1, ge=1, le=3)  # Askling's Extender: twice a day
    sessions_to_progress: int = Field(default=3, ge=1, le=30)
    days_to_progress: int = Field(default=7, ge=1, le=60)


class PhaseEs(Spanish):
    name: str = ""
    goal: str = ""


class ProgramEs(Spanish):
    name: str = ""
    summary: str = ""
    weeks_note: str = ""
    phases: list[PhaseEs] = []


class ProgramEntry(StrictEntry):
    slug: Slug = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1)
    condition: Slug
    summary: str = ""
    weeks: int = Field(ge=1, le=52)
    # Where the program's length comes from: the clinical source whose programme lasted that
    # long, or None when it is the project's own choice, which `weeks_note` then explains. A
    # program's length is never a recovery time.
    weeks_source: Slug | None = None
    weeks_note: str = Field(min_length=1)
    source: Slug
    # How much pain the program allows: the pain-monitoring model unless it says otherwise;
    # `pain_rule_source` names the source that supports the rule for this condition, when one
    # does (else the comment above the program says it is the project's own choice).
    pain_rule: PainRuleKey = "pain_monitoring"
    pain_rule_source: Slug | None = None
    phases: list[PhaseEntry] = Field(min_length=1)
    prescriptions: list[PrescriptionEntry] = Field(min_length=1)
    es: ProgramEs | None = None

    @model_validator(mode="after")
    def _spanish_complete(self) -> ProgramEntry:
        check_spanish(self, self.es, ProgramEs)
        return self

    @model_validator(mode="after")
    def _each_exercise_once(self) -> ProgramEntry:
        slugs = [item.exercise for item in self.prescriptions]
        twice = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if twice:
            raise ValueError(f"prescriptions list {', '.join(twice)} more than once")
        return self

    @model_validator(mode="after")
    def _weeks_within_program(self) -> ProgramEntry:
        for phase in self.phases:
            if phase.last_week > self.weeks:
                raise ValueError(f"phase {phase.name!r} ends after week {self.weeks}")
        for item in self.prescriptions:
            if (item.last_week or self.weeks) > self.weeks or item.first_week > self.weeks:
                raise ValueError(f"prescription {item.exercise!r} runs past week {self.weeks}")
        return self
