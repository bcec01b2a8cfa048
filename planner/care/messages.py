"""Messages between a runner and their therapist: a conversation per care link.

Only the two people of the link read it, and they write to each other only while the link
grants access (planner.access.active_links: accepted, not ended, the therapist still holding
the role). Once it does not, the conversation is closed: nobody writes, the runner keeps her
history, and the therapist loses it like the rest of her data. Anyone else, an admin included,
finds no such conversation (404); an admin reads one only in the Django admin, where each look
is recorded (planner.admin).

A message tells its recipient at once in the app (a Notification) and by email at most once an
hour per conversation: a `Delivery` of kind "message" written in the posting transaction under
a UNIQUE (conversation, recipient, hour), sent by the dispatcher (planner.delivery).

A party reading their own conversation is not recorded (audit): the messages were written to
them. Errors a person can fix are ValidationErrors naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from kit.conflict import Conflict
from planner import readers
from planner.access import active_links, not_found
from planner.care import message_statements
from planner.models import (
    MESSAGE_MAX_LENGTH,
    CareLink,
    Conversation,
    Message,
)
from planner.names import shown_name, shown_names

# Before any message: a side that never read counts every message of the other as unread.
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Side:
    """One side of a conversation: whose read instant it keeps, and who the other side is."""

    name: str
    read_field: str
    other: str


RUNNER = Side("runner", "runner_read_at", "therapist")
THERAPIST = Side("therapist", "therapist_read_at", "runner")


def side_of(user: User, link: CareLink) -> Side:
    return RUNNER if link.runner_id == user.pk else THERAPIST


def readable_by(user: User) -> QuerySet[Conversation]:
    """The conversations the person may read: as the runner, every one of her links' (an ended
    link's history stays hers); as the therapist, those of links that still grant access."""
    # A union of the two sides' links, each down its own index: with an OR across them,
    # PostgreSQL hashed every link and conversation (about 45 ms an inbox with 10,000 links in
    # bench/api_bench.py; 1 ms now).
    # (No ordering in either: SQLite allows none inside a compound subquery.)
    mine = CareLink.objects.filter(runner_id=user.pk).order_by().values("pk")
    treating = active_links().filter(therapist_id=user.pk).order_by().values("pk")
    return Conversation.objects.filter(link_id__in=mine.union(treating))


def _is_open() -> Exists:
    return Exists(active_links().filter(pk=OuterRef("link_id")))


def _unread_of(side: Side) -> Subquery:
    """The number of the other side's messages after `side` last read, for each conversation
    (a range of the index on (conversation, created_at))."""
    read_at = Coalesce(OuterRef(side.read_field), Value(NEVER), output_field=DateTimeField())
    return Subquery(
        Message.objects.filter(
            conversation_id=OuterRef("pk"),
            author_id=OuterRef(f"link__{side.other}_id"),
            created_at__gt=read_at,
        )
        .order_by()
        .values("conversation_id")
        .annotate(count=Count("pk"))
        .values("count"),
        output_field=IntegerField(),
    )


# --- Listing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """One conversation as its reader lists it."""

    conversation: Conversation
    side: Side
    with_name: str
    unread: int
    open: bool

    @property
    def pk(self) -> int:
        return self.conversation.pk

    @property
    def last_message_at(self) -> datetime | None:
        return self.conversation.last_message_at

    @property
    def with_id(self) -> int:
        """The other person's id."""
        return int(getattr(self.conversation.link, f"{self.side.other}_id"))


def open_conversations(user: User) -> set[int]:
    """Every link that grants access has its conversation, so either side can write first:
    made when first listed (one read, and one INSERT when a link is new). The ids of those
    links: their conversations are the open ones."""
    links = list(
        active_links()
        .filter(Q(runner_id=user.pk) | Q(therapist_id=user.pk))
        .values_list("pk", "conversation")
    )
    missing = [pk for pk, conversation in links if conversation is None]
    if missing:
        Conversation.objects.bulk_create(
            [Conversation(link_id=pk) for pk in missing], ignore_conflicts=True
        )
    return {pk for pk, _ in links}


def inbox(user: User) -> list[Summary]:
    """The person's conversations, the latest written first, each with the other person's
    name, its unread count and whether it is open: three queries whatever their number and
    length (the links that grant access, the conversations with their counts, the names)."""
    # Whether each is open comes from the links just read, not from an EXISTS per row:
    # PostgreSQL hashed every care link for it (about 9 ms of a therapist's 100 in
    # bench/api_bench.py's data).
    open_links = open_conversations(user)
    rows = list(
        readable_by(user)
        .select_related("link__runner", "link__therapist")
        # What a summary shows and nothing more: the two people's usernames, not their rows.
        .only(
            "last_message_at",
            "link__runner__username",
            "link__therapist__username",
        )
        .annotate(
            unread=Coalesce(
                Case(
                    When(link__runner_id=user.pk, then=_unread_of(RUNNER)),
                    default=_unread_of(THERAPIST),
                ),
                0,
            ),
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )
    others = [getattr(row.link, side_of(user, row.link).other) for row in rows]
    names = shown_names((other.pk, other.username) for other in others)
    return [
        Summary(
            conversation=row,
            side=side_of(user, row.link),
            with_name=names[other.pk],
            unread=row.unread,
            open=row.link_id in open_links,
        )
        for row, other in zip(rows, others, strict=True)
    ]


def _unread_on_each_side(user: User) -> tuple[QuerySet[Message], QuerySet[Message]]:
    """The person's unread messages as a runner, and as a therapist (in the conversations
    of their active links). Two querysets, not one with an OR across both sides' joins:
    PostgreSQL then scanned every message (49 ms a page with 200,000 in bench/api_bench.py);
    each side alone walks the person's few conversations down the (conversation,
    created_at) index."""
    as_runner = Message.objects.filter(
        conversation__link__runner_id=user.pk,
        author_id=F("conversation__link__therapist_id"),
        created_at__gt=Coalesce(
            F("conversation__runner_read_at"), Value(NEVER), output_field=DateTimeField()
        ),
    )
    as_therapist = Message.objects.filter(
        conversation__link_id__in=active_links().filter(therapist_id=user.pk).values("pk"),
        author_id=F("conversation__link__runner_id"),
        created_at__gt=Coalesce(
            F("conversation__therapist_read_at"), Value(NEVER), output_field=DateTimeField()
        ),
    )
    return as_runner, as_therapist


def unread_total(user: User) -> int:
    """How many messages the person has not read yet: one query."""
    total: int = (
        User.objects.filter(pk=user.pk)
        .annotate(unread=unread_count(user))
        .values_list("unread", flat=True)
        .get()
    )
    return total


def unread_count(user: User) -> Combinable:
    """The same count as an expression, for a query that reads more about the person at once
    (the navigation's, planner.pages.context)."""

    def count(messages: QuerySet[Message]) -> Coalesce:
        return Coalesce(
            Subquery(
                messages.order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count"),
                output_field=IntegerField(),
            ),
            0,
        )

    as_runner, as_therapist = _unread_on_each_side(user)
    return count(as_runner) + count(as_therapist)


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thread:
    """A conversation as one of its two people reads it: its messages oldest first (a
    queryset, for the caller to page), the two names by id, and whether it is open."""

    conversation: Conversation
    side: Side
    names: dict[int, str]
    open: bool
    messages: QuerySet[Message]

    @property
    def with_name(self) -> str:
        link = self.conversation.link
        return self.names[getattr(link, f"{self.side.other}_id")]

    @property
    def runner_id(self) -> int:
        return self.conversation.link.runner_id


def _find(user: User, conversation_id: int) -> Conversation:
    conversation = (
        readable_by(user)
        .select_related("link__runner__profile", "link__therapist__profile")
        .annotate(is_open=_is_open())
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        not_found(Conversation)
    return conversation


def check_may_read(user: User, conversation_id: int) -> None:
    """The 404 of a conversation that does not exist, to anyone not in this one (one query):
    what a caller who may not write at all hears before anything about their message."""
    if not readable_by(user).filter(pk=conversation_id).exists():
        not_found(Conversation)


def read(user: User, conversation_id: int) -> Thread:
    """The conversation, marked read for the reader up to its newest message (as loaded here:
    a message written meanwhile stays unread). Two queries and the caller's page."""
    conversation = _find(user, conversation_id)
    side = side_of(user, conversation.link)
    newest = conversation.last_message_at
    if newest is not None and (getattr(conversation, side.read_field) or NEVER) < newest:
        # Never back: a reading that loaded an older state does not undo a newer one.
        Conversation.objects.filter(pk=conversation.pk).filter(
            Q(**{f"{side.read_field}__isnull": True}) | Q(**{f"{side.read_field}__lt": newest})
        ).update(**{side.read_field: newest})
        setattr(conversation, side.read_field, newest)
    return _thread(user, conversation)


def _thread(user: User, conversation: Conversation) -> Thread:
    link = conversation.link
    return Thread(
        conversation=conversation,
        side=side_of(user, link),
        names={
            link.runner_id: shown_name(link.runner),
            link.therapist_id: shown_name(link.therapist),
        },
        open=conversation.is_open,  # type: ignore[attr-defined]
        messages=Message.objects.filter(conversation_id=conversation.pk).order_by(
            "created_at", "pk"
        ),
    )


def with_runner(therapist: User, runner_id: int) -> Conversation:
    """The therapist's way in from a patient's page: the conversation of their active link to
    the runner, made if it is the first; 404 without such a link."""
    link = active_links().filter(therapist_id=therapist.pk, runner_id=runner_id).first()
    if link is None:
        not_found(Conversation)
    conversation, _ = Conversation.objects.get_or_create(link=link)
    return conversation


# --- Writing ---------------------------------------------------------------------------------


def checked_body(body: str) -> str:
    """The message as it is kept: plain text without surrounding blanks, neither empty nor
    longer than the limit."""
    text = body.strip()
    if not text:
        raise ValidationError({"body": "Write a message first."})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"body": f"At most {MESSAGE_MAX_LENGTH:,} characters ({len(text):,} written)."}
        )
    return text


class Closed(Conflict):
    """The conversation's link no longer grants access: it can be read, not written to."""

    def __init__(self, with_name: str) -> None:
        super().__init__(
            f"This conversation is closed: the care link with {with_name} has ended.",
            "active_care_link",
        )


@transaction.atomic
def post(author: User, conversation_id: int, body: str, now: datetime) -> Message:
    """The author's message, with the recipient's in-app notification and, unless this hour
    already has one, their email's delivery; all or none.

    The link's row is locked for the transaction, as ending it locks it (linking.end_link): a
    message lands before the link ends or not at all. The row is read with its link and the
    role's check alone (planner.access.active_links' rule, on this one link), and the writes
    are one statement on PostgreSQL: both written by hand (message_statements), as the
    busiest write of the conversations."""
    found = message_statements.locked_for_writing(conversation_id, author.pk)
    if found is None:
        not_found(Conversation)
    side = RUNNER if author.pk == found.runner_id else THERAPIST
    if not (found.link_status == CareLink.Status.ACTIVE and found.role_held):
        if side is THERAPIST:
            # The therapist reads it no more, like the rest of the runner's data.
            not_found(Conversation)
        raise Closed(shown_name(User.objects.get(pk=found.therapist_id)))
    # The notice names the sender, never what was written: the notification list is read on
    # its own, and a therapist's would keep a runner's words after the link ends. The first
    # message of the hour writes the email's delivery; the UNIQUE constraint turns every later
    # one (and one written at the same moment) into nothing.
    # The notice is in the recipient's language (read with the link): she reads it later.
    recipient_id = getattr(found, f"{side.other}_id")
    with readers.writing_to(recipient_id, found.language_of(recipient_id)):
        message = message_statements.write(
            message_statements.NewMessage(
                conversation_id=conversation_id,
                author_id=author.pk,
                recipient_id=recipient_id,
                body=checked_body(body),
                at=now,
                notice_title=_("New message from %(name)s") % {"name": shown_name(author)},
                notice_link=reverse("conversation", args=[conversation_id]),
                email_hour=now.astimezone(UTC).replace(minute=0, second=0, microsecond=0),
            )
        )
    # The author as given, their name already read: naming them again costs nothing.
    message.author = author
    return message


# --- Sending (planner.delivery) --------------------------------------------------------------


def may_still_read(user_id: int, conversation: Conversation) -> bool:
    """Whether the person is still one who reads the conversation (an email tells of it only
    then): its runner always, its therapist while the link grants access."""
    link = conversation.link
    if user_id == link.runner_id:
        return True
    return user_id == link.therapist_id and active_links().filter(pk=link.pk).exists()


def has_unread(user_id: int, conversation: Conversation) -> bool:
    """Whether the person has messages of the other side they have not read yet (an email
    read late, when everything was already read in the app, says nothing new)."""
    link = conversation.link
    side = RUNNER if user_id == link.runner_id else THERAPIST
    read_at = getattr(conversation, side.read_field) or NEVER
    return (
        Message.objects.filter(conversation_id=conversation.pk, created_at__gt=read_at)
        .exclude(author_id=user_id)
        .exists()
    )
