"""Curating how to move: steps, variations and recommendations edited inline on the exercise,
so an admin can add an exercise and attach it to a condition without touching code."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from exercises.models import Exercise, InstructionStep, Recommendation, Variation
from kit.curation import CuratedAdmin


class InstructionStepInline(admin.TabularInline[InstructionStep, Exercise]):
    model = InstructionStep
    extra = 1


class VariationInline(admin.StackedInline[Variation, Exercise]):
    model = Variation
    extra = 0


class RecommendationInline(admin.TabularInline[Recommendation, Exercise]):
    model = Recommendation
    extra = 1
    autocomplete_fields = ["condition"]
    verbose_name = "recommended for condition"
    verbose_name_plural = "recommended for conditions"


@admin.register(Exercise)
class ExerciseAdmin(CuratedAdmin):
    list_display = [
        "name",
        "kind",
        "region_list",
        "ladder_display",
        "per_side",
        "source",
        "admin_edited",
    ]
    list_filter = ["kind", "regions", "per_side", "source", "admin_edited"]
    search_fields = ["name", "slug", "summary"]
    filter_horizontal = ["regions"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["source"]
    inlines = [InstructionStepInline, VariationInline, RecommendationInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "regions", "summary", "equipment"]}),
        (
            "Dose ladder",
            {
                "fields": [
                    ("unit", "sets", "per_side"),
                    ("start", "target", "step", "hold_seconds"),
                    "dose_source",
                    "dose_note",
                ]
            },
        ),
        ("Safety", {"fields": ["cautions"]}),
        ("Source", {"fields": ["source", "admin_edited"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Exercise]:
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description="Regions")
    def region_list(self, obj: Exercise) -> str:
        return ", ".join(region.name for region in obj.regions.all())

    @admin.display(description="Dose ladder")
    def ladder_display(self, obj: Exercise) -> str:
        return obj.ladder_display
