"""Curating program templates (phases and prescriptions inline) and looking after plans."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from knox.models import AuthToken
from modeltranslation.admin import TranslationTabularInline

from audit.recording import record_view, record_views
from kit.curation import TranslatedCuratedAdmin
from planner.models import (
    LADDER_FIELDS,
    Conversation,
    DoseChange,
    Message,
    Phase,
    Plan,
    PlanExercise,
    Prescription,
    Program,
    RedFlagReport,
    SessionLog,
)
from planner.programs.versions import version_problems


class PhaseInline(TranslationTabularInline[Phase, Program]):
    model = Phase
    extra = 0


class PrescriptionForm(forms.ModelForm[Prescription]):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        exercise = cleaned.get("exercise")
        harder = cleaned.get("harder") or []
        if exercise is not None:
            if not isinstance(harder, list) or not all(isinstance(n, str) for n in harder):
                self.add_error("harder", 'A list of variation names, e.g. ["With a band"].')
                return cleaned
            variations = {v.key: v.kind for v in exercise.variations.all()}
            for problem in version_problems(variations, harder, cleaned.get("easier") or None):
                field = "easier" if problem.startswith("'easier'") else "harder"
                self.add_error(field, problem.split(": ", 1)[1])
        return cleaned


class PrescriptionInline(admin.TabularInline[Prescription, Program]):
    model = Prescription
    form = PrescriptionForm
    extra = 0
    autocomplete_fields = ["exercise"]
    fields = ["order", "exercise", *LADDER_FIELDS]


@admin.register(Program)
class ProgramAdmin(TranslatedCuratedAdmin):
    list_display = ["name", "condition", "weeks", "source", "admin_edited"]
    list_filter = ["condition__regions", "source", "admin_edited"]
    search_fields = ["name", "slug", "condition__name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["condition", "source"]
    autocomplete_fields = ["condition"]
    inlines = [PhaseInline, PrescriptionInline]


class RecordsLooks(admin.ModelAdmin[Any]):
    """An admin's look at runners' data in the admin is recorded like any other (audit): the
    list of a page's rows as one look at each runner on it, one object as a look at its
    runner. `runner_of` names the runner's id from the object."""

    def runner_of(self, obj: Any) -> int:
        raise NotImplementedError

    def looked_at(self) -> str:
        return f"admin: {self.model._meta.verbose_name_plural}"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        shown = getattr(response, "context_data", None) or {}
        if "cl" in shown:
            runners = [self.runner_of(obj) for obj in shown["cl"].result_list]
            record_views(request.user, runners, self.looked_at())
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        original: Model | None = (getattr(response, "context_data", None) or {}).get("original")
        if original is not None:
            record_view(request.user, self.runner_of(original), f"{self.looked_at()} {original.pk}")
        return response


# Django's own admin of people, with the looks recorded: a person's account (email, name, last
# sign-in, groups) is theirs to know who read.
admin.site.unregister(User)


@admin.register(User)
class RecordedUserAdmin(RecordsLooks, UserAdmin[User]):
    def runner_of(self, obj: User) -> int:
        return obj.pk


class PlanExerciseInline(admin.TabularInline[PlanExercise, Plan]):
    model = PlanExercise
    extra = 0
    fields = [
        "exercise",
        "amount",
        "current_sets",
        "level",
        "dose_since",
        "start",
        "target",
        "step",
    ]
    readonly_fields = ["exercise"]
    can_delete = False


class RedFlagReportInline(admin.TabularInline[RedFlagReport, Plan]):
    model = RedFlagReport
    extra = 0
    readonly_fields = ["red_flag", "day", "note", "created_at"]
    can_delete = False


@admin.register(Plan)
class PlanAdmin(RecordsLooks):
    list_display = ["program", "user", "status", "start_date", "projected_end", "time_zone"]
    list_filter = ["status", "program"]
    search_fields = ["user__username", "user__email", "program__name"]
    list_select_related = ["program", "user"]
    raw_id_fields = ["user", "assigned_by"]
    inlines = [PlanExerciseInline, RedFlagReportInline]

    def runner_of(self, obj: Plan) -> int:
        return obj.user_id


@admin.register(DoseChange)
class DoseChangeAdmin(RecordsLooks):
    list_display = ["plan_exercise", "effective_on", "action", "new_amount", "decided_by"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in DoseChange._meta.fields]
    list_select_related = [
        "plan_exercise__exercise",
        "plan_exercise__plan__program",
        "plan_exercise__plan__user",
        "decided_by",
    ]

    def runner_of(self, obj: DoseChange) -> int:
        return obj.plan_exercise.plan.user_id


@admin.register(SessionLog)
class SessionLogAdmin(RecordsLooks):
    """Read-only: a log is the runner's own account of a session, and the engine decided the
    doses from it. Only the runner corrects one, through the app, which decides again; an
    admin's edit, deletion or move to another plan would change a plan's history behind the
    engine and behind the therapist's cached patient list."""

    list_display = ["plan_exercise", "day", "done", "pain_during", "pain_next_morning"]
    list_filter = ["done"]
    date_hierarchy = "day"
    list_select_related = [
        "plan_exercise__exercise",
        "plan_exercise__plan__program",
        "plan_exercise__plan__user",
    ]

    def runner_of(self, obj: SessionLog) -> int:
        return obj.plan_exercise.plan.user_id

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SessionLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SessionLog | None = None) -> bool:
        return False


class MessageInline(admin.TabularInline[Message, Conversation]):
    model = Message
    extra = 0
    fields = ["created_at", "author", "body"]
    readonly_fields = ["created_at", "author", "body"]
    ordering = ["created_at", "pk"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Conversation | None = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(RecordsLooks):
    """Read-only: a conversation is its runner's and therapist's alone. An admin reads one here
    only, and each look is recorded for the runner (the list: a look at each runner on it)."""

    list_display = ["link", "last_message_at", "created_at"]
    list_select_related = ["link__therapist", "link__runner"]
    search_fields = ["link__runner__username", "link__therapist__username"]
    fields = ["link", "runner_read_at", "therapist_read_at", "last_message_at", "created_at"]
    readonly_fields = [
        "link",
        "runner_read_at",
        "therapist_read_at",
        "last_message_at",
        "created_at",
    ]
    inlines = [MessageInline]

    def runner_of(self, obj: Conversation) -> int:
        return obj.link.runner_id

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Conversation | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Conversation | None = None) -> bool:
        return False


# API tokens are kept as a hash (django-rest-knox): the admin lists who has one and until when,
# and can end one, but never makes one (knox's own admin would show the new key to staff, who
# could then act as the person through the API unrecorded) nor shows a key.
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(admin.ModelAdmin[AuthToken]):
    list_display = ["user", "created", "expiry"]
    search_fields = ["user__username"]
    fields = ["user", "created", "expiry"]
    readonly_fields = ["user", "created", "expiry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuthToken | None = None) -> bool:
        return False


# A second factor's secret (an authenticator app's key, the recovery codes' seed) is in its
# row's `data`, which allauth's own admin shows: staff who read it could make the person's
# codes. This one lists who has which factor and can remove one (a lost phone), never shows
# the secret nor makes or changes a factor.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class SecondFactorAdmin(admin.ModelAdmin[Authenticator]):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__username"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Authenticator | None = None) -> bool:
        return False
