"""Warning signs over HTTP: the screening questions and answers, the clearance that lets a
runner go on, a running plan's weekly check-in and its resumption, and therapists' alerts.
planner.safety and planner.plans decide; these views load, call and present."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import F
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import record_view, record_views
from conditions.models import BodyRegion, RedFlag
from kit.api.strict import StrictSerializer
from kit.web import signed_in
from planner.access import is_therapist, own_plan, plans_by
from planner.api.plans import PlanDetailSerializer
from planner.api.sessions import input_of
from planner.models import Alert, CareLink, Screening
from planner.plans import check_in, resume
from planner.safety import alerts, screenings

# --- Serializers ------------------------------------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer[RedFlag]):
    source = serializers.CharField(source="source.title", read_only=True)  # type: ignore[assignment]
    kind = serializers.SerializerMethodField(help_text="emergency or see_clinician")

    class Meta:
        model = RedFlag
        fields = ["slug", "question", "sign", "kind", "source"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["emergency", "see_clinician"]))
    def get_kind(self, flag: RedFlag) -> str:
        return "emergency" if flag.urgency == RedFlag.Urgency.EMERGENCY else "see_clinician"


class SignSerializer(serializers.ModelSerializer[RedFlag]):
    class Meta:
        model = RedFlag
        fields = ["slug", "sign", "urgency", "advice"]
        read_only_fields = fields


class PermissionSerializer(serializers.Serializer[Any]):
    allowed = serializers.BooleanField()
    missing = serializers.CharField(
        help_text="Empty when allowed; else screening, clinician_clearance or emergency_assessment."
    )
    reason = serializers.CharField()


class ScreeningSerializer(serializers.ModelSerializer[Screening]):
    signs = serializers.SerializerMethodField(help_text="The warning signs answered yes.")
    cleared_by = serializers.CharField(
        source="cleared_by.username", default=None, allow_null=True, read_only=True
    )
    call_for_help = serializers.SerializerMethodField(
        help_text="A tel: link to call when the verdict is an emergency; else null."
    )

    class Meta:
        model = Screening
        fields = [
            "id",
            "answered_at",
            "verdict",
            "answers",
            "signs",
            "call_for_help",
            "check_in_of",
            "used_by",
            "cleared_at",
            "cleared_by",
            "clearance_note",
        ]
        read_only_fields = fields

    @extend_schema_field(SignSerializer(many=True))
    def get_signs(self, screening: Screening) -> list[dict[str, Any]]:
        return list(SignSerializer(screenings.signs_reported(screening), many=True).data)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_call_for_help(self, screening: Screening) -> str | None:
        emergency = screening.verdict == Screening.Verdict.EMERGENCY
        return f"tel:{settings.EMERGENCY_PHONE}" if emergency else None


class AnswersSerializer(StrictSerializer):
    regions = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=BodyRegion.objects.all(),
        many=True,
        required=False,
        help_text="Where it hurts: the questions asked are those of these regions and those "
        "asked whatever hurts; every question when left out.",
    )
    answers = serializers.DictField(
        child=serializers.BooleanField(),
        help_text="Each question's slug: true for yes, false for no. Every question asked.",
    )


class CheckInSerializer(StrictSerializer):
    answers = serializers.DictField(child=serializers.BooleanField())


class NoteSerializer(StrictSerializer):
    note = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text="Who assessed the runner and when; or what the therapist did or advised.",
    )


class ResumeSerializer(NoteSerializer):
    step_down = serializers.BooleanField(
        default=False, help_text="Go on one step lower than the dose before the stop."
    )


class AlertSerializer(serializers.ModelSerializer[Alert]):
    runner = serializers.CharField(source="runner.username", read_only=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", default=None, allow_null=True, read_only=True
    )
    urgency = serializers.CharField(
        read_only=True, help_text="emergency, see_clinician, or empty (pain above the rule)."
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "runner",
            "plan",
            "kind",
            "urgency",
            "text",
            "advice",
            "created_at",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement",
        ]
        read_only_fields = fields


# --- Views -----------------------------------------------------------------------------------


class QuestionsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "regions",
                str,
                description="Region slugs, comma-separated: the questions of these regions and "
                "those asked whatever hurts. Every question when left out.",
            )
        ],
        responses={200: QuestionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        """The warning-sign questions: all, or those of `?regions=hip,knee`."""
        slugs = [s for s in request.query_params.get("regions", "").split(",") if s]
        regions = list(BodyRegion.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {r.slug for r in regions})
        if unknown:
            return Response(
                {"regions": [f"No such region: {', '.join(unknown)}."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(QuestionSerializer(screenings.questions_for(regions), many=True).data)


class ScreeningListView(APIView):
    @extend_schema(responses={200: ScreeningSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """The caller's screenings, newest first."""
        return Response(ScreeningSerializer(screenings.history(signed_in(request)), many=True).data)

    @extend_schema(request=AnswersSerializer, responses={201: ScreeningSerializer})
    def post(self, request: Request) -> Response:
        """Answer the warning-sign questions; the verdict says what to do before any plan."""
        data = input_of(AnswersSerializer, request, refuse_first=lambda: None)
        asked = screenings.questions_for(data.get("regions") or [])
        screening = screenings.record(signed_in(request), asked, data["answers"], timezone.now())
        return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)


class PermissionView(APIView):
    @extend_schema(responses={200: PermissionSerializer})
    def get(self, request: Request) -> Response:
        """Whether a plan may start for the caller now, and what is missing when not."""
        found = screenings.start_permission(signed_in(request), timezone.now())
        return Response(PermissionSerializer(found).data)


class ClearanceView(APIView):
    @extend_schema(request=NoteSerializer, responses={200: ScreeningSerializer})
    def post(self, request: Request, screening_id: int) -> Response:
        """Record that a clinician has assessed the runner and cleared exercise: the runner,
        stating it, or a therapist linked to them."""
        user = signed_in(request)
        # Who may, before what is wrong with what they sent: a stranger learns nothing from a
        # 400. A valid body is checked by the service itself.
        data = input_of(
            NoteSerializer,
            request,
            refuse_first=lambda: screenings.check_may_clear(user, screening_id),
        )
        cleared = screenings.clear(user, screening_id, data["note"], timezone.now())
        record_view(user, cleared.user_id, f"screening {cleared.pk}")
        return Response(ScreeningSerializer(cleared).data)


class CheckInView(APIView):
    @extend_schema(request=CheckInSerializer, responses={201: ScreeningSerializer})
    def post(self, request: Request, plan_id: int) -> Response:
        """The weekly check-in: the plan's warning-sign questions again; a sign stops it."""
        user = signed_in(request)
        data = input_of(
            CheckInSerializer,
            request,
            refuse_first=lambda: own_plan(user, plan_id, act="check in on"),
        )
        found = check_in.check_in(user, plan_id, data["answers"], timezone.now())
        return Response(ScreeningSerializer(found).data, status=status.HTTP_201_CREATED)


class ResumeView(APIView):
    @extend_schema(request=ResumeSerializer, responses={200: PlanDetailSerializer})
    def post(self, request: Request, plan_id: int) -> Response:
        """Resume a plan stopped for a warning sign, after a clinician's clearance."""
        user = signed_in(request)
        data = input_of(
            ResumeSerializer,
            request,
            refuse_first=lambda: resume.check_may_resume(
                plans_by(("user",)).filter(pk=plan_id).first(), user
            ),
        )
        plan = resume.resume(
            plan_id, user, step_down=data["step_down"], note=data["note"], now=timezone.now()
        )
        record_view(user, plan.user_id, f"plan {plan.pk}")
        return Response(PlanDetailSerializer(plan).data)


def alerts_for(user: User) -> list[Alert]:
    """A therapist's: the alerts about their linked runners; anyone's own otherwise."""
    found = Alert.objects.select_related("runner", "acknowledged_by")
    if is_therapist(user):
        found = found.filter(
            runner__therapist_links__therapist=user,
            runner__therapist_links__status=CareLink.Status.ACTIVE,
        )
    else:
        found = found.filter(runner=user)
    # Every open one first (a therapist must see each), then the latest acknowledged.
    return list(
        found.order_by(F("acknowledged_at").desc(nulls_first=True), "-created_at", "-pk")[:200]
    )


class AlertListView(APIView):
    @extend_schema(responses={200: AlertSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """Unacknowledged first, then newest first."""
        user = signed_in(request)
        found = alerts_for(user)
        record_views(user, {a.runner_id for a in found}, "alerts")
        return Response(AlertSerializer(found, many=True).data)


class AcknowledgeView(APIView):
    @extend_schema(request=NoteSerializer, responses={200: AlertSerializer})
    def post(self, request: Request, alert_id: int) -> Response:
        user = signed_in(request)
        data = input_of(
            NoteSerializer,
            request,
            refuse_first=lambda: alerts.check_may_acknowledge(user, alert_id),
        )
        found = alerts.acknowledge(user, alert_id, data["note"], timezone.now())
        record_view(user, found.runner_id, f"alert {found.pk}")
        return Response(AlertSerializer(found).data)


urlpatterns = [
    path("screening-questions", QuestionsView.as_view(), name="api-screening-questions"),
    path("screenings", ScreeningListView.as_view(), name="api-screenings"),
    path("screenings/permission", PermissionView.as_view(), name="api-screening-permission"),
    path(
        "screenings/<id:screening_id>/clearance",
        ClearanceView.as_view(),
        name="api-screening-clearance",
    ),
    path("plans/<id:plan_id>/check-ins", CheckInView.as_view(), name="api-plan-check-ins"),
    path("plans/<id:plan_id>/resume", ResumeView.as_view(), name="api-plan-resume"),
    path("alerts", AlertListView.as_view(), name="api-alerts"),
    path("alerts/<id:alert_id>/acknowledge", AcknowledgeView.as_view(), name="api-alert-ack"),
]
