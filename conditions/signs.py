"""The questions the condition finder may ask, and the answers a condition's signs name.

A condition's signs (`signs:` in conditions/data/conditions.yaml) are answers to these
questions, each citing the article that gives it. The wording here is the finder's own; what
a condition is like is in the data, never here. Plain values, no Django: the schema validates
the data against them and the finder's pages and API ask them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# "one": the runner picks one answer or "not sure"; a condition whose article names other
#   answers to it, and not this one, fits less.
# "any": the runner ticks what applies; ticking nothing is "not sure", and an answer a
#   condition's article does not name counts neither for nor against it.
Choose = Literal["one", "any"]


@dataclass(frozen=True)
class Answer:
    slug: str
    label: str  # what the runner reads on the form
    reason: str  # the words of a reason: "outside of the hip"


@dataclass(frozen=True)
class Question:
    slug: str
    text: str
    choose: Choose
    answers: tuple[Answer, ...]
    help_text: str = ""

    def answer(self, slug: str) -> Answer | None:
        return next((a for a in self.answers if a.slug == slug), None)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "where",
        "Where exactly does it hurt most?",
        "one",
        (
            Answer("buttock", "In the buttock", "in the buttock"),
            Answer("groin", "In the groin, where the thigh meets the trunk", "in the groin"),
            Answer("outside-of-hip", "On the outside of the hip", "outside of the hip"),
            Answer(
                "outside-of-leg",
                "On the outside of the thigh or knee",
                "outside of the thigh or knee",
            ),
            Answer("back-of-leg", "At the back of the thigh or leg", "back of the leg"),
            Answer("around-kneecap", "Around the kneecap", "around the kneecap"),
            Answer("calf", "In the calf", "in the calf"),
            Answer("inside-of-ankle", "On the inside of the ankle", "inside of the ankle"),
            Answer("outside-of-ankle", "On the outside of the ankle", "outside of the ankle"),
            Answer(
                "back-of-ankle",
                "At the back of the ankle, above the heel",
                "back of the ankle",
            ),
            Answer("heel", "In the heel", "in the heel"),
            Answer("ball-of-foot", "Under the ball of the foot", "under the ball of the foot"),
        ),
    ),
    Question(
        "when",
        "When does it hurt most?",
        "one",
        (
            Answer("during-activity", "While I run or walk", "worse while running or walking"),
            Answer("after-activity", "After I run or walk", "hurts after running or walking"),
            Answer(
                "next-day",
                "12 to 24 hours after a harder run or walk",
                "12 to 24 hours after a harder walk",
            ),
            Answer(
                "morning",
                "First thing in the morning, or after resting a long time",
                "worst in the morning or after a long rest",
            ),
            Answer(
                "eases-with-rest",
                "It starts while I walk, goes away when I rest and comes back when I walk on",
                "starts while walking and eases with rest",
            ),
            Answer(
                "any-time",
                "Any time, moving or at rest",
                "hurts whether or not you are moving",
            ),
        ),
    ),
    Question(
        "onset",
        "How did it start?",
        "one",
        (
            Answer("gradually", "Gradually, over weeks or months", "came on gradually"),
            Answer("suddenly", "Suddenly", "came on suddenly"),
        ),
    ),
    Question(
        "brought-on",
        "What brought it on, or makes it worse?",
        "any",
        (
            Answer(
                "more-than-usual",
                "More running or walking than usual, or a sudden rise in mileage",
                "after more running or walking than usual",
            ),
            Answer("speed", "Speed work, or suddenly going faster", "after speed work"),
            Answer("downhill", "Running or walking downhill", "worse downhill"),
            Answer("shoes", "Worn-out or unsuitable shoes", "with worn-out or unsuitable shoes"),
            Answer(
                "lifting-leg",
                "Lifting the leg, or getting out of a car",
                "worse lifting the leg or getting out of a car",
            ),
            Answer(
                "weight-bearing",
                "Standing or putting weight on it",
                "worse standing or putting weight on it",
            ),
            Answer(
                "uneven-ground",
                "Uneven ground, or carrying something heavy",
                "worse on uneven ground or carrying something heavy",
            ),
            Answer(
                "sudden-movement",
                "A jump, a sprint or a sudden movement",
                "after a jump, sprint or sudden movement",
            ),
            Answer("injury", "A fall, twist or knock", "after a fall, twist or knock"),
            Answer("old-sprain", "An old ankle sprain", "an old ankle sprain"),
            Answer("sitting", "Sitting for a long time", "after sitting for a long time"),
        ),
        help_text="Tick what applies; tick nothing if you are not sure.",
    ),
    Question(
        "noticed",
        "Do you notice any of these?",
        "any",
        (
            Answer("clicking", "Clicking, popping or rubbing", "clicking"),
            Answer("swelling", "Swelling", "swelling"),
            Answer("stiffness", "Stiffness", "stiffness"),
            Answer("gives-way", "It feels unstable, as if it might give way", "feels unstable"),
            Answer("spreads", "Pain that spreads along the leg", "pain that spreads"),
            Answer("numbness", "Numbness or tingling", "numbness or tingling"),
            Answer("redness-warmth", "Redness or warmth", "redness or warmth"),
            Answer("bruising", "Bruising", "bruising"),
            Answer("cramping", "Cramping", "cramping"),
            Answer("weakness", "Weakness", "weakness"),
        ),
        help_text="Tick what applies; tick nothing if you are not sure.",
    ),
)

BY_SLUG: dict[str, Question] = {q.slug: q for q in QUESTIONS}
