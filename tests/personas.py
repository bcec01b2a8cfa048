"""The people of the API tests, built in code.

- Rosa: a runner with an IT band plan; Theo, her therapist, through an accepted invitation.
- Oscar: another runner with his own plan. Uma: a therapist nobody has linked to.
- Alice: an admin (staff).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import Group, User
from knox.models import AuthToken
from rest_framework.test import APIClient

from planner.access import THERAPIST_GROUP
from planner.models import CareLink, Plan
from tests import factories

PLAN_START = date(2026, 3, 2)


@dataclass
class People:
    rosa: User
    oscar: User
    theo: User
    uma: User
    alice: User
    rosa_plan: Plan
    oscar_plan: Plan

    def client(self, who: str | None) -> APIClient:
        """An API client signed in (by token) as `who`, or anonymous for None."""
        client = APIClient()
        if who is not None:
            user = getattr(self, who)
            _token, key = AuthToken.objects.create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client


def therapist(username: str) -> User:
    """A therapist, with the second factor every therapist must have (an authenticator app)."""
    user = factories.person(username)
    group, _ = Group.objects.get_or_create(name=THERAPIST_GROUP)
    user.groups.add(group)
    factories.with_two_factors(user)
    return user


def build() -> People:
    rosa = factories.person("rosa")
    oscar = factories.person("oscar")
    theo = therapist("theo")
    uma = therapist("uma")
    alice = User.objects.create_superuser("alice", "alice@example.com", "alice-pass-4242")
    CareLink.objects.create(therapist=theo, runner=rosa, status=CareLink.Status.ACTIVE)
    return People(
        rosa=rosa,
        oscar=oscar,
        theo=theo,
        uma=uma,
        alice=alice,
        rosa_plan=factories.plan_for(rosa, PLAN_START),
        oscar_plan=factories.plan_for(oscar, PLAN_START),
    )
