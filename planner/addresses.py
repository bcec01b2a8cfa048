"""Email addresses a person has confirmed: the only ones anything is sent to (reminders,
alerts) and the only ones a therapist's invitation can find. Anyone can type anyone's address
when signing up; only its owner can confirm it."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User


def confirmed_email(user: User) -> str | None:
    """Where to write to this person: their confirmed address (the primary one first)."""
    email: str | None = (
        EmailAddress.objects.filter(user_id=user.pk, verified=True)
        .order_by("-primary", "pk")
        .values_list("email", flat=True)
        .first()
    )
    return email


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
