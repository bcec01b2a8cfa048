"""The catalog's REST API: exercises, with their steps, dose ladders, variations, cautions and
the conditions they are recommended for.

Who may do what: anyone signed in reads (401 for an anonymous caller); only admins (staff)
write, and anyone else gets 403 for POST, PATCH and DELETE. The 403 leaks nothing: every
signed-in caller can read every exercise. See conditions.api.views for the same rule.

Every admin write marks the exercise admin_edited, so `load_catalog` keeps the admin's version
(unless run with --overwrite). Steps, variations, regions and recommendations given in a write
replace the stored ones whole; variations are updated in place by position, so the programs
that take a variation keep pointing at it. Deleting an exercise that programs or plans use
answers 409.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conditions.api.serializers import read_filters
from conditions.api.views import IN_USE, CatalogAccess, delete_unless_used
from conditions.models import BodyRegion, Condition
from exercises.api.serializers import (
    ExerciseDetailSerializer,
    ExerciseFilters,
    ExerciseSerializer,
    ExerciseWriteSerializer,
    save_exercise,
)
from exercises.models import Exercise


def exercises_matching(
    region: BodyRegion | None = None, kind: str | None = None, condition: Condition | None = None
) -> QuerySet[Exercise]:
    rows = Exercise.objects.prefetch_related("regions")
    if region is not None:
        rows = rows.filter(regions=region)
    if kind:
        rows = rows.filter(kind=kind)
    if condition is not None:
        rows = rows.filter(recommendation__condition=condition)
    return rows


def exercise_details() -> QuerySet[Exercise]:
    return Exercise.objects.select_related("source", "dose_source").prefetch_related(
        "regions",
        "steps",
        "variations",
        "recommendation_set__condition",
        "recommendation_set__source",
    )


class ExerciseListView(ListAPIView[Exercise]):
    permission_classes = [CatalogAccess]
    serializer_class = ExerciseSerializer

    def get_queryset(self) -> QuerySet[Exercise]:
        if getattr(self, "swagger_fake_view", False):
            return Exercise.objects.none()
        return exercises_matching(**read_filters(self.request, ExerciseFilters))

    @extend_schema(
        request=None, parameters=[ExerciseFilters], responses=ExerciseSerializer(many=True)
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request)

    @extend_schema(request=ExerciseWriteSerializer, responses={201: ExerciseDetailSerializer})
    def post(self, request: Request) -> Response:
        data = ExerciseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exercise = save_exercise(None, data.validated_data)
        shown = exercise_details().get(pk=exercise.pk)
        return Response(ExerciseDetailSerializer(shown).data, status=status.HTTP_201_CREATED)


class ExerciseView(APIView):
    permission_classes = [CatalogAccess]

    @extend_schema(request=None, responses={200: ExerciseDetailSerializer})
    def get(self, request: Request, slug: str) -> Response:
        exercise = get_object_or_404(exercise_details(), slug=slug)
        return Response(ExerciseDetailSerializer(exercise).data)

    @extend_schema(request=ExerciseWriteSerializer, responses={200: ExerciseDetailSerializer})
    def patch(self, request: Request, slug: str) -> Response:
        exercise = get_object_or_404(Exercise, slug=slug)
        data = ExerciseWriteSerializer(exercise, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        save_exercise(exercise, data.validated_data)
        return Response(ExerciseDetailSerializer(exercise_details().get(pk=exercise.pk)).data)

    @extend_schema(request=None, responses={204: None, 409: IN_USE})
    def delete(self, request: Request, slug: str) -> Response:
        return delete_unless_used(get_object_or_404(Exercise, slug=slug))


urlpatterns = [
    path("exercises", ExerciseListView.as_view(), name="api-exercises"),
    path("exercises/<slug:slug>", ExerciseView.as_view(), name="api-exercise"),
]
