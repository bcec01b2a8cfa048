"""Pagination that refuses a malformed `limit` or `offset` by name instead of ignoring it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

MAX_LIMIT = 500


def parameter(request: Request, name: str, minimum: int, maximum: int | None) -> int | None:
    """The whole number in query parameter `name`, None when absent, else a 400 naming it."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise serializers.ValidationError({name: [_("Give it once.")]})
    try:
        number = int(values[0])
    except ValueError:
        raise serializers.ValidationError({name: [_("A whole number is required.")]}) from None
    if number < minimum or (maximum is not None and number > maximum):
        rule = (
            _("Must be at least %(minimum)d.") % {"minimum": minimum}
            if maximum is None
            else _("Must be from %(minimum)d to %(maximum)d.")
            % {"minimum": minimum, "maximum": maximum}
        )
        raise serializers.ValidationError({name: [rule]})
    return number


class StrictLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int | None:
        limit = parameter(request, self.limit_query_param, 1, self.max_limit)
        return self.default_limit if limit is None else limit

    def get_offset(self, request: Request) -> int:
        return parameter(request, self.offset_query_param, 0, None) or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for item in found:
            if item["name"] == self.limit_query_param:
                item["schema"].update(minimum=1, maximum=self.max_limit)
            else:
                item["schema"].update(minimum=0)
        return found
