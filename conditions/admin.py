"""Curating what hurts: list columns, search, filters by region, the citation in view."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from conditions.models import BodyRegion, Condition, RedFlag, Source
from kit.curation import CuratedAdmin, TranslatedCuratedAdmin


@admin.register(Source)
class SourceAdmin(CuratedAdmin):
    list_display = ["title", "kind", "publisher", "citation"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "citation"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(BodyRegion)
class BodyRegionAdmin(TranslatedCuratedAdmin):
    list_display = ["name", "order", "slug"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Condition)
class ConditionAdmin(TranslatedCuratedAdmin):
    list_display = ["name", "care", "region_list", "recovery_display", "source", "admin_edited"]
    list_filter = ["care", "regions", "source", "admin_edited"]
    search_fields = ["name", "slug", "summary", "symptoms"]
    filter_horizontal = ["regions"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["source"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "regions", "summary", "care", "care_note"]}),
        ("What the article says", {"fields": ["symptoms", "causes", "treatment"]}),
        (
            "Recovery timeline",
            {
                "fields": [
                    ("recovery_min", "recovery_max", "recovery_unit"),
                    "recovery_text",
                    "recovery_source",
                ]
            },
        ),
        ("Source", {"fields": ["source", "admin_edited"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Condition]:
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description="Regions")
    def region_list(self, obj: Condition) -> str:
        return ", ".join(region.name for region in obj.regions.all())


@admin.register(RedFlag)
class RedFlagAdmin(TranslatedCuratedAdmin):
    list_display = ["sign", "urgency", "source", "admin_edited"]
    list_filter = ["urgency", "regions", "source"]
    search_fields = ["sign", "question", "advice", "slug"]
    filter_horizontal = ["regions", "conditions"]
    list_select_related = ["source"]
