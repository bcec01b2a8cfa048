"""The shape of an exercise's picture: the view, the props and two poses (start and end), as a
catalog data file or an admin writes them.

Angles are in degrees and anatomical, for a body drawn facing right (`facing: left` mirrors
the whole drawing): `trunk` is the lean of the pelvis-to-neck line from upright (positive
forward, -90 lying on the back with the head to the left, 90 face down with the head to the
right). Each leg's `hip` is flexion (the thigh forward of the trunk's line), `knee` flexion,
`ankle` plantarflexion (toes pointed; 0 is the foot square to the shin). Each arm's `shoulder`
is flexion (180 is overhead) and `elbow` flexion. In a front view (`facing: camera` or
`away`) `hip` and `shoulder` are abduction (out to the side) and `knee` and `elbow` bend
outwards. Lengths are scales of a segment's full length, for a limb seen end-on.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Side = Literal["left", "right"]
Facing = Literal["right", "left", "camera", "away"]

LEG_JOINTS = ("hip", "knee", "ankle", "toe", "heel")
ARM_JOINTS = ("shoulder", "elbow", "hand")
JOINTS: tuple[str, ...] = (
    "pelvis",
    "neck",
    "head",
    *(f"{side}_{joint}" for side in ("left", "right") for joint in LEG_JOINTS + ARM_JOINTS),
)
LIMBS = ("left_leg", "right_leg", "left_arm", "right_arm")

Point = tuple[float, float]
# A prop is fixed to a place ([x, y]) or follows a joint of the body ("left_ankle").
Place = Point | str


class Strict(BaseModel):
    # NaN and infinity are no angles (and PostgreSQL's jsonb refuses them).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Leg(Strict):
    hip: float = 0
    knee: float = 0
    ankle: float = 0
    thigh: float = Field(default=1, gt=0, le=1)
    shin: float = Field(default=1, gt=0, le=1)
    foot: float = Field(default=1, gt=0, le=1)


class Arm(Strict):
    shoulder: float = 0
    elbow: float = 0
    upper: float = Field(default=1, gt=0, le=1)
    fore: float = Field(default=1, gt=0, le=1)


class Pose(Strict):
    trunk: float = 0
    head: float = 0
    trunk_length: float = Field(default=1, gt=0, le=1)
    left_leg: Leg = Leg()
    right_leg: Leg = Leg()
    left_arm: Arm = Arm()
    right_arm: Arm = Arm()
    # The joint placed `at` a point; without one the body rests on the floor, pelvis at x 0.
    anchor: str | None = None
    at: Point = (0.0, 4.5)

    @model_validator(mode="after")
    def _known_anchor(self) -> Pose:
        if self.anchor is not None and self.anchor not in JOINTS:
            raise ValueError(f"'anchor' must be a joint: one of {', '.join(JOINTS)}")
        return self


class Box(Strict):
    """A step, a bench, a bed or a rolled towel: a rectangle standing on `y`."""

    x: float
    y: float = 0
    w: float = Field(gt=0)
    h: float = Field(gt=0)


class Chair(Strict):
    x: float  # the front edge of the seat
    seat: float = Field(default=45, gt=0)
    depth: float = Field(default=40, gt=0)
    back: bool = True


class Band(Strict):
    """An exercise band or a towel loop between two places."""

    ends: tuple[Place, Place]


class Picture(Strict):
    facing: Facing = "right"
    # Side views: the side of the body toward the camera, drawn in front and darker.
    near: Side = "right"
    # The limbs the exercise moves, drawn in the accent colour so the moving leg is plain.
    moving: list[Literal["left_leg", "right_leg", "left_arm", "right_arm", "trunk"]] = []
    # The steps (numbered from 1) that describe the start and the end: the text alternative.
    shows: tuple[int, int]
    floor: bool = True
    wall: float | None = None
    boxes: list[Box] = []
    chair: Chair | None = None
    bands: list[Band] = []
    weights: list[str] = []  # joints holding a weight (a hand) or wearing one
    backpack: bool = False
    start: Pose
    end: Pose

    @model_validator(mode="after")
    def _consistent(self) -> Picture:
        if self.start.anchor != self.end.anchor:
            raise ValueError("'start' and 'end' must share one 'anchor', so the loop is smooth")
        for band in self.bands:
            for end in band.ends:
                if isinstance(end, str) and end not in JOINTS:
                    raise ValueError(f"band end {end!r} must be a joint or an [x, y] point")
        for joint in self.weights:
            if joint not in JOINTS:
                raise ValueError(f"weight {joint!r} must be a joint")
        if min(self.shows) < 1:
            raise ValueError("'shows' numbers steps from 1")
        return self

    @property
    def front(self) -> bool:
        return self.facing in ("camera", "away")
