"""Messages between a runner and their therapist over HTTP; planner.care.messages decides,
these views present. Only the two people of a conversation reach it: anyone else, an admin
included (who reads one in the Django admin, recorded), gets the 404 of one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from kit.api.strict import StrictSerializer
from kit.web import signed_in
from planner.api.sessions import input_of
from planner.care import messages
from planner.models import MESSAGE_MAX_LENGTH, Message
from planner.names import shown_name

# --- Serializers ------------------------------------------------------------------------------


class OtherPersonSerializer(serializers.Serializer[Any]):
    """The other side of a conversation, read from its summary."""

    id = serializers.IntegerField(source="with_id")
    name = serializers.CharField(
        source="with_name", help_text="The name they chose, else their username."
    )


class ConversationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    role = serializers.ChoiceField(
        choices=["runner", "therapist"], source="side.name", help_text="Your side of it."
    )
    with_person = OtherPersonSerializer(source="*")
    open = serializers.BooleanField(
        help_text="Whether messages can be written: false once the care link has ended (the "
        "runner still reads the history)."
    )
    unread = serializers.IntegerField(help_text="Messages of the other side you have not read.")
    last_message_at = serializers.DateTimeField(allow_null=True)


class MessageSerializer(serializers.ModelSerializer[Message]):
    author_name = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField(help_text="Whether you wrote it.")

    class Meta:
        model = Message
        fields = ["id", "author", "author_name", "mine", "body", "created_at"]
        read_only_fields = fields

    def get_author_name(self, message: Message) -> str:
        names: dict[int, str] = self.context["names"]
        return names[message.author_id]

    def get_mine(self, message: Message) -> bool:
        return bool(message.author_id == self.context["reader_id"])


class PostMessageSerializer(StrictSerializer):
    # The service strips and checks it (planner.care.messages.checked_body), for the pages too.
    body = serializers.CharField(
        max_length=MESSAGE_MAX_LENGTH,
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"Plain text, at most {MESSAGE_MAX_LENGTH:,} characters.",
    )


# --- Views ------------------------------------------------------------------------------------


class ConversationListView(ListAPIView[Any]):
    """Your conversations, the latest written first, each with its unread count: one per care
    link with your therapist or patient (an ended link's stays the runner's to read)."""

    serializer_class = ConversationSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return Message.objects.none()  # the rows are built by messages.inbox, not a queryset

    @extend_schema(responses={200: ConversationSerializer(many=True)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # After authentication: the links without a conversation yet, the conversations with
        # their unread counts, the names; the page is cut from that list (no count query).
        rows = messages.inbox(signed_in(request))
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        assert page is not None
        return self.get_paginated_response(ConversationSerializer(page, many=True).data)


class MessageListView(ListAPIView[Message]):
    """A conversation's messages, newest first (the first page is the latest), marked read for
    you up to the newest; and writing one."""

    serializer_class = MessageSerializer
    thread: messages.Thread

    def get_queryset(self) -> QuerySet[Message]:
        # After authentication: 1 for the conversation with both names, 1 to mark it read
        # when something is new, then the count and the page.
        self.thread = messages.read(signed_in(self.request), self.kwargs["conversation_id"])
        return self.thread.messages.order_by("-created_at", "-pk")

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()
        thread = getattr(self, "thread", None)
        if thread is not None:
            context.update(names=thread.names, reader_id=self.request.user.pk)
        return context

    @extend_schema(
        request=PostMessageSerializer,
        responses={201: MessageSerializer},
        description="Write to the other side, while the care link is active (409 once it has "
        "ended). They are told in the app, and by email at most once an hour.",
    )
    def post(self, request: Request, conversation_id: int) -> Response:
        author = signed_in(request)
        data = input_of(
            PostMessageSerializer,
            request,
            refuse_first=lambda: messages.check_may_read(author, conversation_id),
        )
        message = messages.post(author, conversation_id, data["body"], timezone.now())
        # The author's own message: their name (read with the conversation) is all it needs.
        context = {"names": {author.pk: shown_name(message.author)}, "reader_id": author.pk}
        return Response(
            MessageSerializer(message, context=context).data, status=status.HTTP_201_CREATED
        )


urlpatterns = [
    path("conversations", ConversationListView.as_view(), name="api-conversations"),
    path(
        "conversations/<id:conversation_id>/messages",
        MessageListView.as_view(),
        name="api-conversation-messages",
    ),
]
