"""What the catalog API shows of exercises, what an admin may write, and the rules of a dose
ladder a write must keep.

Reads show cited sources as objects; writes name regions, sources and conditions by slug. Steps,
variations, regions and recommendations given in a write replace the stored ones whole.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conditions.api.serializers import RegionRefSerializer, SourceSerializer, by_slug
from conditions.api.writes import (
    MAX_ITEMS,
    MAX_TEXT,
    NestedStrictSerializer,
    check_slug,
    merged,
    new_slug_field,
    texts,
)
from conditions.models import BodyRegion, Condition, Source
from exercises.in_use import taken_variations, variation_problems
from exercises.models import Exercise, InstructionStep, Recommendation, Variation
from exercises.pictures.stored import PosesRefused, checked_poses
from exercises.showing import shown_picture
from kit.api.strict import StrictSerializer

LADDER_WRITE_FIELDS = (
    "unit",
    "sets",
    "sets_target",
    "start",
    "target",
    "step",
    "hold_seconds",
    "per_side",
    "dose_source",
    "dose_note",
)
MAX_SETS = 10
MAX_HOLD_SECONDS = 300

# --- Reads ------------------------------------------------------------------------------------


class LadderSerializer(serializers.Serializer[Any]):
    """The dose ladder: from start to target in steps, counted in unit, per side or not."""

    unit = serializers.ChoiceField(choices=Exercise.Unit.choices)
    sets = serializers.IntegerField(help_text="Sets at the start.")
    sets_target = serializers.IntegerField(
        help_text="Sets climb one at a time to this once the target is reached."
    )
    start = serializers.IntegerField()
    target = serializers.IntegerField()
    step = serializers.IntegerField()
    hold_seconds = serializers.IntegerField(help_text="How long each repetition is held.")
    per_side = serializers.BooleanField()
    dose_source = SourceSerializer(
        allow_null=True, help_text="Set when a number of the ladder is not from the article."
    )
    dose_note = serializers.CharField(help_text="Which numbers come from dose_source.")
    display = serializers.CharField(source="ladder_display")


class VariationSerializer(serializers.ModelSerializer[Variation]):
    class Meta:
        model = Variation
        fields = ["order", "name", "kind", "description", "equipment"]
        read_only_fields = fields


class RecommendationSerializer(serializers.ModelSerializer[Recommendation]):
    condition = serializers.CharField(source="condition.slug", read_only=True)
    condition_name = serializers.CharField(source="condition.name", read_only=True)
    source = SourceSerializer(read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Recommendation
        fields = ["condition", "condition_name", "note", "source"]
        read_only_fields = fields


class ExerciseSerializer(serializers.ModelSerializer[Exercise]):
    regions = RegionRefSerializer(many=True, read_only=True)
    dose = serializers.CharField(source="ladder_display", read_only=True)

    class Meta:
        model = Exercise
        fields = ["slug", "name", "kind", "summary", "regions", "equipment", "per_side", "dose"]
        read_only_fields = fields


class PictureSerializer(serializers.Serializer[Any]):
    moving = serializers.CharField(source="moving_url", help_text="The drawing, moving (SVG).")
    still = serializers.CharField(
        source="still_url", help_text="Start and end side by side (SVG): print, reduced motion."
    )
    alt = serializers.CharField(help_text="The text alternative, from the steps it shows.")


class ExerciseDetailSerializer(ExerciseSerializer):
    steps = serializers.SerializerMethodField(help_text="The instructions, in order.")
    picture = serializers.SerializerMethodField(help_text="The app's drawing; null without poses.")
    poses = serializers.JSONField(
        source="picture",
        read_only=True,
        help_text="What the drawing is drawn from (exercises/pictures/poses.py).",
    )
    ladder = LadderSerializer(source="*", read_only=True)
    variations = VariationSerializer(many=True, read_only=True)
    recommended_for = RecommendationSerializer(
        source="recommendation_set", many=True, read_only=True
    )
    source = SourceSerializer(read_only=True)  # type: ignore[assignment]

    class Meta(ExerciseSerializer.Meta):
        fields = [
            *ExerciseSerializer.Meta.fields,
            "steps",
            "ladder",
            "variations",
            "cautions",
            "picture",
            "poses",
            "source",
            "recommended_for",
            "admin_edited",
            "updated_at",
        ]
        read_only_fields = fields

    def get_steps(self, exercise: Exercise) -> list[str]:
        return [step.text for step in exercise.steps.all()]  # prefetched, in order

    @extend_schema_field(PictureSerializer(allow_null=True))
    def get_picture(self, exercise: Exercise) -> dict[str, Any] | None:
        shown = shown_picture(
            exercise.slug, exercise.name, exercise.picture, self.get_steps(exercise)
        )
        return PictureSerializer(shown).data if shown else None


# --- Filters ----------------------------------------------------------------------------------


class ExerciseFilters(serializers.Serializer[Any]):
    region = by_slug(BodyRegion.objects.all(), "body region", required=False)
    kind = serializers.ChoiceField(choices=Exercise.Kind.choices, required=False)
    condition = by_slug(
        Condition.objects.all(),
        "condition",
        required=False,
        help_text="Exercises recommended for this condition.",
    )


# --- The rules of a dose ladder ---------------------------------------------------------------


def ladder_problems(
    start: int, target: int, step: int, sets: int = 1, sets_target: int | None = None
) -> dict[str, list[str]]:
    """What is wrong with a dose ladder, by field; empty when nothing is."""
    problems: dict[str, list[str]] = {}
    if sets_target is not None and sets_target < sets:
        problems["sets_target"] = [f"Must not be below sets ({sets})."]
    if start < 1:
        problems["start"] = ["Must be at least 1."]
    if step < 1:
        problems["step"] = ["Must be at least 1: a ladder must climb."]
    if start > target:
        problems["target"] = [f"Must not be below start ({start})."]
    return problems


# --- Writes -----------------------------------------------------------------------------------


class LadderWriteSerializer(NestedStrictSerializer):
    unit = serializers.ChoiceField(choices=Exercise.Unit.choices)
    sets = serializers.IntegerField(min_value=1, max_value=MAX_SETS, default=1)
    sets_target = serializers.IntegerField(
        min_value=1, max_value=MAX_SETS, required=False, help_text="The same as sets if left out."
    )
    # Bounds of a PositiveSmallIntegerField; start <= target and step > 0 are checked whole.
    start = serializers.IntegerField(max_value=32767)
    target = serializers.IntegerField(min_value=1, max_value=32767)
    step = serializers.IntegerField(max_value=32767)
    hold_seconds = serializers.IntegerField(min_value=0, max_value=MAX_HOLD_SECONDS, default=0)
    per_side = serializers.BooleanField()
    dose_source = by_slug(Source.objects.all(), "source", allow_null=True, default=None)
    dose_note = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, default="")


class VariationWriteSerializer(NestedStrictSerializer):
    whole = True
    name = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=Variation.Kind.choices, default=Variation.Kind.HARDER)
    description = serializers.CharField(max_length=MAX_TEXT)
    equipment = texts(default=list)


class RecommendationWriteSerializer(NestedStrictSerializer):
    whole = True
    condition = by_slug(Condition.objects.all(), "condition")
    note = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, default="")
    source = by_slug(  # type: ignore[assignment]
        Source.objects.all(),
        "source",
        required=False,
        help_text="The source that recommends it; the exercise's own when left out.",
    )


class ExerciseWriteSerializer(StrictSerializer):
    slug = new_slug_field()
    name = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=Exercise.Kind.choices)
    regions = by_slug(BodyRegion.objects.all(), "body region", many=True, allow_empty=False)
    summary = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    equipment = texts(required=False)
    cautions = texts(required=False)
    steps = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TEXT),
        min_length=1,
        max_length=MAX_ITEMS,
        help_text="The instructions, in order; replaced whole.",
    )
    ladder = LadderWriteSerializer(help_text="In a PATCH, fields left out keep their values.")
    variations = VariationWriteSerializer(
        many=True,
        required=False,
        help_text="Harder (in the order taken), easier and alternative forms; replaced whole.",
    )
    recommended_for = RecommendationWriteSerializer(
        many=True, required=False, help_text="The conditions it is recommended for; replaced whole."
    )
    source = by_slug(Source.objects.all(), "source")  # type: ignore[assignment]
    poses = serializers.JSONField(
        required=False,
        help_text="The start and end poses the drawing is drawn from "
        "(exercises/pictures/poses.py); {} for none.",
    )

    def validate_poses(self, value: Any) -> dict[str, Any]:
        try:
            return checked_poses(value)
        except PosesRefused as refused:
            raise serializers.ValidationError(refused.problems) from None

    def validate_slug(self, value: str) -> str:
        return check_slug(value, self.instance, Exercise, "exercise")

    def validate_ladder(self, value: dict[str, Any]) -> dict[str, Any]:
        stored = self.instance
        # Sets that do not climb follow `sets` when a write changes only that.
        follows = "sets_target" not in value and (
            stored is None or stored.sets_target <= stored.sets
        )
        value = merged(
            value,
            stored={name: getattr(stored, name) for name in LADDER_WRITE_FIELDS}
            if stored is not None
            else {},
            defaults={},
        )
        if follows or not value.get("sets_target"):
            value["sets_target"] = value["sets"]
        problems = ladder_problems(
            value["start"], value["target"], value["step"], value["sets"], value["sets_target"]
        )
        if problems:
            raise serializers.ValidationError(problems)
        return value

    def validate_variations(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.instance is not None:
            problems = variation_problems(
                taken_variations(self.instance),
                [(item["name"], item.get("kind", Variation.Kind.HARDER)) for item in value],
            )
            if problems:
                raise serializers.ValidationError(problems)
        return value

    def validate_recommended_for(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        slugs = [item["condition"].slug for item in value]
        twice = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if twice:
            raise serializers.ValidationError(f"Each condition once: {', '.join(twice)} repeated.")
        return value


def save_exercise(exercise: Exercise | None, data: dict[str, Any]) -> Exercise:
    """Create or change an exercise as an admin: marked admin_edited, so load_catalog keeps it."""
    with transaction.atomic():
        row = exercise or Exercise()
        for name in ("slug", "name", "kind", "summary", "equipment", "cautions", "source"):
            if name in data:
                setattr(row, name, data[name])
        if "poses" in data:
            row.picture = data["poses"]
        if "ladder" in data:
            for name, value in data["ladder"].items():
                setattr(row, name, value)
        row.admin_edited = True
        row.save()
        if "regions" in data:
            row.regions.set(data["regions"])
        if "steps" in data:
            row.steps.all().delete()
            InstructionStep.objects.bulk_create(
                InstructionStep(exercise=row, order=order, text=text)
                for order, text in enumerate(data["steps"], start=1)
            )
        if "variations" in data:
            replace_variations(row, data["variations"])
        if "recommended_for" in data:
            row.recommendation_set.all().delete()
            Recommendation.objects.bulk_create(
                Recommendation(
                    exercise=row,
                    condition=item["condition"],
                    note=item.get("note", ""),
                    source=item.get("source") or row.source,
                )
                for item in data["recommended_for"]
            )
    return row


def replace_variations(exercise: Exercise, variations: list[dict[str, Any]]) -> None:
    """Updated in place by position, as the loader does."""
    kept = {v.order: v for v in exercise.variations.all()}
    for order, values in enumerate(variations, start=1):
        variation = kept.pop(order, None) or Variation(exercise=exercise, order=order)
        variation.name = values["name"]
        variation.kind = values.get("kind", Variation.Kind.HARDER)
        variation.description = values["description"]
        variation.equipment = values.get("equipment", [])
        variation.save()
    for stale in kept.values():
        stale.delete()
