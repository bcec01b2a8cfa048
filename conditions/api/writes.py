"""What an admin may write to the catalog (conditions and red flags), the rules a write must
keep, and the saving of it.

Writes name sources, regions and conditions by slug. Lists in a write (regions, symptoms, ...)
replace the stored ones. What the API shows is in `conditions.api.serializers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from rest_framework import serializers

from conditions.api.serializers import UnnamedChoiceField, by_slug
from conditions.models import BodyRegion, Condition, RedFlag, Source
from conditions.schema import SLUG_PATTERN
from kit.api.strict import StrictSerializer

MAX_TEXT = 5000
MAX_ITEMS = 50


# --- Shared pieces ----------------------------------------------------------------------------


class NestedStrictSerializer(StrictSerializer):
    """Strict also when nested: DRF gives a nested serializer no `initial_data`, so the unknown
    fields of each nested object are checked against the data it is handed.

    With `whole`, each object must be complete even in a PATCH (DRF would otherwise let a
    partial update skip its required fields): list items are replaced, never merged."""

    whole = False

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            writable = {name for name, f in self.fields.items() if not f.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field: it is not part of this request."] for name in unknown}
                )
            fields = self.fields.items() if self.whole else []
            missing = [name for name, f in fields if f.required and name not in data]
            if missing:
                raise serializers.ValidationError(
                    {name: ["This field is required."] for name in missing}
                )
        return serializers.Serializer.to_internal_value(self, data)


def merged(
    given: dict[str, Any], stored: dict[str, Any], defaults: dict[str, Any]
) -> dict[str, Any]:
    """A nested object of a write: what was given, over what is stored (PATCH) or the defaults."""
    return {**defaults, **stored, **given}


def texts(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=MAX_TEXT), max_length=MAX_ITEMS, **kwargs
    )


def new_slug_field() -> serializers.RegexField:
    return serializers.RegexField(
        SLUG_PATTERN,
        max_length=50,
        error_messages={"invalid": "Lower-case letters and digits, words joined by hyphens."},
    )


def check_slug(value: str, instance: Any, model: type[Any], what: str) -> str:
    """A slug is set once: the data files and every link find the entry by it."""
    if instance is not None:
        if value != instance.slug:
            raise serializers.ValidationError("The slug cannot change once the entry exists.")
        return value
    if model.objects.filter(slug=value).exists():
        raise serializers.ValidationError(f"A {what} with this slug already exists.")
    return value


# --- The rules of a write ---------------------------------------------------------------------


def recovery_problems(minimum: int | None, maximum: int | None, text: str) -> dict[str, list[str]]:
    """What is wrong with a recovery timeline, by field; empty when nothing is."""
    problems: dict[str, list[str]] = {}
    if (minimum is None) != (maximum is None):
        missing = "max" if maximum is None else "min"
        problems[missing] = ["Give both min and max, or neither."]
    elif minimum is not None and maximum is not None and minimum > maximum:
        problems["max"] = [f"Must not be below min ({minimum})."]
    if minimum is not None and not text.strip():
        problems["text"] = ["Give the article's own words for the range."]
    return problems


# --- Writes -----------------------------------------------------------------------------------


class RecoveryWriteSerializer(NestedStrictSerializer):
    min = serializers.IntegerField(min_value=1, max_value=1000, allow_null=True, default=None)
    max = serializers.IntegerField(min_value=1, max_value=1000, allow_null=True, default=None)
    unit = UnnamedChoiceField(Condition.RecoveryUnit.choices, default=Condition.RecoveryUnit.WEEKS)
    text = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, default="")
    source = by_slug(Source.objects.all(), "source", allow_null=True, default=None)  # type: ignore[assignment]


RECOVERY_DEFAULTS: dict[str, Any] = {
    "min": None,
    "max": None,
    "unit": Condition.RecoveryUnit.WEEKS,
    "text": "",
    "source": None,
}


class ConditionWriteSerializer(StrictSerializer):
    slug = new_slug_field()
    name = serializers.CharField(max_length=150)
    summary = serializers.CharField(max_length=MAX_TEXT)
    regions = by_slug(BodyRegion.objects.all(), "body region", many=True, allow_empty=False)
    care = serializers.ChoiceField(choices=Condition.Care.choices)
    care_note = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    symptoms = texts(required=False)
    causes = texts(required=False)
    treatment = texts(required=False)
    recovery = RecoveryWriteSerializer(
        allow_null=True,
        required=False,
        help_text="null clears it; in a PATCH, fields left out keep their values.",
    )
    source = by_slug(Source.objects.all(), "source")  # type: ignore[assignment]

    def validate_slug(self, value: str) -> str:
        return check_slug(value, self.instance, Condition, "condition")

    def validate_recovery(self, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        stored = self.instance
        value = merged(
            value,
            stored={
                "min": stored.recovery_min,
                "max": stored.recovery_max,
                "unit": stored.recovery_unit,
                "text": stored.recovery_text,
                "source": stored.recovery_source,
            }
            if stored is not None
            else {},
            defaults=RECOVERY_DEFAULTS,
        )
        problems = recovery_problems(value["min"], value["max"], value["text"])
        if problems:
            raise serializers.ValidationError(problems)
        return value


class RedFlagWriteSerializer(StrictSerializer):
    slug = new_slug_field()
    sign = serializers.CharField(max_length=300)
    question = serializers.CharField(max_length=300)
    urgency = serializers.ChoiceField(choices=RedFlag.Urgency.choices)
    advice = serializers.CharField(max_length=MAX_TEXT)
    regions = by_slug(
        BodyRegion.objects.all(),
        "body region",
        many=True,
        required=False,
        help_text="Empty: asked whatever hurts.",
    )
    conditions = by_slug(Condition.objects.all(), "condition", many=True, required=False)
    source = by_slug(Source.objects.all(), "source")  # type: ignore[assignment]

    def validate_slug(self, value: str) -> str:
        return check_slug(value, self.instance, RedFlag, "red flag")


CONDITION_FIELDS = (
    "slug",
    "name",
    "summary",
    "care",
    "care_note",
    "symptoms",
    "causes",
    "treatment",
    "source",
)


def save_condition(condition: Condition | None, data: dict[str, Any]) -> Condition:
    """Create or change a condition as an admin: marked admin_edited, so load_catalog keeps it."""
    with transaction.atomic():
        row = condition or Condition()
        for name in CONDITION_FIELDS:
            if name in data:
                setattr(row, name, data[name])
        if "recovery" in data:
            recovery = data["recovery"] or RECOVERY_DEFAULTS
            row.recovery_min = recovery["min"]
            row.recovery_max = recovery["max"]
            row.recovery_unit = recovery["unit"]
            row.recovery_text = recovery["text"]
            row.recovery_source = recovery["source"]
        row.admin_edited = True
        row.save()
        if "regions" in data:
            row.regions.set(data["regions"])
    return row


def save_red_flag(flag: RedFlag | None, data: dict[str, Any]) -> RedFlag:
    """Create or change a red flag as an admin: marked admin_edited, so load_catalog keeps it."""
    with transaction.atomic():
        row = flag or RedFlag()
        for name in ("slug", "sign", "question", "urgency", "advice", "source"):
            if name in data:
                setattr(row, name, data[name])
        row.admin_edited = True
        row.save()
        if "regions" in data:
            row.regions.set(data["regions"])
        if "conditions" in data:
            row.conditions.set(data["conditions"])
    return row
