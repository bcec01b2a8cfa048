"""What the catalog API shows of sources, regions, conditions and red flags, and the filters
its lists take.

Reads show a cited source as an object (title, publisher, and the citation of a clinical
source). What an admin may write, and the rules a write must keep, are in
`conditions.api.writes`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from conditions.models import BodyRegion, Condition, RedFlag, Source

# Query parameters every list takes besides its filters (LimitOffsetPagination, ?format=).
PAGING_PARAMETERS = frozenset({"limit", "offset", "format"})


# --- Shared pieces ----------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class UnnamedChoiceField(serializers.ChoiceField):
    """Choices checked, but no named enum in the schema: two choice sets share this field's
    name ("kind", "unit"), which drf-spectacular can only name apart through the settings'
    ENUM_NAME_OVERRIDES. The help text lists the choices instead."""

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        values = ", ".join(str(value) for value, _ in choices)
        kwargs.setdefault("help_text", f"One of: {values}.")
        super().__init__(choices=choices, **kwargs)


def by_slug(queryset: QuerySet[Any], what: str, **kwargs: Any) -> serializers.SlugRelatedField[Any]:
    """A reference to a catalog row by its slug; an unknown slug is a 400 naming the field."""
    return serializers.SlugRelatedField(
        slug_field="slug",
        queryset=queryset,
        error_messages={
            "does_not_exist": f"No {what} with the slug {{value}}.",
            "invalid": "Give the slug as text.",
        },
        **kwargs,
    )


def read_filters(request: Request, filters: type[serializers.Serializer[Any]]) -> dict[str, Any]:
    """The list's validated filters; an unknown parameter is refused by name, since a typo
    would otherwise quietly return everything."""
    known = set(filters().fields) | PAGING_PARAMETERS
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise serializers.ValidationError(
            {name: ["Unknown filter: it is not one this list takes."] for name in unknown}
        )
    given = filters(data=request.query_params.dict())
    given.is_valid(raise_exception=True)
    return dict(given.validated_data)


# --- Reads ------------------------------------------------------------------------------------


class SourceSerializer(serializers.ModelSerializer[Source]):
    kind = UnnamedChoiceField(Source.Kind.choices, read_only=True)
    # Not a URLField in the schema: a source need not have an address, so it may be "".
    url = serializers.CharField(
        read_only=True, help_text="Where the source is published; empty when it has no address."
    )

    class Meta:
        model = Source
        fields = ["slug", "title", "kind", "publisher", "citation", "url"]
        read_only_fields = fields


class RegionSerializer(serializers.ModelSerializer[BodyRegion]):
    class Meta:
        model = BodyRegion
        fields = ["slug", "name", "order", "description"]
        read_only_fields = fields


class RegionRefSerializer(serializers.ModelSerializer[BodyRegion]):
    class Meta:
        model = BodyRegion
        fields = ["slug", "name"]
        read_only_fields = fields


class ConditionRefSerializer(serializers.ModelSerializer[Condition]):
    class Meta:
        model = Condition
        fields = ["slug", "name"]
        read_only_fields = fields


class RecoverySerializer(serializers.Serializer[Any]):
    """The recovery timeline: the range, and the article's own words."""

    min = serializers.IntegerField(source="recovery_min", allow_null=True)
    max = serializers.IntegerField(source="recovery_max", allow_null=True)
    unit = UnnamedChoiceField(Condition.RecoveryUnit.choices, source="recovery_unit")
    text = serializers.CharField(source="recovery_text", help_text="The article's own words.")
    display = serializers.CharField(source="recovery_display")
    source = SourceSerializer(  # type: ignore[assignment]
        source="recovery_source",
        allow_null=True,
        help_text="Set when the numbers are not from the condition's article.",
    )


class ConditionSerializer(serializers.ModelSerializer[Condition]):
    regions = RegionRefSerializer(many=True, read_only=True)
    recovery = RecoverySerializer(source="*", read_only=True)

    class Meta:
        model = Condition
        fields = ["slug", "name", "summary", "care", "regions", "recovery"]
        read_only_fields = fields


class RedFlagRefSerializer(serializers.ModelSerializer[RedFlag]):
    class Meta:
        model = RedFlag
        fields = ["slug", "sign", "urgency"]
        read_only_fields = fields


class RecommendedExerciseSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()


class ConditionDetailSerializer(ConditionSerializer):
    source = SourceSerializer(read_only=True)  # type: ignore[assignment]
    red_flags = RedFlagRefSerializer(many=True, read_only=True)
    exercises = RecommendedExerciseSerializer(
        many=True, read_only=True, help_text="The exercises its articles recommend for it."
    )
    program = serializers.SerializerMethodField(
        help_text="The program the planner starts for it; null when there is none or when a "
        "doctor must see it first."
    )

    class Meta(ConditionSerializer.Meta):
        fields = [
            *ConditionSerializer.Meta.fields,
            "care_note",
            "symptoms",
            "causes",
            "treatment",
            "source",
            "red_flags",
            "exercises",
            "program",
            "admin_edited",
            "updated_at",
        ]
        read_only_fields = fields

    def get_program(self, condition: Condition) -> str | None:
        if condition.care != Condition.Care.HOME_EXERCISE:
            return None
        # The lowest pk, as planner.plans.starting_point picks (the list is prefetched).
        # The catalog's only (planner's Program.is_own): a therapist's own program for the
        # condition is theirs, never what the catalog offers.
        programs = sorted(
            (program for program in condition.programs.all() if not program.is_own),
            key=lambda program: program.pk,
        )
        return str(programs[0].slug) if programs else None


class RedFlagSerializer(serializers.ModelSerializer[RedFlag]):
    regions = RegionRefSerializer(
        many=True, read_only=True, help_text="Empty: asked whatever hurts."
    )
    conditions = ConditionRefSerializer(many=True, read_only=True)

    class Meta:
        model = RedFlag
        fields = ["slug", "sign", "question", "urgency", "advice", "regions", "conditions"]
        read_only_fields = fields


class RedFlagDetailSerializer(RedFlagSerializer):
    source = SourceSerializer(read_only=True)  # type: ignore[assignment]

    class Meta(RedFlagSerializer.Meta):
        fields = [*RedFlagSerializer.Meta.fields, "source", "admin_edited", "updated_at"]
        read_only_fields = fields


# --- Filters ----------------------------------------------------------------------------------


class ConditionFilters(serializers.Serializer[Any]):
    region = by_slug(BodyRegion.objects.all(), "body region", required=False)
    care = serializers.ChoiceField(choices=Condition.Care.choices, required=False)
    q = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Words in the name or summary; blank matches all.",
    )


class RedFlagFilters(serializers.Serializer[Any]):
    region = by_slug(
        BodyRegion.objects.all(),
        "body region",
        required=False,
        help_text="Signs asked for this region, and those asked whatever hurts.",
    )
