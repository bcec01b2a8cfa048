"""A therapist tailors a running plan over the API: adds an exercise from the library, removes
one, re-doses one, changes how often one or all are done. planner.plans.tailoring decides.

Who may do what: the runner's actively linked therapist alone (planner.access.plan_to_tailor);
the runner and an admin, who may read the plan, are told so (403); anyone else gets the 404 of
a plan that does not exist. Each change answers the dose history's entries it made (201), and
each call is a look at the runner's plan, recorded (audit).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import record_view
from kit.api.strict import StrictSerializer
from kit.web import signed_in
from planner import access
from planner.api.own_programs import FREQUENCIES, PAIN_RULE_CHOICES, number
from planner.api.sessions import DoseChangeSerializer
from planner.models import Plan
from planner.plans import tailoring

REASON_HELP = "Why, in words: shown to the runner with the change."
EFFECTIVE_HELP = "From this day of the plan on; empty: today in the plan's time zone."


class ChangeSerializer(StrictSerializer):
    effective_on = serializers.DateField(required=False, allow_null=True, help_text=EFFECTIVE_HELP)
    reason = serializers.CharField(max_length=tailoring.REASON_LENGTH, help_text=REASON_HELP)


class AddExerciseSerializer(ChangeSerializer):
    exercise = serializers.CharField(max_length=50, help_text="The library exercise's slug.")
    frequency = serializers.ChoiceField(choices=FREQUENCIES)
    sets = number("Sets at the start; empty: the exercise's own ladder's.")
    sets_target = number()
    start = number()
    target = number()
    step = number()
    hold_seconds = number()
    amount = number("The dose to start at; empty: the bottom of the ladder.")
    times_per_day = serializers.IntegerField(required=False, default=1)
    pain_rule = serializers.ChoiceField(choices=PAIN_RULE_CHOICES, required=False)
    versions = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class RemoveSerializer(ChangeSerializer):
    pass


class RedoseSerializer(ChangeSerializer):
    amount = serializers.IntegerField(min_value=1, max_value=32767)
    sets = number("Empty: today's sets.")
    level = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="0: the exercise itself; 1, 2...: its harder versions; -1: its easier one. "
        "Empty: today's.",
    )
    hold_seconds = number("Empty: today's hold.")


class FrequencySerializer(ChangeSerializer):
    frequency = serializers.ChoiceField(choices=FREQUENCIES)
    plan_exercise = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Empty: every exercise."
    )


def tailored(request: Request, plan_id: int, serializer: type[ChangeSerializer]) -> Any:
    """The plan (the caller may tailor it) and the request's body, validated; the look is
    recorded."""
    plan: Plan = access.plan_to_tailor(request.user, plan_id)
    record_view(request.user, plan.user_id, f"plan {plan.pk} tailoring")
    data = serializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def answered(changes: list[Any]) -> Response:
    return Response(DoseChangeSerializer(changes, many=True).data, status=status.HTTP_201_CREATED)


class AddExerciseView(APIView):
    @extend_schema(request=AddExerciseSerializer, responses={201: DoseChangeSerializer(many=True)})
    def post(self, request: Request, plan_id: int) -> Response:
        data = tailored(request, plan_id, AddExerciseSerializer)
        effective_on, reason = data.pop("effective_on", None), data.pop("reason")
        if data.get("pain_rule") is None:
            data.pop("pain_rule", None)
        change = tailoring.add_exercise(
            therapist=signed_in(request),
            plan_id=plan_id,
            new=tailoring.NewExercise(**data),
            effective_on=effective_on,
            reason=reason,
            now=timezone.now(),
        )
        return answered([change])


class RemoveExerciseView(APIView):
    @extend_schema(request=RemoveSerializer, responses={201: DoseChangeSerializer(many=True)})
    def post(self, request: Request, plan_id: int, plan_exercise_id: int) -> Response:
        data = tailored(request, plan_id, RemoveSerializer)
        change = tailoring.remove_exercise(
            therapist=signed_in(request),
            plan_id=plan_id,
            plan_exercise_id=plan_exercise_id,
            effective_on=data.get("effective_on"),
            reason=data["reason"],
            now=timezone.now(),
        )
        return answered([change])


class RedoseView(APIView):
    @extend_schema(request=RedoseSerializer, responses={201: DoseChangeSerializer(many=True)})
    def post(self, request: Request, plan_id: int, plan_exercise_id: int) -> Response:
        data = tailored(request, plan_id, RedoseSerializer)
        change = tailoring.redose(
            therapist=signed_in(request),
            plan_id=plan_id,
            plan_exercise_id=plan_exercise_id,
            amount=data["amount"],
            sets=data["sets"],
            level=data["level"],
            hold_seconds=data["hold_seconds"],
            effective_on=data.get("effective_on"),
            reason=data["reason"],
            now=timezone.now(),
        )
        return answered([change])


class FrequencyView(APIView):
    @extend_schema(request=FrequencySerializer, responses={201: DoseChangeSerializer(many=True)})
    def post(self, request: Request, plan_id: int) -> Response:
        data = tailored(request, plan_id, FrequencySerializer)
        changes = tailoring.change_frequency(
            therapist=signed_in(request),
            plan_id=plan_id,
            frequency=data["frequency"],
            plan_exercise_id=data["plan_exercise"],
            effective_on=data.get("effective_on"),
            reason=data["reason"],
            now=timezone.now(),
        )
        return answered(changes)


urlpatterns = [
    path("plans/<id:plan_id>/exercises", AddExerciseView.as_view(), name="api-plan-add-exercise"),
    path(
        "plans/<id:plan_id>/exercises/<id:plan_exercise_id>/removal",
        RemoveExerciseView.as_view(),
        name="api-plan-remove-exercise",
    ),
    path(
        "plans/<id:plan_id>/exercises/<id:plan_exercise_id>/dose",
        RedoseView.as_view(),
        name="api-plan-redose",
    ),
    path("plans/<id:plan_id>/frequency", FrequencyView.as_view(), name="api-plan-frequency"),
]
