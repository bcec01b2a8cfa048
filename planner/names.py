"""The name a person is shown by: the one they chose on their profile, else their username;
and, for a therapist, the clinic shown with it.

Every page, email and API answer that names a person asks here, so a runner is "Nina Ortiz" to
their therapist everywhere once she says so, and her username where she has not."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User

from planner.models import Clinic, Profile


def shown_name(user: User) -> str:
    """The name `user` wants shown (one query unless the profile came with the user; kept on
    the instance, as Django does not keep a missing profile, so a page naming someone ten
    times asks once)."""
    remembered: str | None = getattr(user, "_shown_name", None)
    if remembered is not None:
        return remembered
    try:
        chosen = user.profile.display_name
    except Profile.DoesNotExist:
        chosen = ""
    name = chosen or user.get_username()
    user._shown_name = name  # type: ignore[attr-defined]
    return name


def shown_names(users: Iterable[tuple[int, str]]) -> dict[int, str]:
    """The names of the people given as (id, username), in one query: a list names many."""
    usernames = dict(users)
    chosen = dict(
        Profile.objects.filter(user_id__in=list(usernames))
        .exclude(display_name="")
        .values_list("user_id", "display_name")
    )
    return {pk: chosen.get(pk) or username for pk, username in usernames.items()}


def clinic_of(user_id: int) -> Clinic | None:
    """The clinic a therapist works at (None for a runner, or a therapist with none), as
    handouts, the invitation email and the account page show it."""
    return Clinic.objects.filter(therapists__user_id=user_id).first()
