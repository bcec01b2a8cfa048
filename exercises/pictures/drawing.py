"""An exercise's picture as SVG: the start and the end side by side (still, for print and for
reduced motion), or one body moving smoothly from start to end and back (SMIL animation: no
script and no style, so the content security policy holds even inside the image).

`draw` is a pure function: a picture and its words in, the SVG text out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from exercises.pictures.body import HEAD_RADIUS, LIMB_WIDTH, Frame, Joints, blend, place
from exercises.pictures.poses import Picture, Place, Point

INK = "#1f2933"
FAR = "#9aa5b1"
ACCENT = "#0b7285"
PROP_FILL = "#e4e7eb"
PROP_LINE = "#7b8794"
BAND = "#52606d"
TRUNK_WIDTH = LIMB_WIDTH * 1.6
MARGIN = 8.0
LABEL_HEIGHT = 16.0
GAP = 28.0  # between the start and the end panels, with an arrow
STEPS_EACH_WAY = 12
LOOP_SECONDS = 4.0
# The share of a loop spent: holding the start, moving, holding the end, moving back.
HOLD_START, MOVE, HOLD_END = 0.12, 0.33, 0.22


@dataclass(frozen=True)
class Words:
    """What the picture says to someone who cannot see it, from the exercise's own steps, and
    the labels under its panels, in the reader's language."""

    title: str
    description: str
    labels: Labels


@dataclass(frozen=True)
class Labels:
    """The words drawn under the panels; the caller translates them (this module knows no
    language machinery)."""

    start: str = "Start"
    end: str = "End"
    hold: str = "Hold, without moving"


def words_for(
    name: str, steps: Sequence[str], picture: Picture, labels: Labels | None = None
) -> Words:
    """The text alternative: the steps that describe the start and the end positions."""
    said = labels or Labels()
    return Words(title=name, description=described(steps, picture.shows, said), labels=said)


def described(steps: Sequence[str], shows: Sequence[int], labels: Labels | None = None) -> str:
    """What the picture shows, in the exercise's own steps: "Start: ... End: ..."."""
    if len(shows) != 2:
        return ""
    said = labels or Labels()
    first, last = (steps[n - 1] if 0 < n <= len(steps) else "" for n in shows)
    parts = [f"{said.start}: {first}" if first else "", f"{said.end}: {last}" if last else ""]
    return " ".join(part for part in parts if part)


def _eased(count: int) -> list[float]:
    """Shares from 0 to 1 that start and end slowly, as a body moves."""
    return [(1 - math.cos(math.pi * i / count)) / 2 for i in range(count + 1)]


def _world(picture: Picture, joints: Joints) -> Joints:
    return joints if picture.facing != "left" else {k: (-x, y) for k, (x, y) in joints.items()}


def _point(picture: Picture, point: Point) -> Point:
    return point if picture.facing != "left" else (-point[0], point[1])


def _frames(picture: Picture, shares: Iterable[float]) -> list[Joints]:
    frame = Frame(front=picture.front, facing_camera=picture.facing != "away")
    return [
        _world(picture, place(blend(picture.start, picture.end, share), frame)) for share in shares
    ]


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return "0" if text in ("0.0", "-0.0") else text.removesuffix(".0")


def _path(points: Sequence[Point | None]) -> str:
    """Points joined by lines; None starts a new line at the next point."""
    parts: list[str] = []
    move = True
    for point in points:
        if point is None:
            move = True
            continue
        parts.append(f"{'M' if move else 'L'}{_n(point[0])} {_n(point[1])}")
        move = False
    return "".join(parts)


class _Scene:
    """Turns world points (y up) into the drawing's (y down) inside one panel."""

    def __init__(self, left: float, top: float, dx: float) -> None:
        self.left, self.top, self.dx = left, top, dx

    def at(self, point: Point) -> Point:
        return (point[0] - self.left + self.dx, self.top - point[1])


def _resolve(place_: Place, joints: Joints, picture: Picture) -> Point:
    return joints[place_] if isinstance(place_, str) else _point(picture, place_)


def _shapes(picture: Picture, joints: Joints, scene: _Scene) -> list[tuple[str, str, str]]:
    """The body's moving shapes in drawing order: (key, kind, path or centre)."""
    at = scene.at

    def leg(side: str) -> str:
        names = ("hip", "knee", "ankle")
        return _path(
            [at(joints[f"{side}_{n}"]) for n in names]
            + [None, at(joints[f"{side}_heel"]), at(joints[f"{side}_toe"])]
        )

    def arm(side: str) -> str:
        return _path([at(joints[f"{side}_{n}"]) for n in ("shoulder", "elbow", "hand")])

    far = "left" if picture.near == "right" else "right"
    near = picture.near
    trunk = [at(joints["pelvis"]), at(joints["neck"])]
    shapes: list[tuple[str, str, str]] = []
    if picture.front:
        # Seen from the front the trunk is a shape (shoulders to hips, closed) with the limbs
        # over it, the moving ones last so nothing hides them.
        corners = ("left_shoulder", "right_shoulder", "right_hip", "left_hip")
        shapes.append(("trunk", "front-trunk", _path([at(joints[c]) for c in corners]) + "Z"))
        limbs = [f"{side}_{part}" for part in ("leg", "arm") for side in ("left", "right")]
        limbs.sort(key=lambda limb: limb in picture.moving)
        for limb in limbs:
            side, part = limb.split("_")
            shapes.append((limb, "limb", leg(side) if part == "leg" else arm(side)))
    else:
        shapes += [(f"{far}_arm", "far", arm(far)), (f"{far}_leg", "far", leg(far))]
        if picture.backpack:
            shapes.append(("backpack", "pack", _path(_backpack(joints, picture, scene))))
        # The moving part is drawn over what lies beside it: a bridge's trunk over the arm
        # resting along it, else the near arm over the trunk (a hand on a wall, on a hip).
        near_arm = (f"{near}_arm", "limb", arm(near))
        if "trunk" in picture.moving:
            shapes += [near_arm, ("trunk", "trunk", _path(trunk))]
        else:
            shapes.append(("trunk", "trunk", _path(trunk)))
        shapes.append((f"{near}_leg", "limb", leg(near)))
        if "trunk" not in picture.moving:
            shapes.append(near_arm)
    head = at(joints["head"])
    shapes.append(("head", "head", f"{_n(head[0])} {_n(head[1])}"))
    if not picture.front:
        nose = at(_nose(joints, picture))
        shapes.append(("nose", "nose", f"{_n(nose[0])} {_n(nose[1])}"))
    for index, band in enumerate(picture.bands):
        ends = [at(_resolve(end, joints, picture)) for end in band.ends]
        shapes.append((f"band{index}", "band", _path(ends)))
    for index, joint in enumerate(picture.weights):
        centre = at(joints[joint])
        shapes.append((f"weight{index}", "weight", f"{_n(centre[0])} {_n(centre[1])}"))
    return shapes


def _unit(vector: Point) -> Point:
    length = math.hypot(*vector) or 1.0
    return (vector[0] / length, vector[1] / length)


def _nose(joints: Joints, picture: Picture) -> Point:
    """A bump on the face side of the head, so the drawing shows which way the body faces."""
    up = _unit((joints["head"][0] - joints["neck"][0], joints["head"][1] - joints["neck"][1]))
    forward = (up[1], -up[0]) if picture.facing != "left" else (-up[1], up[0])
    head = joints["head"]
    return (head[0] + forward[0] * HEAD_RADIUS, head[1] + forward[1] * HEAD_RADIUS)


def _backpack(joints: Joints, picture: Picture, scene: _Scene) -> list[Point | None]:
    pelvis, neck = joints["pelvis"], joints["neck"]
    up = _unit((neck[0] - pelvis[0], neck[1] - pelvis[1]))
    back = (-up[1], up[0]) if picture.facing != "left" else (up[1], -up[0])
    offset = TRUNK_WIDTH * 0.9

    def on(share: float) -> Point:
        x = pelvis[0] + (neck[0] - pelvis[0]) * share + back[0] * offset
        return scene.at((x, pelvis[1] + (neck[1] - pelvis[1]) * share + back[1] * offset))

    return [on(0.35), on(0.85)]


STROKES = {
    "limb": (INK, LIMB_WIDTH),
    "far": (FAR, LIMB_WIDTH),
    "trunk": (INK, TRUNK_WIDTH),
    "front-trunk": (INK, LIMB_WIDTH),
    "pack": (PROP_LINE, TRUNK_WIDTH * 1.1),
    "band": (BAND, 3.0),
}


def _element(picture: Picture, key: str, kind: str, geometry: str, animate: str) -> str:
    if kind in ("head", "nose", "weight"):
        x, y = geometry.split()
        radius = {"head": HEAD_RADIUS, "nose": 3.5, "weight": 6.0}[kind]
        fill = INK if kind != "weight" else BAND
        return f'<circle cx="{x}" cy="{y}" r="{_n(radius)}" fill="{fill}">{animate}</circle>'
    colour, width = STROKES[kind]
    if kind in ("limb", "far") and key in picture.moving:
        colour = ACCENT
    if key == "trunk" and "trunk" in picture.moving:
        colour = ACCENT
    dash = ' stroke-dasharray="7 4"' if kind == "band" else ""
    fill = colour if kind == "front-trunk" else "none"
    return (
        f'<path d="{geometry}" fill="{fill}" stroke="{colour}" stroke-width="{_n(width)}"'
        f' stroke-linecap="round" stroke-linejoin="round"{dash}>{animate}</path>'
    )


def _props(picture: Picture, scene: _Scene, left: float, right: float) -> list[str]:
    at = scene.at
    out: list[str] = []
    if picture.wall is not None:
        x, _ = at(_point(picture, (picture.wall, 0)))
        _, top = at((0, 190))
        _, floor = at((0, 0))
        out.append(
            f'<path d="M{_n(x)} {_n(floor)}V{_n(top)}" stroke="{PROP_LINE}" stroke-width="4"/>'
        )
    for box in picture.boxes:
        corners = [_point(picture, (box.x, box.y + box.h)), _point(picture, (box.x + box.w, box.y))]
        (x1, y1), (x2, y2) = (at(c) for c in corners)
        out.append(
            f'<rect x="{_n(min(x1, x2))}" y="{_n(y1)}" width="{_n(abs(x2 - x1))}"'
            f' height="{_n(y2 - y1)}" fill="{PROP_FILL}" stroke="{PROP_LINE}" stroke-width="2"/>'
        )
    if picture.chair is not None:
        chair = picture.chair
        front, rear = chair.x, chair.x - chair.depth
        lines = [
            [(front, chair.seat), (rear, chair.seat)],
            [(front - 3, chair.seat), (front - 3, 0)],
            [(rear + 3, chair.seat), (rear + 3, 0)],
        ]
        if chair.back:
            lines.append([(rear + 2, chair.seat), (rear - 4, chair.seat + 45)])
        for line in lines:
            points = [at(_point(picture, p)) for p in line]
            out.append(
                f'<path d="{_path(points)}" stroke="{PROP_LINE}" stroke-width="5"'
                ' stroke-linecap="round" fill="none"/>'
            )
    if picture.floor:
        a, b = at((left, 0)), at((right, 0))
        out.append(
            f'<path d="M{_n(a[0])} {_n(a[1])}H{_n(b[0])}" stroke="{PROP_LINE}" stroke-width="2"/>'
        )
    return out


def _prop_points(picture: Picture) -> list[Point]:
    points: list[Point] = [(0.0, 0.0)]
    if picture.wall is not None:
        points += [(picture.wall, 0.0), (picture.wall, 100.0)]
    for box in picture.boxes:
        points += [(box.x, box.y), (box.x + box.w, box.y + box.h)]
    if picture.chair is not None:
        chair = picture.chair
        top = chair.seat + (45 if chair.back else 0)
        points += [(chair.x, 0.0), (chair.x - chair.depth - 4, top)]
    for band in picture.bands:
        points += [end for end in band.ends if not isinstance(end, str)]
    return [_point(picture, p) for p in points]


def _bounds(picture: Picture, frames: Sequence[Joints]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    reach = HEAD_RADIUS + 2
    for joints in frames:
        for x, y in joints.values():
            xs += [x - reach, x + reach]
            ys += [y - reach, y + reach]
    for x, y in _prop_points(picture):
        xs.append(x)
        ys.append(y)
    return min(xs) - MARGIN, min(min(ys), 0) - MARGIN, max(xs) + MARGIN, max(ys) + MARGIN


def _header(width: float, height: float, words: Words) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" role="img"'
        f' viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width * 1.5)}"'
        f' height="{_n(height * 1.5)}" aria-labelledby="picture-title picture-desc">'
        f'<title id="picture-title">{escape(words.title)}</title>'
        f'<desc id="picture-desc">{escape(words.description)}</desc>'
    )


def _held(picture: Picture) -> bool:
    """A hold without movement (a static exercise): one pose, one panel."""
    return picture.start == picture.end


def draw_still(picture: Picture, words: Words) -> str:
    """The start and the end side by side, labelled, with an arrow between them; a static
    hold is one panel, labelled as the hold it is."""
    if _held(picture):
        return _draw_hold(picture, words)
    frames = _frames(picture, [0.0, 1.0])
    left, bottom, right, top = _bounds(picture, frames)
    panel = right - left
    height = top - bottom + LABEL_HEIGHT
    width = panel * 2 + GAP
    out = [_header(width, height, words)]
    start_end = (words.labels.start, words.labels.end)
    for index, (label, joints) in enumerate(zip(start_end, frames, strict=True)):
        scene = _Scene(left, top, index * (panel + GAP))
        out += _props(picture, scene, left, right)
        out += [_element(picture, *shape, "") for shape in _shapes(picture, joints, scene)]
        out.append(
            f'<text x="{_n(scene.dx + panel / 2)}" y="{_n(height - 4)}" text-anchor="middle"'
            f' font-family="sans-serif" font-size="12" fill="{INK}">{escape(label)}</text>'
        )
    middle, y = panel + GAP / 2, (top - bottom) / 2
    out.append(
        f'<path d="M{_n(middle - 9)} {_n(y)}H{_n(middle + 7)}M{_n(middle + 2)} {_n(y - 5)}'
        f'L{_n(middle + 8)} {_n(y)}L{_n(middle + 2)} {_n(y + 5)}" stroke="{INK}"'
        ' stroke-width="2.5" fill="none" stroke-linecap="round" stroke-linejoin="round"/>'
    )
    out.append("</svg>")
    return "".join(out)


def _draw_hold(picture: Picture, words: Words) -> str:
    joints = _frames(picture, [0.0])[0]
    left, bottom, right, top = _bounds(picture, [joints])
    width, height = right - left, top - bottom + LABEL_HEIGHT
    scene = _Scene(left, top, 0.0)
    out = [_header(width, height, words), *_props(picture, scene, left, right)]
    out += [_element(picture, *shape, "") for shape in _shapes(picture, joints, scene)]
    out.append(
        f'<text x="{_n(width / 2)}" y="{_n(height - 4)}" text-anchor="middle"'
        f' font-family="sans-serif" font-size="9" fill="{INK}">{escape(words.labels.hold)}</text>'
    )
    out.append("</svg>")
    return "".join(out)


def _key_times() -> tuple[list[float], list[int]]:
    """When each frame is shown in a loop, and which frame: hold, move, hold, move back."""
    count = STEPS_EACH_WAY
    times = [0.0]
    order = [0]
    for i in range(count + 1):
        times.append(HOLD_START + MOVE * i / count)
        order.append(i)
    end_hold = HOLD_START + MOVE + HOLD_END
    for i in range(count + 1):
        times.append(end_hold + (1 - end_hold) * i / count)
        order.append(count - i)
    return times, order


def draw_moving(picture: Picture, words: Words) -> str:
    """One body moving from the start to the end and back, for ever (a hold stays still)."""
    if _held(picture):
        return _draw_hold(picture, words)
    frames = _frames(picture, _eased(STEPS_EACH_WAY))
    left, bottom, right, top = _bounds(picture, frames)
    width, height = right - left, top - bottom
    scene = _Scene(left, top, 0.0)
    out = [_header(width, height, words)]
    out += _props(picture, scene, left, right)
    times, order = _key_times()
    per_frame = [_shapes(picture, joints, scene) for joints in frames]
    key_times = ";".join(f"{t:.3f}" for t in times)
    for index, (key, kind, geometry) in enumerate(per_frame[0]):
        values = [per_frame[i][index][2] for i in order]
        if len(set(values)) == 1:
            animate = ""
        elif kind in ("head", "nose", "weight"):
            xs = ";".join(value.split()[0] for value in values)
            ys = ";".join(value.split()[1] for value in values)
            common = f'dur="{_n(LOOP_SECONDS)}s" repeatCount="indefinite" keyTimes="{key_times}"'
            animate = (
                f'<animate attributeName="cx" values="{xs}" {common}/>'
                f'<animate attributeName="cy" values="{ys}" {common}/>'
            )
        else:
            animate = (
                f'<animate attributeName="d" values={quoteattr(";".join(values))}'
                f' dur="{_n(LOOP_SECONDS)}s" repeatCount="indefinite" keyTimes="{key_times}"/>'
            )
        out.append(_element(picture, key, kind, geometry, animate))
    out.append("</svg>")
    return "".join(out)
