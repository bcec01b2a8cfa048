"""Messages between a runner and their therapist: one conversation per care link."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from planner.models.care import CareLink

# Long enough for a question and its context, short enough to stay a message (the project's
# choice); the pages' form and the API's serializer read it from the field.
MESSAGE_MAX_LENGTH = 2000


class Conversation(models.Model):
    """The conversation of one care link, between its runner and its therapist.

    Open while the link grants access (active, the therapist still holding the role:
    planner.access.active_links); closed once it does not, which nothing here records: the
    link's own state says it, so ending a link closes its conversation in the same write. The
    runner keeps reading a closed conversation's history; the therapist loses it with the rest
    of the runner's data. Each side's last read instant makes its unread count (the messages of
    the other side written after it)."""

    link = models.OneToOneField(CareLink, on_delete=models.CASCADE, related_name="conversation")
    runner_read_at = models.DateTimeField(null=True, blank=True)
    therapist_read_at = models.DateTimeField(null=True, blank=True)
    # The newest message's instant: the list's order, and how far a reading marks read.
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Conversation of care link {self.link_id}"


class Message(models.Model):
    """One message, plain text, by the runner or the therapist of the conversation."""

    # Indexed through (conversation, created_at), which leads with it.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_written"
    )
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # A conversation's history in order, a page of it, and each side's unread count
            # (the other side's messages after its last read) are ranges of this index.
            models.Index(fields=["conversation", "created_at"], name="message_in_conversation")
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in conversation {self.conversation_id}"
