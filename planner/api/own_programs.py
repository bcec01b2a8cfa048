"""A therapist's own programs over the API: built from the exercise library, copied from a
program they may see, changed and deleted; planner.programs.own decides, these views present.

Who may do what: therapists only (403 for anyone else signed in, 401 for an anonymous caller).
A therapist lists and reads their own programs and those their clinic's therapists share; only
the owner changes or deletes one (a colleague who may read it is told so, 403); anyone else's
private program is the 404 of a program that does not exist. A program some plan uses cannot be
deleted (409, saying why). They are assigned as any program is (POST /patients/<id>/plans).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kit.api.strict import StrictSerializer
from planner import access
from planner.api.care import require_therapist
from planner.api.programs import ProgramDetailSerializer, program_details
from planner.engine.pain import PAIN_MONITORING
from planner.models import Prescription, Program
from planner.programs import own

OWN_ACTS = "build programs"
# The model's own choices, so the schema names one enum for each (as the programs' API does).
FREQUENCIES = Prescription._meta.get_field("frequency").choices or []
PAIN_RULE_CHOICES = Prescription._meta.get_field("pain_rule").choices or []


class OwnProgramSerializer(ProgramDetailSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True, allow_null=True)
    copied_from: serializers.SlugRelatedField[Program] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The program it started as a copy of: where it came from, not a citation.",
    )

    class Meta(ProgramDetailSerializer.Meta):
        fields = [
            "id",
            *ProgramDetailSerializer.Meta.fields,
            "owner",
            "shared_with_clinic",
            "copied_from",
        ]
        read_only_fields = fields


class PhaseDraftSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    first_week = serializers.IntegerField()
    last_week = serializers.IntegerField()
    goal = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


def number(help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=help_text
    )


class ExerciseDraftSerializer(StrictSerializer):
    """One exercise of the program; a ladder number left out is the exercise's own."""

    exercise = serializers.CharField(max_length=50, help_text="The library exercise's slug.")
    frequency = serializers.ChoiceField(choices=FREQUENCIES)
    first_week = serializers.IntegerField(required=False, default=1)
    last_week = number("Empty: to the program's last week.")
    sets = number("Sets at the start.")
    sets_target = number("Sets climb one at a time to this at the top of the reps.")
    start = number("Reps per set, or seconds held, at the start.")
    target = number()
    step = number()
    hold_seconds = number("Seconds each repetition is held.")
    times_per_day = serializers.IntegerField(required=False, default=1)
    sessions_to_progress = serializers.IntegerField(required=False, default=3)
    days_to_progress = serializers.IntegerField(required=False, default=7)
    pain_rule = serializers.ChoiceField(choices=PAIN_RULE_CHOICES, required=False)
    versions = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Step up to its harder versions at the top and down to its easier one.",
    )
    harder = serializers.ListField(
        child=serializers.CharField(max_length=150),
        required=False,
        allow_null=True,
        default=None,
        help_text="The harder versions, by name, in order; left out: those it had, else all.",
    )
    easier = serializers.CharField(
        max_length=150, required=False, allow_null=True, allow_blank=True, default=None
    )
    note = serializers.CharField(
        max_length=own.NOTE_LENGTH, allow_blank=True, required=False, default=""
    )


class ProgramDraftSerializer(StrictSerializer):
    name = serializers.CharField(max_length=own.NAME_LENGTH)
    condition = serializers.CharField(max_length=50, help_text="The condition's slug.")
    weeks = serializers.IntegerField()
    summary = serializers.CharField(allow_blank=True, required=False, default="")
    weeks_note = serializers.CharField(allow_blank=True, required=False, default="")
    shared_with_clinic = serializers.BooleanField(required=False, default=False)
    phases = PhaseDraftSerializer(many=True, max_length=own.MAX_PHASES)  # type: ignore[call-arg]
    exercises = ExerciseDraftSerializer(many=True, max_length=own.MAX_EXERCISES)  # type: ignore[call-arg]


def draft_from(data: dict[str, Any]) -> own.ProgramDraft:
    return own.ProgramDraft(
        name=data["name"],
        condition=data["condition"],
        weeks=data["weeks"],
        summary=data["summary"],
        weeks_note=data["weeks_note"],
        shared_with_clinic=data["shared_with_clinic"],
        phases=tuple(own.PhaseDraft(**phase) for phase in data["phases"]),
        exercises=tuple(
            own.ExerciseDraft(
                **{
                    **item,
                    "harder": None if item["harder"] is None else tuple(item["harder"]),
                    "pain_rule": item.get("pain_rule") or PAIN_MONITORING.key,
                }
            )
            for item in data["exercises"]
        ),
    )


class CopySerializer(StrictSerializer):
    program = serializers.CharField(
        max_length=50, help_text="The slug of the program to copy: one you may see."
    )


def own_details() -> QuerySet[Program]:
    return program_details().select_related("owner", "copied_from")


def detail(program_id: int) -> dict[str, Any]:
    return dict(OwnProgramSerializer(own_details().get(pk=program_id)).data)


class OwnProgramListView(APIView):
    @extend_schema(request=None, responses={200: OwnProgramSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """Your own programs and those your clinic's therapists share, by name."""
        therapist = require_therapist(request, OWN_ACTS)
        seen = access.own_programs_seen_by(therapist).values("pk")
        rows = own_details().filter(pk__in=seen).order_by("name", "pk")
        return Response(OwnProgramSerializer(rows, many=True).data)

    @extend_schema(request=ProgramDraftSerializer, responses={201: OwnProgramSerializer})
    def post(self, request: Request) -> Response:
        """A new program of your own, private unless `shared_with_clinic`."""
        therapist = require_therapist(request, OWN_ACTS)
        data = ProgramDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = own.create(therapist, draft_from(data.validated_data))
        return Response(detail(program.pk), status=status.HTTP_201_CREATED)


class OwnProgramCopyView(APIView):
    @extend_schema(request=CopySerializer, responses={201: OwnProgramSerializer})
    def post(self, request: Request) -> Response:
        """A private copy of a program you may see (the catalog's, yours, your clinic's)."""
        therapist = require_therapist(request, OWN_ACTS)
        data = CopySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = own.copy(therapist, data.validated_data["program"])
        return Response(detail(program.pk), status=status.HTTP_201_CREATED)


class OwnProgramView(APIView):
    def readable(self, request: Request, program_id: int) -> int:
        therapist = require_therapist(request, OWN_ACTS)
        if not access.own_programs_seen_by(therapist).filter(pk=program_id).exists():
            access.not_found(Program)
        return program_id

    @extend_schema(request=None, responses={200: OwnProgramSerializer})
    def get(self, request: Request, program_id: int) -> Response:
        return Response(detail(self.readable(request, program_id)))

    @extend_schema(request=ProgramDraftSerializer, responses={200: OwnProgramSerializer})
    def put(self, request: Request, program_id: int) -> Response:
        """The whole program as it is to be: plans already started keep their own copies."""
        therapist = require_therapist(request, OWN_ACTS)
        access.own_program(therapist, program_id, act="change it")
        data = ProgramDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = own.update(therapist, program_id, draft_from(data.validated_data))
        return Response(detail(program.pk))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, program_id: int) -> Response:
        """Deleted unless a plan uses it (409)."""
        therapist = require_therapist(request, OWN_ACTS)
        own.delete(therapist, program_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("own-programs", OwnProgramListView.as_view(), name="api-own-programs"),
    path("own-programs/copies", OwnProgramCopyView.as_view(), name="api-own-program-copies"),
    path("own-programs/<id:program_id>", OwnProgramView.as_view(), name="api-own-program"),
]
