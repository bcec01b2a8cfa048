"""`{{ someone|shown_name }}`: the name a person chose, else their username (planner.names).
A list of people should come with their profiles (select_related("...__profile")) so the
filter asks nothing more of the database."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import User

from planner.names import shown_name as name_of

register = template.Library()


@register.filter
def shown_name(user: User | None) -> str:
    return name_of(user) if user is not None else ""
