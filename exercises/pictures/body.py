"""The body model: a pose's joint angles turned into joint positions (forward kinematics), and
two poses blended for the frames between them. Plain values in, plain values out.

Coordinates are those of the drawing's world: x to the right, y up, the floor at y 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exercises.pictures.poses import Arm, Leg, Point, Pose

# Segment lengths of an adult of about 175 (any unit: the drawing scales to fit).
TRUNK = 50.0
NECK = 7.0
HEAD_RADIUS = 10.0
UPPER_ARM = 28.0
FOREARM = 27.0
THIGH = 43.0
SHIN = 42.0
FOOT = 16.0
HEEL = 4.0
HIP_HALF_WIDTH = 8.0  # a front view's pelvis
SHOULDER_HALF_WIDTH = 14.0
SHOULDER_DROP = 3.0  # shoulders sit a little below the base of the neck
LIMB_WIDTH = 9.0  # the stroke a limb is drawn with: a joint on the floor is half of it up

Joints = dict[str, Point]


def _turn(direction: Point, degrees: float) -> Point:
    """The direction turned counter-clockwise (y up) by `degrees`."""
    radians = math.radians(degrees)
    cos, sin = math.cos(radians), math.sin(radians)
    return (direction[0] * cos - direction[1] * sin, direction[0] * sin + direction[1] * cos)


def _along(start: Point, direction: Point, length: float) -> Point:
    return (start[0] + direction[0] * length, start[1] + direction[1] * length)


@dataclass(frozen=True)
class Frame:
    """Which way the body is seen: side views bend limbs forward, front views outward."""

    front: bool
    facing_camera: bool = True

    def outward(self, side: str) -> float:
        """The turn (+1 counter-clockwise) that takes a limb of `side` away from the midline
        in a front view. Facing the camera, the body's right is on the drawing's left."""
        right = -1.0 if self.facing_camera else 1.0
        return right if side == "right" else -right


def _leg(joints: Joints, side: str, hip: Point, down: Point, leg: Leg, frame: Frame) -> None:
    sign = frame.outward(side) if frame.front else 1.0
    thigh = _turn(down, sign * leg.hip)
    knee = _along(hip, thigh, THIGH * leg.thigh)
    shin = _turn(thigh, -sign * leg.knee if not frame.front else sign * leg.knee)
    ankle = _along(knee, shin, SHIN * leg.shin)
    if frame.front:
        # Seen from the front the foot points at the camera: a short stub turned outwards.
        foot = _turn(shin, sign * 75)
        length = FOOT * 0.45 * leg.foot
    else:
        foot = _turn(shin, 90 - leg.ankle)
        length = FOOT * leg.foot
    joints[f"{side}_hip"] = hip
    joints[f"{side}_knee"] = knee
    joints[f"{side}_ankle"] = ankle
    joints[f"{side}_toe"] = _along(ankle, foot, length)
    joints[f"{side}_heel"] = _along(ankle, foot, -HEEL * leg.foot)


def _arm(joints: Joints, side: str, shoulder: Point, down: Point, arm: Arm, frame: Frame) -> None:
    sign = frame.outward(side) if frame.front else 1.0
    upper = _turn(down, sign * arm.shoulder)
    elbow = _along(shoulder, upper, UPPER_ARM * arm.upper)
    fore = _turn(upper, sign * arm.elbow)
    joints[f"{side}_shoulder"] = shoulder
    joints[f"{side}_elbow"] = elbow
    joints[f"{side}_hand"] = _along(elbow, fore, FOREARM * arm.fore)


def _posed(pose: Pose, frame: Frame) -> Joints:
    """The joints of `pose` with the pelvis at the origin."""
    up = _turn((0.0, 1.0), -pose.trunk)
    down = (-up[0], -up[1])
    pelvis = (0.0, 0.0)
    neck = _along(pelvis, up, TRUNK * pose.trunk_length)
    head = _along(neck, _turn(up, -pose.head), NECK + HEAD_RADIUS)
    joints: Joints = {"pelvis": pelvis, "neck": neck, "head": head}
    for side in ("left", "right"):
        if frame.front:
            # Turning "up" the other way from "down" points at the same side as abduction.
            across = _turn(up, -90 * frame.outward(side))
            hip = _along(pelvis, across, HIP_HALF_WIDTH)
            shoulder = _along(_along(neck, across, SHOULDER_HALF_WIDTH), down, SHOULDER_DROP)
        else:
            hip, shoulder = pelvis, _along(neck, down, SHOULDER_DROP)
        _leg(joints, side, hip, down, getattr(pose, f"{side}_leg"), frame)
        _arm(joints, side, shoulder, down, getattr(pose, f"{side}_arm"), frame)
    return joints


def _lowest(joints: Joints) -> float:
    """How high the body's lowest edge is: limbs have a width, the head a radius."""
    head = joints["head"][1] - HEAD_RADIUS
    return min([head] + [y - LIMB_WIDTH / 2 for name, (_, y) in joints.items() if name != "head"])


def place(pose: Pose, frame: Frame) -> Joints:
    """The joints of `pose` in the world: its anchor at its point, or resting on the floor."""
    joints = _posed(pose, frame)
    if pose.anchor is None:
        dx, dy = 0.0, -_lowest(joints)
    else:
        anchor = joints[pose.anchor]
        dx, dy = pose.at[0] - anchor[0], pose.at[1] - anchor[1]
    return {name: (x + dx, y + dy) for name, (x, y) in joints.items()}


def _mix(a: float, b: float, share: float) -> float:
    return a + (b - a) * share


def blend(start: Pose, end: Pose, share: float) -> Pose:
    """The pose `share` of the way from `start` to `end` (0 is start, 1 is end): every angle,
    length and the anchor's point move together, so limbs keep their length on the way."""

    def leg(a: Leg, b: Leg) -> Leg:
        return Leg(**{k: _mix(getattr(a, k), getattr(b, k), share) for k in Leg.model_fields})

    def arm(a: Arm, b: Arm) -> Arm:
        return Arm(**{k: _mix(getattr(a, k), getattr(b, k), share) for k in Arm.model_fields})

    return Pose(
        trunk=_mix(start.trunk, end.trunk, share),
        head=_mix(start.head, end.head, share),
        trunk_length=_mix(start.trunk_length, end.trunk_length, share),
        left_leg=leg(start.left_leg, end.left_leg),
        right_leg=leg(start.right_leg, end.right_leg),
        left_arm=arm(start.left_arm, end.left_arm),
        right_arm=arm(start.right_arm, end.right_arm),
        anchor=start.anchor,
        at=(_mix(start.at[0], end.at[0], share), _mix(start.at[1], end.at[1], share)),
    )
