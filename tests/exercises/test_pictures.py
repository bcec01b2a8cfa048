"""The exercises' pictures: every exercise of the catalog drawn from its start and end poses,
as a still (start and end side by side) and as a loop, with the words of its own steps for
someone who cannot see it; and the body model the drawings stand on."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from pydantic import ValidationError

from exercises.loader import DATA_DIR
from exercises.pictures.body import HEAD_RADIUS, LIMB_WIDTH, Frame, Joints, blend, place
from exercises.pictures.drawing import draw_moving, draw_still, words_for
from exercises.pictures.poses import Arm, Leg, Picture, Pose
from exercises.pictures.rendered import rendered
from exercises.pictures.stored import stored_picture
from exercises.schema import ExerciseEntry
from kit.datafiles import read_entries

SVG = "{http://www.w3.org/2000/svg}"

# Read as load_catalog reads them, once, for the ids of the parametrized tests.
ENTRIES = read_entries(DATA_DIR / "exercises.yaml", ExerciseEntry)
DRAWN = [entry for entry in ENTRIES if entry.picture is not None]
# A static exercise (an isometric hold) is one pose: drawn as the hold it is, not a movement.
HELD = [entry for entry in DRAWN if entry.picture and entry.picture.start == entry.picture.end]
MOVING = [entry for entry in DRAWN if entry not in HELD]


def by_slug(entries: list[ExerciseEntry]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("entry", entries, ids=[entry.slug for entry in entries])


def picture_of(entry: ExerciseEntry) -> Picture:
    assert entry.picture is not None, f"{entry.slug} has no picture"
    return entry.picture


def frame_of(picture: Picture) -> Frame:
    return Frame(front=picture.front, facing_camera=picture.facing != "away")


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def text_of(root: ET.Element, tag: str) -> str:
    found = root.find(f"{SVG}{tag}")
    assert found is not None, f"no <{tag}>"
    return found.text or ""


def drawings(entry: ExerciseEntry) -> tuple[ET.Element, ET.Element]:
    picture = picture_of(entry)
    words = words_for(entry.name, entry.steps, picture)
    return parsed(draw_still(picture, words)), parsed(draw_moving(picture, words))


def lowest(joints: Joints) -> float:
    """How high the lowest edge of the body is: a limb is drawn LIMB_WIDTH wide, the head is
    a circle."""
    edges = [y - LIMB_WIDTH / 2 for name, (_, y) in joints.items() if name != "head"]
    return min([joints["head"][1] - HEAD_RADIUS, *edges])


def test_every_exercise_of_the_catalog_has_a_picture() -> None:
    missing = [entry.slug for entry in ENTRIES if entry.picture is None]

    assert missing == []


@by_slug(DRAWN)
def test_both_drawings_say_the_exercise_and_its_start_and_end_steps(
    entry: ExerciseEntry,
) -> None:
    first, last = picture_of(entry).shows
    expected = f"Start: {entry.steps[first - 1]} End: {entry.steps[last - 1]}"

    for root in drawings(entry):
        assert text_of(root, "title") == entry.name
        assert text_of(root, "desc") == expected


@by_slug(MOVING)
def test_the_still_drawing_labels_start_and_end_and_does_not_move(entry: ExerciseEntry) -> None:
    still, _ = drawings(entry)

    labels = [element.text for element in still.iter(f"{SVG}text")]
    assert labels == ["Start", "End"]
    assert list(still.iter(f"{SVG}animate")) == []


@by_slug(MOVING)
def test_the_moving_drawing_loops_for_ever_without_a_jump(entry: ExerciseEntry) -> None:
    _, moving = drawings(entry)

    animations = list(moving.iter(f"{SVG}animate"))
    assert animations, "nothing moves"
    for animate in animations:
        values = animate.attrib["values"].split(";")
        assert animate.attrib["repeatCount"] == "indefinite"
        # Back where it started: the loop's last frame is its first.
        assert values[0] == values[-1], animate.attrib["attributeName"]
        assert len(values) == len(animate.attrib["keyTimes"].split(";"))


@by_slug(DRAWN)
def test_no_part_of_the_body_goes_through_the_floor(entry: ExerciseEntry) -> None:
    picture = picture_of(entry)

    for share in (0.0, 0.5, 1.0):
        joints = place(blend(picture.start, picture.end, share), frame_of(picture))
        # A pixel of slack: the drawing rounds to a tenth, and a heel resting on the floor
        # may press into it by less than that.
        assert lowest(joints) >= -1, f"below the floor at {share:.0%} of the way"


@by_slug(MOVING)
def test_the_start_and_the_end_are_not_the_same_position(entry: ExerciseEntry) -> None:
    picture = picture_of(entry)
    start = place(picture.start, frame_of(picture))
    end = place(picture.end, frame_of(picture))

    assert max(math.dist(start[name], end[name]) for name in start) > 5


@by_slug(HELD)
def test_a_hold_is_drawn_as_one_still_pose_in_both_drawings(entry: ExerciseEntry) -> None:
    for root in drawings(entry):
        assert [element.text for element in root.iter(f"{SVG}text")] == ["Hold, without moving"]
        assert list(root.iter(f"{SVG}animate")) == []


def test_the_catalog_has_exercises_that_move_and_a_hold() -> None:
    # Else the parametrized tests above would check nothing for one of the two kinds.
    assert len(MOVING) > 20
    assert "isometric-hip-abduction" in [entry.slug for entry in HELD]


# --- The body model ------------------------------------------------------------------------

SIDE_VIEW = Frame(front=False)


def test_standing_upright_puts_the_head_over_the_pelvis_and_the_feet_on_the_floor() -> None:
    joints = place(Pose(), SIDE_VIEW)

    assert joints["head"][1] > joints["neck"][1] > joints["pelvis"][1]
    assert joints["head"][0] == pytest.approx(joints["pelvis"][0])
    for side in ("left", "right"):
        for part in ("ankle", "toe", "heel"):
            # Drawn LIMB_WIDTH wide, a foot on the floor has its middle half of that up.
            assert joints[f"{side}_{part}"][1] == pytest.approx(LIMB_WIDTH / 2)
    assert lowest(joints) == pytest.approx(0)


def test_a_bent_hip_takes_the_knee_forward_and_up() -> None:
    lifted = Pose(right_leg=Leg(hip=90))

    joints = place(lifted, SIDE_VIEW)

    assert joints["right_knee"][0] > joints["right_hip"][0] + 40
    assert joints["right_knee"][1] == pytest.approx(joints["right_hip"][1])


def test_an_anchored_joint_lands_exactly_where_it_is_put() -> None:
    lying = Pose(trunk=-90, right_leg=Leg(hip=45, knee=90), anchor="right_heel", at=(12.5, 30))

    joints = place(lying, SIDE_VIEW)

    assert joints["right_heel"] == pytest.approx((12.5, 30), abs=1e-9)


def moving_circles(picture: Picture) -> list[tuple[float, float]]:
    words = words_for("Lean", ["Stand.", "Lean."], picture)
    root = parsed(draw_moving(picture, words))
    return [(float(c.attrib["cx"]), float(c.attrib["cy"])) for c in root.iter(f"{SVG}circle")]


def view_width(picture: Picture) -> float:
    root = parsed(draw_moving(picture, words_for("Lean", ["Stand.", "Lean."], picture)))
    return float(root.attrib["viewBox"].split()[2])


def test_facing_left_mirrors_the_drawing() -> None:
    leaning = {
        "shows": [1, 2],
        "start": {"trunk": 10, "right_arm": {"shoulder": 90}},
        "end": {"trunk": 40, "right_arm": {"shoulder": 150}},
    }
    right = Picture.model_validate(leaning)
    left = Picture.model_validate({**leaning, "facing": "left"})

    width = view_width(right)
    (head, nose), (mirrored_head, mirrored_nose) = moving_circles(right), moving_circles(left)

    assert view_width(left) == pytest.approx(width)
    # The nose is the face's side: ahead of the head facing right, behind it facing left.
    assert nose[0] > head[0] and mirrored_nose[0] < mirrored_head[0]
    pairs = [(head, mirrored_head), (nose, mirrored_nose)]
    for (x, y), (mirror_x, mirror_y) in pairs:
        assert mirror_x == pytest.approx(width - x, abs=0.11)
        assert mirror_y == pytest.approx(y)


def flat(pose: Pose) -> dict[str, float]:
    dumped = pose.model_dump()
    values: dict[str, float] = {}
    for key, value in dumped.items():
        if isinstance(value, dict):
            values.update({f"{key}.{name}": number for name, number in value.items()})
        elif isinstance(value, list | tuple):
            values.update({f"{key}.{n}": number for n, number in enumerate(value)})
        elif value is not None:
            values[key] = value
    return values


def test_a_blend_goes_from_the_start_pose_to_the_end_pose() -> None:
    start = Pose(trunk=-90, right_leg=Leg(hip=30, knee=60), anchor="pelvis", at=(0.0, 20.0))
    end = Pose(
        trunk=-80,
        head=15,
        right_leg=Leg(hip=90, knee=10, shin=0.8),
        left_arm=Arm(shoulder=120, elbow=20),
        anchor="pelvis",
        at=(10.0, 25.0),
    )

    assert flat(blend(start, end, 0)) == pytest.approx(flat(start))
    assert flat(blend(start, end, 1)) == pytest.approx(flat(end))
    halfway = blend(start, end, 0.5)
    assert halfway.right_leg.hip == pytest.approx(60)
    assert halfway.at == pytest.approx((5.0, 22.5))


# --- The picture's schema ------------------------------------------------------------------

STANDING = {"shows": [1, 2], "start": {}, "end": {"right_leg": {"hip": 60}}}


def test_a_plain_picture_is_taken() -> None:
    picture = Picture.model_validate(STANDING)

    assert picture.end.right_leg.hip == 60
    assert stored_picture(picture) == {"shows": [1, 2], "start": {}, "end": STANDING["end"]}


def test_start_and_end_anchored_at_different_joints_are_refused() -> None:
    with pytest.raises(ValidationError, match="share one 'anchor'"):
        Picture.model_validate(
            {
                "shows": [1, 2],
                "start": {"anchor": "right_heel"},
                "end": {"anchor": "left_heel"},
            }
        )


def test_a_band_tied_to_a_joint_the_body_does_not_have_is_refused() -> None:
    with pytest.raises(ValidationError, match="band end 'right_wrist' must be a joint"):
        Picture.model_validate({**STANDING, "bands": [{"ends": ["right_wrist", [0, 10]]}]})


def test_an_anchor_that_is_no_joint_is_refused() -> None:
    with pytest.raises(ValidationError, match="'anchor' must be a joint"):
        Pose.model_validate({"anchor": "tail"})


# --- Drawn once, kept by content -----------------------------------------------------------

STEPS = ["Stand tall.", "Lift one knee."]


def test_the_same_picture_is_drawn_once_and_keeps_its_etag() -> None:
    first = rendered(STANDING, "Knee lift", STEPS, still=False)
    again = rendered(dict(STANDING), "Knee lift", list(STEPS), still=False)

    assert again is first
    assert first.etag.startswith('"') and first.etag.endswith('"')
    assert b"<animate" in first.svg


def test_a_changed_pose_name_or_step_is_a_new_picture_with_a_new_etag() -> None:
    first = rendered(STANDING, "Knee lift", STEPS, still=False)
    higher = {**STANDING, "end": {"right_leg": {"hip": 90}}}

    etags = {
        first.etag,
        rendered(higher, "Knee lift", STEPS, still=False).etag,
        rendered(STANDING, "High knee lift", STEPS, still=False).etag,
        rendered(STANDING, "Knee lift", [*STEPS[:1], "Lift one knee high."], still=False).etag,
        rendered(STANDING, "Knee lift", STEPS, still=True).etag,
    }

    assert len(etags) == 5
    assert rendered(higher, "Knee lift", STEPS, still=False).svg != first.svg


def test_rendering_an_empty_picture_is_refused() -> None:
    with pytest.raises(ValueError, match="no picture"):
        rendered({}, "Knee lift", STEPS, still=True)
