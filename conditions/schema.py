"""The shape of the conditions data files (`conditions/data/*.yaml`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from conditions import signs as finder_signs
from kit.datafiles import StrictEntry
from kit.translated import Spanish, check_spanish

Slug = str
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class SourceEntry(StrictEntry):
    """A source article (a web article, cited by title and publisher), or a published clinical
    source for a number the articles lack."""

    slug: Slug = Field(pattern=SLUG_PATTERN)
    title: str = Field(min_length=1)
    kind: Literal["article", "clinical"]
    publisher: str = Field(default="", max_length=200)  # the website or journal
    citation: str = ""  # the full reference, for clinical sources
    url: str = ""

    @model_validator(mode="after")
    def _article_has_publisher_clinical_has_citation(self) -> SourceEntry:
        if self.kind == "article" and not self.publisher:
            raise ValueError("an article source needs its 'publisher' (the website it is on)")
        if self.kind == "clinical" and not self.citation:
            raise ValueError("a clinical source needs its 'citation'")
        return self


class RegionEs(Spanish):
    name: str = ""
    description: str = ""


class RegionEntry(StrictEntry):
    slug: Slug = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1)
    order: int = Field(ge=0)
    description: str = ""
    es: RegionEs | None = None

    @model_validator(mode="after")
    def _spanish_complete(self) -> RegionEntry:
        check_spanish(self, self.es, RegionEs)
        return self


class RecoveryEntry(StrictEntry):
    """A recovery timeline: a range, and the words it was taken from."""

    min: int | None = Field(default=None, gt=0)
    max: int | None = Field(default=None, gt=0)
    unit: Literal["days", "weeks", "months"] = "weeks"
    text: str = Field(min_length=1)  # the article's own words
    # Set only when the numbers are not from the condition's article.
    source: Slug | None = None

    @model_validator(mode="after")
    def _range_is_ordered(self) -> RecoveryEntry:
        if (self.min is None) != (self.max is None):
            raise ValueError("give both 'min' and 'max', or neither")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' must not exceed 'max'")
        return self


class RecoveryEs(Spanish):
    text: str = ""


class SignEntry(StrictEntry):
    """A sign the article gives for a condition, as the answer to one of the finder's
    questions (conditions/signs.py), citing that article."""

    question: str
    answer: str
    source: Slug  # the article (or published source) that gives it
    note: str = ""  # the article's words, where the answer is not plainly them

    @model_validator(mode="after")
    def _answers_a_known_question(self) -> SignEntry:
        question = finder_signs.BY_SLUG.get(self.question)
        if question is None:
            known = ", ".join(sorted(finder_signs.BY_SLUG))
            raise ValueError(f"'question' must be one of: {known}")
        if question.answer(self.answer) is None:
            known = ", ".join(a.slug for a in question.answers)
            raise ValueError(f"'answer' to {self.question!r} must be one of: {known}")
        return self


class ConditionEs(Spanish):
    name: str = ""
    summary: str = ""
    symptoms: list[str] = []
    causes: list[str] = []
    treatment: list[str] = []
    recovery: RecoveryEs | None = None
    care_note: str = ""


class ConditionEntry(StrictEntry):
    slug: Slug = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1)
    regions: list[Slug] = Field(min_length=1)
    summary: str = Field(min_length=1)
    symptoms: list[str] = []
    causes: list[str] = []  # causes and risk factors
    treatment: list[str] = []  # treatments the article recommends, in its words
    recovery: RecoveryEntry | None = None
    care: Literal["home_exercise", "see_doctor_first", "return_to_run"]
    care_note: str = ""  # why a doctor must see it first, or what to watch for
    source: Slug
    signs: list[SignEntry] = []  # what the condition feels like, for the finder
    es: ConditionEs | None = None

    @model_validator(mode="after")
    def _spanish_complete(self) -> ConditionEntry:
        check_spanish(self, self.es, ConditionEs)
        return self

    @model_validator(mode="after")
    def _each_sign_once(self) -> ConditionEntry:
        seen = [(s.question, s.answer) for s in self.signs]
        if len(seen) != len(set(seen)):
            raise ValueError("a sign is listed twice in 'signs'")
        return self


class RedFlagEs(Spanish):
    sign: str = ""
    question: str = ""
    advice: str = ""


class RedFlagEntry(StrictEntry):
    slug: Slug = Field(pattern=SLUG_PATTERN)
    sign: str = Field(min_length=1)  # what the person notices
    question: str = Field(min_length=1)  # how screening asks about it, answered yes or no
    urgency: Literal["emergency", "see_doctor_soon", "stop_until_assessed"]
    advice: str = Field(min_length=1)  # what to show, in the article's terms
    regions: list[Slug] = []  # empty: asked whatever hurts
    conditions: list[Slug] = []  # conditions this sign may point to
    source: Slug
    # Another source that gives the same sign for some regions, cited instead of `source` for
    # a runner whose pain is there (a knee's runner is not sent to an ankle article): source
    # slug -> region slugs.
    sources_by_region: dict[Slug, list[Slug]] = {}
    es: RedFlagEs | None = None

    @model_validator(mode="after")
    def _spanish_complete(self) -> RedFlagEntry:
        check_spanish(self, self.es, RedFlagEs)
        return self
