"""Therapists and their patients over HTTP; planner.care decides, these views present."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import record_views
from kit.api.rendered import Rendered, SplicingJSONRenderer, rendered
from kit.api.strict import StrictSerializer
from planner.access import is_therapist, programs_a_therapist_sees
from planner.api.plans import PlanDetailSerializer, StartPlanSerializer
from planner.api.progress import AdherenceSerializer
from planner.care import attention, invitation_links, linking, patient_list
from planner.models import CareLink, EmailInvitation


def require_therapist(request: Request, act: str) -> User:
    """The caller if they hold the therapist role; 403 otherwise (a role, not an object)."""
    if not is_therapist(request.user):
        raise PermissionDenied(_("Only therapists can %(act)s.") % {"act": _(act)})
    assert isinstance(request.user, User)
    return request.user


# --- Serializers ------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()


class CareLinkSerializer(serializers.ModelSerializer[CareLink]):
    therapist = PersonSerializer(read_only=True)
    runner = PersonSerializer(
        read_only=True,
        allow_null=True,
        help_text="Empty while an invitation by email waits: the runner's account is theirs "
        "to show, by accepting.",
    )

    class Meta:
        model = CareLink
        fields = [
            "id",
            "therapist",
            "runner",
            "invited_as",
            "status",
            "created_at",
            "responded_at",
            "ended_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: CareLink) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if instance.status == CareLink.Status.INVITED and instance.invited_as:
            data["runner"] = None
        return data


class EmailInvitationSerializer(serializers.ModelSerializer[EmailInvitation]):
    status = serializers.SerializerMethodField(
        help_text="waiting (whether or not anyone has the address), or declined"
    )

    emails_sent = serializers.IntegerField(
        source="mails_asked", read_only=True, help_text="Emails asked for, resends included."
    )
    last_emailed_at = serializers.DateTimeField(
        source="last_mailed_at", read_only=True, allow_null=True
    )

    class Meta:
        model = EmailInvitation
        fields = ["id", "email", "status", "created_at", "emails_sent", "last_emailed_at"]
        read_only_fields = fields

    def get_status(self, invitation: EmailInvitation) -> str:
        link = invitation.link
        return "declined" if link and link.status == CareLink.Status.DECLINED else "waiting"


class InvitedByEmailSerializer(serializers.Serializer[Any]):
    invited = serializers.EmailField()
    invitation = EmailInvitationSerializer()
    detail = serializers.CharField()


class InviteSerializer(StrictSerializer):
    runner = serializers.CharField(max_length=254, help_text="The runner's username or email.")


class SinceStartSerializer(serializers.Serializer[Any]):
    measure = serializers.CharField(help_text="lefs or psfs.")
    first = serializers.FloatField(help_text="The first answer's score.")
    latest = serializers.FloatField(help_text="The latest answer's score.")
    change = serializers.FloatField(source="change.total")
    meaningful = serializers.BooleanField(
        source="change.meaningful",
        help_text="LEFS: 9 points or more. PSFS: 2 or more in the mean, or 3 in one activity.",
    )


class PlanRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    program = serializers.CharField()
    program_name = serializers.CharField()
    adherence = AdherenceSerializer(
        allow_null=True, help_text="This plan's own sessions over the last 14 days."
    )
    outcomes = SinceStartSerializer(
        many=True,
        help_text="Each outcome measure answered at least twice: its change since the start.",
    )


class LastPainSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    value = serializers.IntegerField(source="during")


class PatientSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(
        help_text="The name the runner chose to be shown by; their username until they do."
    )
    active_plans = PlanRefSerializer(many=True)
    adherence = AdherenceSerializer(
        allow_null=True, help_text="The last 14 days of the active plans; null without one."
    )
    last_pain_during = LastPainSerializer(allow_null=True)
    open_red_flags = serializers.IntegerField()
    pain_rising = serializers.BooleanField()
    open_alerts = serializers.IntegerField(
        help_text="Alerts about the runner not yet acknowledged: /api/v1/alerts."
    )


# --- Invitations and links ------------------------------------------------------------------


class InvitationListView(ListAPIView[CareLink]):
    serializer_class = CareLinkSerializer

    def get_queryset(self) -> QuerySet[CareLink]:
        # After authentication, 1 query for the count and 1 for the page (with both people).
        # A runner sees what waits for an answer; a therapist every invitation they sent.
        # Invitations by email are listed at /email-invitations, alike whoever has the address.
        user = self.request.user
        return (
            CareLink.objects.filter(
                Q(runner_id=user.pk, status=CareLink.Status.INVITED)
                | Q(therapist_id=user.pk, invited_as="")
            )
            .select_related("therapist", "runner")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        request=InviteSerializer,
        responses={201: CareLinkSerializer, 202: InvitedByEmailSerializer},
        description="By username: the invitation (201). By email: 202 whether or not someone "
        "has confirmed that address, so the answer never tells who has an account.",
    )
    def post(self, request: Request) -> Response:
        therapist = require_therapist(request, "invite runners")
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        identifier = data.validated_data["runner"].strip()
        if linking.is_email(identifier):
            invitation = invitation_links.invite(therapist, identifier, timezone.now())
            return Response(
                {
                    "invited": identifier,
                    "invitation": EmailInvitationSerializer(invitation).data,
                    "detail": linking.SENT_BY_EMAIL,
                },
                status=status.HTTP_202_ACCEPTED,
            )
        link = linking.invite(therapist, identifier, timezone.now())
        return Response(CareLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class EmailInvitationListView(ListAPIView[EmailInvitation]):
    """A therapist's open invitations by email: the same whether or not anyone has confirmed
    the address (`waiting`), until a runner declines or accepts."""

    serializer_class = EmailInvitationSerializer

    def get_queryset(self) -> QuerySet[EmailInvitation]:
        return linking.email_invitations_of(require_therapist(self.request, "invite runners"))


class EmailInvitationResendView(APIView):
    @extend_schema(request=None, responses={200: EmailInvitationSerializer})
    def post(self, request: Request, email_invitation_id: int) -> Response:
        """Email it again with a new link (the old one stops working): at most three emails,
        an hour apart; a 400 naming `invitation` says when, or why not."""
        therapist = require_therapist(request, "invite runners")
        invitation = invitation_links.resend(therapist, email_invitation_id, timezone.now())
        return Response(EmailInvitationSerializer(invitation).data)


class EmailInvitationView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, email_invitation_id: int) -> Response:
        """Withdraw it (and the invitation it brought the runner, if unanswered)."""
        therapist = require_therapist(request, "invite runners")
        linking.withdraw_email_invitation(therapist, email_invitation_id, timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAnswerView(APIView):
    """Accept or decline: only the invited runner may, and only once."""

    accept: bool

    @extend_schema(request=None, responses={200: CareLinkSerializer})
    def post(self, request: Request, invitation_id: int) -> Response:
        assert isinstance(request.user, User)
        link = linking.answer_invitation(
            request.user, invitation_id, accept=self.accept, now=timezone.now()
        )
        return Response(CareLinkSerializer(link).data)


class CareLinkListView(ListAPIView[CareLink]):
    serializer_class = CareLinkSerializer

    def get_queryset(self) -> QuerySet[CareLink]:
        # After authentication, 1 query for the count and 1 for the page (with both people).
        assert isinstance(self.request.user, User)
        return (
            linking.links_of(self.request.user)
            .filter(status__in=linking.OPEN)
            .order_by("-created_at", "-pk")
        )


class CareLinkDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, link_id: int) -> Response:
        """Either party ends the link (or withdraws, or turns down, an open invitation)."""
        assert isinstance(request.user, User)
        linking.end_link(request.user, link_id, timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Patients -------------------------------------------------------------------------------


class PatientListView(ListAPIView[CareLink]):
    serializer_class = PatientSerializer

    def get_queryset(self) -> QuerySet[CareLink]:
        return CareLink.objects.none()  # the rows are built by patient_list, not a queryset

    # The rows are kept rendered (kit.api.rendered): a page is spliced, not serialised again.
    renderer_classes = [SplicingJSONRenderer, BrowsableAPIRenderer]

    @extend_schema(responses={200: PatientSerializer(many=True)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # After authentication: 1 query for the role, 1 for the marks that make the cache keys
        # and, when something changed, the two that work the changed rows out; then the access
        # record. The page is cut from the sorted list, so there is no count query.
        therapist = require_therapist(request, "list patients")
        rows = patient_list.rendered(therapist, timezone.now(), "api", serialized)
        page: list[RenderedRow] | None = self.paginate_queryset(rows)  # type: ignore[arg-type]
        assert page is not None
        # One INSERT: the therapist saw these patients' adherence and pain at a glance.
        record_views(therapist, [runner_id for runner_id, _row in page], "patient list")
        return self.get_paginated_response([Rendered(row) for _runner_id, row in page])


# A patient's id and her row as the API sends it.
RenderedRow = tuple[int, bytes]


def serialized(patients: list[attention.Patient]) -> list[RenderedRow]:
    return [(row["id"], rendered(row)) for row in PatientSerializer(patients, many=True).data]


class AssignPlanSerializer(StartPlanSerializer):
    """A therapist assigns any program they may see: the catalog's, their own, their clinic's
    shared ones (planner.access.programs_visible_to); another's private program is unknown.
    While the runner has a plan running, `running` says what becomes of it."""

    running = serializers.ChoiceField(
        choices=linking.RUNNING_CHOICES,
        required=False,
        help_text="Required while the runner has a plan running: end it (end) or keep both (keep).",
    )

    def __init__(self, *args: Any, therapist: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Without a therapist (the schema's own instance), the field keeps the catalog.
        if therapist is not None:
            field = self.fields["program"]
            assert isinstance(field, serializers.SlugRelatedField)
            field.queryset = programs_a_therapist_sees(therapist)


class PatientPlanView(APIView):
    @extend_schema(request=AssignPlanSerializer, responses={201: PlanDetailSerializer})
    def post(self, request: Request, runner_id: int) -> Response:
        therapist = require_therapist(request, "assign programs")
        link = linking.active_link(therapist, runner_id)
        data = AssignPlanSerializer(data=request.data, therapist=therapist)
        data.is_valid(raise_exception=True)
        plan = linking.assign_program(
            therapist=therapist,
            runner=link.runner,
            program=data.validated_data["program"],
            start_date=data.validated_data["start_date"],
            time_zone=data.validated_data["time_zone"],
            reminder_time=data.validated_data["reminder_time"],
            now=timezone.now(),
            running=data.validated_data.get("running"),
        )
        return Response(PlanDetailSerializer(plan).data, status=status.HTTP_201_CREATED)


class AcceptView(InvitationAnswerView):
    accept = True


class DeclineView(InvitationAnswerView):
    accept = False


urlpatterns = [
    path("invitations", InvitationListView.as_view(), name="api-invitations"),
    path(
        "invitations/<id:invitation_id>/accept", AcceptView.as_view(), name="api-invitation-accept"
    ),
    path(
        "invitations/<id:invitation_id>/decline",
        DeclineView.as_view(),
        name="api-invitation-decline",
    ),
    path("email-invitations", EmailInvitationListView.as_view(), name="api-email-invitations"),
    path(
        "email-invitations/<id:email_invitation_id>",
        EmailInvitationView.as_view(),
        name="api-email-invitation",
    ),
    path(
        "email-invitations/<id:email_invitation_id>/resend",
        EmailInvitationResendView.as_view(),
        name="api-email-invitation-resend",
    ),
    path("care-links", CareLinkListView.as_view(), name="api-care-links"),
    path("care-links/<id:link_id>", CareLinkDetailView.as_view(), name="api-care-link"),
    path("patients", PatientListView.as_view(), name="api-patients"),
    path("patients/<id:runner_id>/plans", PatientPlanView.as_view(), name="api-patient-plans"),
]
