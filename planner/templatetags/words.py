"""`{{ region.name|in_sentence }}`: a catalog name as it reads mid-sentence."""

from __future__ import annotations

from django import template

from planner.engine import words

register = template.Library()


@register.filter
def in_sentence(name: str) -> str:
    return words.in_sentence(name)
