"""Program templates over the API: each condition's phases and exercise prescriptions.

Who may do what: anyone signed in reads (401 for an anonymous caller); the catalog's programs
are the same for everyone and hold no one's health data. They are curated in the Django admin
and the data files, so this API does not write them: POST, PATCH and DELETE are not routes here
(405). The list is the catalog's alone; one program is also found by a therapist who may see
it (their own, their clinic's shared ones: planner.access.programs_visible_to), and a
therapist's own programs are built through planner.api.own_programs. A runner's own copy of a
program is a plan (planner.api.plans).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conditions.api.serializers import (
    ConditionRefSerializer,
    SourceSerializer,
    by_slug,
    read_filters,
)
from conditions.models import Condition
from planner.access import not_found, programs_visible_to
from planner.models import Phase, Prescription, Program


class ProgramSerializer(serializers.ModelSerializer[Program]):
    condition = ConditionRefSerializer(read_only=True)

    class Meta:
        model = Program
        fields = ["slug", "name", "condition", "summary", "weeks", "weeks_note"]
        read_only_fields = fields


class PhaseSerializer(serializers.ModelSerializer[Phase]):
    class Meta:
        model = Phase
        fields = ["order", "name", "first_week", "last_week", "goal"]
        read_only_fields = fields


class PrescriptionLadderSerializer(serializers.Serializer[Any]):
    """The prescription's dose ladder, and when it moves up a step."""

    unit = serializers.CharField(source="exercise.unit")
    sets = serializers.IntegerField(help_text="Sets at the start.")
    sets_target = serializers.IntegerField(
        help_text="Sets climb one at a time to this once the target is reached."
    )
    start = serializers.IntegerField()
    target = serializers.IntegerField()
    step = serializers.IntegerField()
    hold_seconds = serializers.IntegerField()
    times_per_day = serializers.IntegerField()
    per_side = serializers.BooleanField(source="exercise.per_side")
    harder = serializers.ListField(
        child=serializers.CharField(),
        help_text="The harder versions, in the order taken once the top of the ladder is reached.",
    )
    easier = serializers.CharField(
        help_text="The easier version a dose that hurts too much at the bottom steps down to; "
        "empty when none."
    )
    sessions_to_progress = serializers.IntegerField(
        help_text="Sessions at a dose, with acceptable pain, before it moves up a step."
    )
    days_to_progress = serializers.IntegerField(help_text="Days at a dose before it may move up.")


class PrescriptionSerializer(serializers.ModelSerializer[Prescription]):
    exercise = serializers.CharField(source="exercise.slug", read_only=True)
    name = serializers.CharField(source="exercise.name", read_only=True)
    frequency_label = serializers.CharField(source="get_frequency_display", read_only=True)
    ladder = PrescriptionLadderSerializer(source="*", read_only=True)

    class Meta:
        model = Prescription
        fields = [
            "order",
            "exercise",
            "name",
            "frequency",
            "frequency_label",
            "first_week",
            "last_week",
            "ladder",
            "pain_rule",
            "note",
        ]
        read_only_fields = fields


class ProgramDetailSerializer(ProgramSerializer):
    source = SourceSerializer(
        read_only=True,
        allow_null=True,
        help_text="The source whose content the program contains; null for a therapist's own "
        "program (is_own), which is their own choice.",
    )  # type: ignore[assignment]
    weeks_source = SourceSerializer(
        read_only=True,
        allow_null=True,
        help_text="The clinical source whose programme lasted this long; null: the project's "
        "own choice (weeks_note says why). A program's length is not a recovery time.",
    )
    phases = PhaseSerializer(many=True, read_only=True)
    prescriptions = PrescriptionSerializer(many=True, read_only=True)

    class Meta(ProgramSerializer.Meta):
        fields = [
            *ProgramSerializer.Meta.fields,
            "source",
            "weeks_source",
            "is_own",
            "phases",
            "prescriptions",
            "admin_edited",
            "updated_at",
        ]
        read_only_fields = fields


class ProgramFilters(serializers.Serializer[Any]):
    condition = by_slug(Condition.objects.all(), "condition", required=False)


def programs_matching(condition: Condition | None = None) -> QuerySet[Program]:
    rows = Program.objects.catalog().select_related("condition")
    if condition is not None:
        rows = rows.filter(condition=condition)
    return rows


def program_details() -> QuerySet[Program]:
    return Program.objects.select_related("condition", "source", "weeks_source").prefetch_related(
        "phases",
        Prefetch(
            "prescriptions",
            queryset=Prescription.objects.select_related("exercise"),
        ),
    )


class ProgramListView(ListAPIView[Program]):
    serializer_class = ProgramSerializer

    def get_queryset(self) -> QuerySet[Program]:
        if getattr(self, "swagger_fake_view", False):
            return Program.objects.none()
        return programs_matching(**read_filters(self.request, ProgramFilters))

    @extend_schema(
        request=None, parameters=[ProgramFilters], responses=ProgramSerializer(many=True)
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request)


class ProgramView(APIView):
    @extend_schema(request=None, responses={200: ProgramDetailSerializer})
    def get(self, request: Request, slug: str) -> Response:
        program = program_details().filter(slug=slug).first()
        # A catalog program is anyone's to read; a therapist's own, only theirs to see (no
        # question of the caller's role asked for the catalog's).
        if program is None or (
            program.is_own and not programs_visible_to(request.user).filter(pk=program.pk).exists()
        ):
            not_found(Program)
        return Response(ProgramDetailSerializer(program).data)


urlpatterns = [
    path("programs", ProgramListView.as_view(), name="api-programs"),
    path("programs/<slug:slug>", ProgramView.as_view(), name="api-program"),
]
