"""Serializer bases shared by every API module: unknown fields are refused by name."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class StrictMixin:
    """Unknown fields are refused by name: a typo must not be silently dropped."""

    initial_data: Any
    fields: Any

    def validate_unknown_fields(self) -> None:
        if not isinstance(getattr(self, "initial_data", None), dict):
            return
        writable = {name for name, f in self.fields.items() if not f.read_only}
        unknown = sorted(set(self.initial_data) - writable)
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown field: it is not part of this request."] for name in unknown}
            )


class StrictSerializer(StrictMixin, serializers.Serializer):
    def to_internal_value(self, data: Any) -> Any:
        self.validate_unknown_fields()
        return super().to_internal_value(data)


class StrictModelSerializer(StrictMixin, serializers.ModelSerializer):
    def to_internal_value(self, data: Any) -> Any:
        self.validate_unknown_fields()
        return super().to_internal_value(data)
