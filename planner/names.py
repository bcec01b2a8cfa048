"""The name a person is shown by: the one they chose on their profile, else their username.

Every page, email and API answer that names a person asks here, so a runner is "Nina Ortiz" to
their therapist everywhere once she says so, and her username where she has not."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User

from planner.models import Profile


def shown_name(user: User) -> str:
    """The name `user` wants shown (one query unless the profile came with the user)."""
    try:
        chosen = user.profile.display_name
    except Profile.DoesNotExist:
        chosen = ""
    return chosen or user.get_username()


def shown_names(users: Iterable[tuple[int, str]]) -> dict[int, str]:
    """The names of the people given as (id, username), in one query: a list names many."""
    usernames = dict(users)
    chosen = dict(
        Profile.objects.filter(user_id__in=list(usernames))
        .exclude(display_name="")
        .values_list("user_id", "display_name")
    )
    return {pk: chosen.get(pk) or username for pk, username in usernames.items()}
