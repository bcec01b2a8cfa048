"""The catalog's REST API: body regions, sources, conditions and red flags.

Who may do what: anyone signed in reads the whole catalog (it is the same for everyone and holds
no one's health data); an anonymous caller gets 401. Only admins (staff) write: POST, PATCH and
DELETE answer 403 to anyone else. A 403 leaks nothing here, because every signed-in caller can
already read every entry; the deny-by-default 404 is for objects that belong to someone.

Every admin write marks the entry admin_edited, so `load_catalog` keeps the admin's version
(unless run with --overwrite). A deleted entry that is still in the data files comes back on
the next load; deleting an entry that programs or plans still use answers 409.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.deletion import ProtectedError
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.generics import ListAPIView
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conditions.api.serializers import (
    ConditionDetailSerializer,
    ConditionFilters,
    ConditionSerializer,
    RedFlagDetailSerializer,
    RedFlagFilters,
    RedFlagSerializer,
    RegionSerializer,
    SourceSerializer,
    read_filters,
)
from conditions.api.writes import (
    ConditionWriteSerializer,
    RedFlagWriteSerializer,
    save_condition,
    save_red_flag,
)
from conditions.models import BodyRegion, Condition, RedFlag, Source


class CatalogAccess(BasePermission):
    """Anyone signed in reads the catalog; only admins (staff) change it."""

    message = "Only admins can change the catalog."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False  # DRF answers 401 with WWW-Authenticate
        return request.method in SAFE_METHODS or bool(getattr(user, "is_staff", False))


class InUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Programs or plans still use this entry, so it cannot be deleted."
    default_code = "in_use"


IN_USE = OpenApiResponse(description="Programs or plans still use it, so it stays.")


def delete_unless_used(row: Any) -> Response:
    try:
        row.delete()
    except ProtectedError as exc:
        raise InUse from exc
    return Response(status=status.HTTP_204_NO_CONTENT)


# --- Querysets: each list is a fixed number of queries, whatever its length ----------------


def conditions_matching(
    region: BodyRegion | None = None, care: str | None = None, q: str | None = None
) -> QuerySet[Condition]:
    rows = Condition.objects.select_related("recovery_source").prefetch_related("regions")
    if region is not None:
        rows = rows.filter(regions=region)
    if care:
        rows = rows.filter(care=care)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(summary__icontains=q))
    return rows


def condition_details() -> QuerySet[Condition]:
    return Condition.objects.select_related("source", "recovery_source").prefetch_related(
        "regions",
        "red_flags",
        "exercises",
        "programs",
    )


def red_flags_matching(region: BodyRegion | None = None) -> QuerySet[RedFlag]:
    rows = RedFlag.objects.prefetch_related("regions", "conditions")
    if region is not None:
        # A sign with no region is asked whatever hurts, so it belongs to every region's list.
        through = RedFlag.regions.through.objects
        rows = rows.filter(
            Q(pk__in=through.filter(bodyregion=region).values("redflag"))
            | ~Q(pk__in=through.values("redflag"))
        )
    return rows


def red_flag_details() -> QuerySet[RedFlag]:
    return RedFlag.objects.select_related("source").prefetch_related("regions", "conditions")


# --- Regions and sources ----------------------------------------------------------------------


class RegionListView(ListAPIView[Any]):
    serializer_class = RegionSerializer
    queryset = BodyRegion.objects.all()

    @extend_schema(request=None, responses=RegionSerializer(many=True))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request)


class SourceListView(ListAPIView[Any]):
    serializer_class = SourceSerializer
    queryset = Source.objects.all()

    @extend_schema(request=None, responses=SourceSerializer(many=True))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request)


# --- Conditions -------------------------------------------------------------------------------


class ConditionListView(ListAPIView[Condition]):
    permission_classes = [CatalogAccess]
    serializer_class = ConditionSerializer

    def get_queryset(self) -> QuerySet[Condition]:
        if getattr(self, "swagger_fake_view", False):
            return Condition.objects.none()
        return conditions_matching(**read_filters(self.request, ConditionFilters))

    @extend_schema(
        request=None, parameters=[ConditionFilters], responses=ConditionSerializer(many=True)
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request)

    @extend_schema(request=ConditionWriteSerializer, responses={201: ConditionDetailSerializer})
    def post(self, request: Request) -> Response:
        data = ConditionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        condition = save_condition(None, data.validated_data)
        shown = condition_details().get(pk=condition.pk)
        return Response(ConditionDetailSerializer(shown).data, status=status.HTTP_201_CREATED)


class ConditionView(APIView):
    permission_classes = [CatalogAccess]

    @extend_schema(request=None, responses={200: ConditionDetailSerializer})
    def get(self, request: Request, slug: str) -> Response:
        condition = get_object_or_404(condition_details(), slug=slug)
        return Response(ConditionDetailSerializer(condition).data)

    @extend_schema(request=ConditionWriteSerializer, responses={200: ConditionDetailSerializer})
    def patch(self, request: Request, slug: str) -> Response:
        condition = get_object_or_404(Condition, slug=slug)
        data = ConditionWriteSerializer(condition, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        save_condition(condition, data.validated_data)
        return Response(ConditionDetailSerializer(condition_details().get(pk=condition.pk)).data)

    @extend_schema(request=None, responses={204: None, 409: IN_USE})
    def delete(self, request: Request, slug: str) -> Response:
        return delete_unless_used(get_object_or_404(Condition, slug=slug))


# --- Red flags --------------------------------------------------------------------------------


class RedFlagListView(ListAPIView[RedFlag]):
    permission_classes = [CatalogAccess]
    serializer_class = RedFlagSerializer

    def get_queryset(self) -> QuerySet[RedFlag]:
        if getattr(self, "swagger_fake_view", False):
            return RedFlag.objects.none()
        return red_flags_matching(**read_filters(self.request, RedFlagFilters))

    @extend_schema(
        request=None, parameters=[RedFlagFilters], responses=RedFlagSerializer(many=True)
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request)

    @extend_schema(request=RedFlagWriteSerializer, responses={201: RedFlagDetailSerializer})
    def post(self, request: Request) -> Response:
        data = RedFlagWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = save_red_flag(None, data.validated_data)
        shown = red_flag_details().get(pk=flag.pk)
        return Response(RedFlagDetailSerializer(shown).data, status=status.HTTP_201_CREATED)


class RedFlagView(APIView):
    permission_classes = [CatalogAccess]

    @extend_schema(request=None, responses={200: RedFlagDetailSerializer})
    def get(self, request: Request, slug: str) -> Response:
        return Response(
            RedFlagDetailSerializer(get_object_or_404(red_flag_details(), slug=slug)).data
        )

    @extend_schema(request=RedFlagWriteSerializer, responses={200: RedFlagDetailSerializer})
    def patch(self, request: Request, slug: str) -> Response:
        flag = get_object_or_404(RedFlag, slug=slug)
        data = RedFlagWriteSerializer(flag, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        save_red_flag(flag, data.validated_data)
        return Response(RedFlagDetailSerializer(red_flag_details().get(pk=flag.pk)).data)

    @extend_schema(request=None, responses={204: None, 409: IN_USE})
    def delete(self, request: Request, slug: str) -> Response:
        return delete_unless_used(get_object_or_404(RedFlag, slug=slug))


urlpatterns = [
    path("regions", RegionListView.as_view(), name="api-regions"),
    path("sources", SourceListView.as_view(), name="api-sources"),
    path("conditions", ConditionListView.as_view(), name="api-conditions"),
    path("conditions/<slug:slug>", ConditionView.as_view(), name="api-condition"),
    path("red-flags", RedFlagListView.as_view(), name="api-red-flags"),
    path("red-flags/<slug:slug>", RedFlagView.as_view(), name="api-red-flag"),
]
