"""Serializer bases shared by every API module: unknown fields are refused by name, and so is
a value of another JSON type than the field's (a number for text, 0 for false)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers


class StrictMixin:
    """Unknown fields are refused by name: a typo must not be silently dropped. Text, boolean
    and whole-number fields take that JSON type only."""

    initial_data: Any
    fields: Any

    def validate_unknown_fields(self) -> None:
        if not isinstance(getattr(self, "initial_data", None), dict):
            return
        writable = {name for name, f in self.fields.items() if not f.read_only}
        unknown = sorted(set(self.initial_data) - writable)
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown field: it is not part of this request.")] for name in unknown}
            )
        # DRF reads 0 as "0" for text, 0 and "true" as booleans and "3" as a number; the
        # schema names one JSON type for each, and a value of another type is a client's
        # mistake to show, not to store.
        mistyped = {
            name: rule
            for name, f in self.fields.items()
            if not f.read_only
            and self.initial_data.get(name) is not None
            and (rule := type_rule(f, self.initial_data[name]))
        }
        if mistyped:
            raise serializers.ValidationError(
                {name: [rule] for name, rule in sorted(mistyped.items())}
            )


def type_rule(field: serializers.Field[Any, Any, Any, Any], value: Any) -> str | None:
    """The rule `value` breaks when it is not of the JSON type `field` takes, else None."""
    if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
        return _("Must be true or false.")
    if isinstance(field, serializers.IntegerField) and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        return _("Must be a whole number.")
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return _("Must be text.")
    return None


class StrictSerializer(StrictMixin, serializers.Serializer[Any]):
    def to_internal_value(self, data: Any) -> Any:
        self.validate_unknown_fields()
        return super().to_internal_value(data)
