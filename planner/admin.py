"""Curating program templates (phases and prescriptions inline) and looking after plans."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from conditions.admin import CuratedAdmin
from planner.models import (
    DoseChange,
    Phase,
    Plan,
    PlanExercise,
    Prescription,
    Program,
    RedFlagReport,
    SessionLog,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class PrescriptionInline(admin.TabularInline):
    model = Prescription
    extra = 0
    autocomplete_fields = ["exercise"]
    fields = [
        "order",
        "exercise",
        "first_week",
        "last_week",
        "frequency",
        "sets",
        "start",
        "target",
        "step",
        "hold_seconds",
        "variation",
        "sessions_to_progress",
        "days_to_progress",
    ]


@admin.register(Program)
class ProgramAdmin(CuratedAdmin):
    list_display = ["name", "condition", "weeks", "source", "admin_edited"]
    list_filter = ["condition__regions", "source", "admin_edited"]
    search_fields = ["name", "slug", "condition__name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["condition", "source"]
    autocomplete_fields = ["condition"]
    inlines = [PhaseInline, PrescriptionInline]


class PlanExerciseInline(admin.TabularInline):
    model = PlanExercise
    extra = 0
    fields = ["exercise", "amount", "with_variation", "dose_since", "start", "target", "step"]
    readonly_fields = ["exercise"]
    can_delete = False


class RedFlagReportInline(admin.TabularInline):
    model = RedFlagReport
    extra = 0
    readonly_fields = ["red_flag", "day", "note", "created_at"]
    can_delete = False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["program", "user", "status", "start_date", "projected_end", "time_zone"]
    list_filter = ["status", "program"]
    search_fields = ["user__username", "user__email", "program__name"]
    list_select_related = ["program", "user"]
    raw_id_fields = ["user", "assigned_by"]
    inlines = [PlanExerciseInline, RedFlagReportInline]


@admin.register(DoseChange)
class DoseChangeAdmin(admin.ModelAdmin):
    list_display = ["plan_exercise", "effective_on", "action", "new_amount", "decided_by"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in DoseChange._meta.fields]
    list_select_related = [
        "plan_exercise__exercise",
        "plan_exercise__plan__program",
        "plan_exercise__plan__user",
        "decided_by",
    ]


@admin.register(SessionLog)
class SessionLogAdmin(admin.ModelAdmin):
    """Read-only: a log is the runner's own account of a session, and the engine decided the
    doses from it. Only the runner corrects one, through the app, which decides again; an
    admin's edit, deletion or move to another plan would change a plan's history behind the
    engine and behind the therapist's cached patient list."""

    list_display = ["plan_exercise", "day", "done", "pain_during", "pain_next_morning"]
    list_filter = ["done"]
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SessionLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SessionLog | None = None) -> bool:
        return False

    list_select_related = [
        "plan_exercise__exercise",
        "plan_exercise__plan__program",
        "plan_exercise__plan__user",
    ]
