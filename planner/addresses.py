"""Email addresses a person has confirmed: the only ones anything is sent to (reminders,
alerts) and the only ones a therapist's invitation can find. Anyone can type anyone's address
when signing up; only its owner can confirm it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.db.models import OuterRef, Subquery


def confirmed_email(user: User) -> str | None:
    """Where to write to this person: their confirmed address (the primary one first)."""
    email: str | None = (
        EmailAddress.objects.filter(user_id=user.pk, verified=True)
        .order_by("-primary", "pk")
        .values_list("email", flat=True)
        .first()
    )
    return email


def confirmed_email_of(user_ids: Iterable[int]) -> dict[int, str]:
    """confirmed_email of many people, by user id, in one query: those with none are left out."""
    found: dict[int, str] = {}
    for user_id, email in (
        EmailAddress.objects.filter(user_id__in=list(user_ids), verified=True)
        .order_by("user_id", "-primary", "pk")
        .values_list("user_id", "email")
    ):
        found.setdefault(user_id, email)
    return found


class Reader(NamedTuple):
    """How to write to a person: her confirmed address (None: in the app only), her language
    ("" when she chose none) and her time zone ("" when she chose none)."""

    email: str | None
    language: str
    time_zone: str


def readers_of(user_ids: Iterable[int]) -> dict[int, Reader]:
    """confirmed_email_of many people, with each one's language and time zone, in one query
    (the send path reads a chunk's recipients at once: planner.delivery.chunk)."""
    first_address = (
        EmailAddress.objects.filter(user_id=OuterRef("pk"), verified=True)
        .order_by("-primary", "pk")
        .values("email")[:1]
    )
    return {
        user_id: Reader(email, language or "", time_zone or "")
        for user_id, email, language, time_zone in User.objects.filter(pk__in=list(user_ids))
        .annotate(address=Subquery(first_address))
        .values_list("pk", "address", "profile__language", "profile__time_zone")
    }


def confirmed_emails(user: User) -> list[str]:
    """Every address this person confirmed."""
    return list(
        EmailAddress.objects.filter(user_id=user.pk, verified=True).values_list("email", flat=True)
    )


def owner_of(email: str) -> User | None:
    """The active account that has confirmed this address (one at most can)."""
    address = (
        EmailAddress.objects.filter(
            email__iexact=email.strip(), verified=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    return address.user if address is not None else None
