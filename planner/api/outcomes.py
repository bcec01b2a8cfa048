"""Outcome measures over HTTP: a plan's LEFS and PSFS answers with their scores and change
since the first (the owner, her linked therapists, admins), and the runner answering one.
planner.plans.outcomes decides; these views load, call and present."""

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
from planner.access import own_plan, visible_plan
from planner.api.sessions import input_of
from planner.engine import outcomes as rules
from planner.plans import outcomes
from planner.plans.daily import today_of


class ChangeSerializer(serializers.Serializer[Any]):
    total = serializers.FloatField(help_text="The score now minus the first answer's.")
    per_activity = serializers.ListField(
        child=serializers.IntegerField(), help_text="PSFS: each activity's change; LEFS: empty."
    )
    meaningful = serializers.BooleanField(
        help_text="LEFS: 9 points or more. PSFS: 2 or more in the mean, or 3 in one activity."
    )
    reason = serializers.CharField()


class AnswerSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="answer.pk")
    measure = serializers.CharField(source="answer.measure")
    answered_at = serializers.DateTimeField(source="answer.answered_at")
    answered_on = serializers.DateField(source="answer.answered_on")
    items = serializers.ListField(child=serializers.IntegerField(), source="answer.items")
    activities = serializers.ListField(
        child=serializers.CharField(), source="answer.activities", help_text="PSFS only."
    )
    total = serializers.FloatField(
        source="answer.total", help_text="LEFS: the sum, 0 to 80. PSFS: the mean, 0 to 10."
    )
    change = ChangeSerializer(
        allow_null=True, help_text="Since the first answer of the measure; null for the first."
    )


class SeriesSerializer(serializers.Serializer[Any]):
    measure = serializers.CharField()
    name = serializers.CharField()
    meaningful_change = serializers.FloatField(source="band")
    maximum = serializers.IntegerField()
    answers = AnswerSerializer(many=True, source="points")


class QuestionnairesSerializer(serializers.Serializer[Any]):
    due = serializers.ListField(
        child=serializers.CharField(), help_text="The measures due on the runner's today."
    )
    psfs_activities = serializers.ListField(
        child=serializers.CharField(),
        help_text="The activities named at the first PSFS answer: later answers score these.",
    )
    lefs_items = serializers.ListField(child=serializers.CharField())
    measures = SeriesSerializer(many=True)


class ActivityInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=rules.PSFS_ACTIVITY_MAX_LENGTH, allow_blank=True)
    score = serializers.IntegerField()


class AnswerInputSerializer(StrictSerializer):
    measure = serializers.ChoiceField(choices=[m.value for m in outcomes.MEASURES])
    items = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        max_length=40,
        help_text="LEFS: the 20 items in the form's order, each 0 to 4.",
    )
    activities = serializers.ListField(
        child=ActivityInputSerializer(),
        required=False,
        max_length=10,
        help_text="PSFS: 3 to 5 activities, each 0 to 10; after the first answer, the same ones.",
    )


class QuestionnairesView(APIView):
    @extend_schema(responses={200: QuestionnairesSerializer})
    def get(self, request: Request, plan_id: int) -> Response:
        """The plan's LEFS and PSFS answers, oldest first, each with its change since the first."""
        plan = visible_plan(request.user, plan_id)
        answers = outcomes.answers_of(plan)
        today = today_of(plan, timezone.now())
        record_view(request.user, plan.user_id, f"plan {plan.pk} questionnaires")
        first_psfs = next((a for a in answers if a.measure == rules.Measure.PSFS), None)
        result = {
            "due": outcomes.due_measures(plan, answers, today),
            "psfs_activities": first_psfs.activities if first_psfs else [],
            "lefs_items": list(rules.LEFS_ITEMS),
            "measures": outcomes.series_of(answers),
        }
        return Response(QuestionnairesSerializer(result).data)

    @extend_schema(request=AnswerInputSerializer, responses={201: AnswerSerializer})
    def post(self, request: Request, plan_id: int) -> Response:
        """The runner answers the LEFS or the PSFS for her plan."""
        user = signed_in(request)
        body = input_of(
            AnswerInputSerializer,
            request,
            refuse_first=lambda: own_plan(user, plan_id, act="answer a questionnaire for"),
        )
        saved = outcomes.answer(
            user,
            plan_id,
            body["measure"],
            timezone.now(),
            items=body.get("items", []),
            activities=[(a["name"], a["score"]) for a in body.get("activities", [])],
        )
        series = next(
            s
            for s in outcomes.series_of(outcomes.answers_of(saved.plan))
            if s.measure == saved.measure
        )
        point = next(p for p in series.points if p.answer.pk == saved.pk)
        return Response(AnswerSerializer(point).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path(
        "plans/<id:plan_id>/questionnaires",
        QuestionnairesView.as_view(),
        name="api-plan-questionnaires",
    ),
]
