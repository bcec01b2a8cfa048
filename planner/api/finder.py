"""The condition finder over HTTP: the questions for the places that hurt, and the conditions
of those places ranked by the answers, with the reasons in words. planner.plans.finder and
planner.engine.finder decide; this view loads, calls and presents. It suggests; it never
diagnoses, and the answer says so."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conditions.models import BodyRegion
from kit.api.strict import StrictSerializer
from kit.web import signed_in
from planner.api.sessions import input_of
from planner.engine import finder as finding
from planner.models import Program
from planner.plans import finder, lifecycle

NOT_A_DIAGNOSIS = (
    "This suggests conditions whose articles describe pain like the answers; it is not a "
    "diagnosis. Only a doctor or physical therapist can say what it is."
)


class FinderChoiceSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class FinderQuestionSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    text = serializers.CharField()
    choose = serializers.ChoiceField(
        choices=["one", "any"],
        help_text="one: a single answer, or none when not sure; any: as many as apply, none "
        "when not sure.",
    )
    choices = FinderChoiceSerializer(many=True)


class FinderReasonSerializer(serializers.Serializer[Any]):
    words = serializers.CharField()
    source = serializers.CharField(help_text="The article that gives the sign.")  # type: ignore[assignment]


class FinderFitSerializer(serializers.Serializer[Any]):
    condition = serializers.CharField(help_text="The condition's slug.")
    name = serializers.CharField()
    level = serializers.ChoiceField(
        choices=["fits", "partly"], help_text="partly: some answers are against it."
    )
    summary = serializers.CharField(help_text='"Outside of the hip, clicking: IT band ... fits"')
    reasons = FinderReasonSerializer(many=True)
    against = serializers.ListField(child=serializers.CharField())
    see_doctor_first = serializers.BooleanField()
    advice = serializers.CharField(
        allow_null=True, help_text="What to do when a doctor must see it first; else null."
    )
    program = serializers.CharField(
        allow_null=True, help_text="The slug of its home program, to start; null when none."
    )


class FindingSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=["ranked", "none_fits", "not_answered"],
        help_text="none_fits: see a clinician (advice); not_answered: every answer not sure.",
    )
    not_a_diagnosis = serializers.CharField()
    questions = FinderQuestionSerializer(many=True)
    ranking = FinderFitSerializer(many=True, help_text="Best first.")
    cannot_match = serializers.ListField(
        child=serializers.CharField(),
        help_text="Conditions of these places whose articles give no sign to match.",
    )
    advice = serializers.CharField(allow_null=True, help_text="When none fits: what to do.")
    advice_source = serializers.CharField(allow_null=True)


class FinderAnswersSerializer(StrictSerializer):
    regions = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=BodyRegion.objects.all(),
        many=True,
        allow_empty=False,
        help_text="Where it hurts: the conditions ranked are those of these regions.",
    )
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=60), max_length=20),
        default=dict,
        help_text="Each question's slug and the slugs of its answers (GET the questions "
        "first); a question left out or answered [] is not sure.",
    )


def questions_data(questions: list[finding.Question]) -> list[dict[str, Any]]:
    return [
        {
            "slug": q.slug,
            "text": q.text,
            "choose": q.choose,
            "choices": [{"slug": c.slug, "label": c.label} for c in q.choices],
        }
        for q in questions
    ]


def fit_data(fit: finding.Fit, found: finder.Found) -> dict[str, Any]:
    start = lifecycle.starting_point(found.conditions[fit.candidate.slug])
    return {
        "condition": fit.candidate.slug,
        "name": fit.candidate.name,
        "level": fit.level,
        "summary": fit.summary,
        "reasons": [{"words": r.words, "source": r.source} for r in fit.reasons],
        "against": list(fit.against),
        "see_doctor_first": fit.candidate.doctor_first,
        "advice": start.advice if isinstance(start, lifecycle.Referral) else None,
        "program": start.slug if isinstance(start, Program) else None,
    }


class FinderView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "regions", str, required=True, description="Region slugs, comma-separated."
            )
        ],
        responses={200: FinderQuestionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        """The questions that tell apart the conditions of `?regions=hip,knee`."""
        slugs = [s for s in request.query_params.get("regions", "").split(",") if s]
        regions = list(BodyRegion.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {r.slug for r in regions})
        if unknown or not slugs:
            problem = f"No such region: {', '.join(unknown)}." if unknown else "Name a region."
            return Response({"regions": [problem]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(questions_data(finder.questions_for(regions)))

    @extend_schema(request=FinderAnswersSerializer, responses={200: FindingSerializer})
    def post(self, request: Request) -> Response:
        """The conditions of these places ranked by the answers, once the warning-sign
        screening of these places lets a plan start (else 409, saying what is missing)."""
        data = input_of(FinderAnswersSerializer, request, refuse_first=lambda: None)
        try:
            found = finder.find_for(
                signed_in(request), data["regions"], data["answers"], timezone.now()
            )
        except ValidationError as error:
            raise serializers.ValidationError({"answers": error.message_dict}) from error
        result = found.finding
        outcome = (
            "not_answered" if not result.answered else "none_fits" if result.none_fits else "ranked"
        )
        return Response(
            {
                "outcome": outcome,
                "not_a_diagnosis": NOT_A_DIAGNOSIS,
                "questions": questions_data(found.questions),
                "ranking": [fit_data(fit, found) for fit in result.fits],
                "cannot_match": [c.slug for c in result.undescribed],
                "advice": found.none_fits_advice if result.none_fits else None,
                "advice_source": found.none_fits_source if result.none_fits else None,
            }
        )


urlpatterns = [
    path("condition-finder", FinderView.as_view(), name="api-condition-finder"),
]
