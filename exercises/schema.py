"""The shape of the exercises data file (`exercises/data/exercises.yaml`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from conditions.schema import SLUG_PATTERN, Slug
from exercises.pictures.poses import Picture
from kit.datafiles import StrictEntry
from kit.translated import Spanish, check_spanish


class PhaseEntry(StrictEntry):
    """One phase of a walk-run exercise: walk `walk` minutes and run `run` in turns over
    `miles`, at a rated `effort` (0 to 10); `walk` 0 and `run` 0 run the whole distance."""

    walk: int = Field(ge=0, le=30)
    run: int = Field(ge=0, le=120)
    miles: float = Field(gt=0, le=30)
    effort: int = Field(ge=0, le=10)

    @model_validator(mode="after")
    def _runs(self) -> PhaseEntry:
        if self.walk and not self.run:
            raise ValueError("a phase with walking runs too: 'run' at least 1")
        return self


class LadderEntry(StrictEntry):
    """The dose ladder: from `start` to `target` in steps of `step`, counted in `unit`.

    `unit` is "reps" (repetitions per set) or "seconds" (a held stretch). `hold_seconds` is how
    long each repetition is held ("count to five" is 5). `sets` is the number of sets at the
    start; `sets_target` (when more) is climbed one set at a time once `target` is reached
    (the one-legged bridge: 1 set of 10, then 2, then 3). When any number of the ladder is not
    given by the exercise's article, `dose_source` names the clinical source it comes from and
    `dose_note` says which numbers those are.

    A walk-run exercise counts in "phases": `phases` lists them, from the first to continuous
    running, and the ladder climbs them one at a time (`start` 1, `target` their number,
    `step` 1).
    """

    unit: Literal["reps", "seconds", "phases"]
    sets: int = Field(default=1, ge=1, le=10)
    sets_target: int | None = Field(default=None, ge=1, le=10)  # None: the same as `sets`
    start: int = Field(gt=0)
    target: int = Field(gt=0)
    step: int = Field(gt=0)
    hold_seconds: int = Field(default=0, ge=0, le=300)
    dose_source: Slug | None = None
    dose_note: str = ""
    phases: list[PhaseEntry] = []

    @model_validator(mode="after")
    def _start_reaches_target(self) -> LadderEntry:
        if (self.unit == "phases") != bool(self.phases):
            raise ValueError("'phases' are listed exactly when 'unit' is phases")
        if self.phases and (self.start, self.target, self.step, self.sets) != (
            1,
            len(self.phases),
            1,
            1,
        ):
            raise ValueError(
                "a walk-run ladder climbs its phases one at a time: 'start' 1, 'target' the "
                "number of phases, 'step' 1, one set"
            )
        if self.start > self.target:
            raise ValueError("'start' must not exceed 'target'")
        if self.sets_target is not None and self.sets_target < self.sets:
            raise ValueError("'sets_target' must not be below 'sets'")
        return self


class VariationEntry(StrictEntry):
    """Another version of the exercise: `harder` (a load step: a band, a heavier band, a
    weight), `easier` (what a dose that hurts too much steps down to), or an `alternative`
    that is neither (another position)."""

    name: str = Field(min_length=1)
    kind: Literal["harder", "easier", "alternative"] = "harder"
    description: str = Field(min_length=1)
    equipment: list[str] = []


class VariationEs(Spanish):
    name: str = ""
    description: str = ""
    equipment: list[str] = []


class ExerciseEs(Spanish):
    """An exercise's Spanish: its name and everything a runner reads while doing it."""

    name: str = ""
    summary: str = ""
    steps: list[str] = []
    equipment: list[str] = []
    variations: list[VariationEs] = []
    cautions: list[str] = []


class RecommendationEntry(StrictEntry):
    condition: Slug
    note: str = ""
    source: Slug


class ExerciseEntry(StrictEntry):
    slug: Slug = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1)
    kind: Literal["strengthen", "stretch", "mobility", "balance", "conditioning"]
    regions: list[Slug] = Field(min_length=1)
    summary: str = ""
    steps: list[str] = Field(min_length=1)
    equipment: list[str] = []
    per_side: bool
    ladder: LadderEntry
    variations: list[VariationEntry] = []
    cautions: list[str] = []
    recommended_for: list[RecommendationEntry] = []
    source: Slug
    # The picture the app draws: the view, the props and the start and end poses. Every
    # catalog exercise has one; an admin may add an exercise without and give it poses later.
    picture: Picture
    es: ExerciseEs | None = None

    @model_validator(mode="after")
    def _spanish_complete(self) -> ExerciseEntry:
        check_spanish(self, self.es, ExerciseEs)
        return self
